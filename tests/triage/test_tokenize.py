"""The tokenizer's one-pass cut gives exactly the words of jieba's own ``Tokenizer.cut(HMM=False)``
over the same dictionary file."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jieba
import pytest

from tests.triage.conftest import SHARED_EVAL
from triage.engine import Triager
from triage.tokenize import _lines_kept

ALPHABET = ("低保金村干部书记截留私分安溪县城长乐坊沙县小吃搭建阳光房平潭综合实验区"
            "abcXYZ0123 \t\n\r\u3000，。!?-_.%#&+\u200b𠀀😀")


@pytest.fixture(scope="module")
def reference(triager: Triager, tmp_path_factory: pytest.TempPathFactory) -> jieba.Tokenizer:
    """jieba's own tokenizer over the same dictionary file."""
    assert triager.tokenizer.dict_path is not None
    tok = jieba.Tokenizer(dictionary=str(triager.tokenizer.dict_path))
    tok.tmp_dir = str(tmp_path_factory.mktemp("jieba"))
    return tok


def jieba_words(reference: jieba.Tokenizer, text: str) -> list[str]:
    """jieba's words, whitespace dropped but a line break kept once (as the triage cut does)."""
    return _lines_kept(reference.cut(text, HMM=False))


@pytest.mark.parametrize("text", [
    "", " ", "泉州安溪县城关镇低保金被村干部截留", "搭建阳光房", "沙县小吃", "长乐坊",
    "abc123 def 4.5%", "Ａ市Ａ３区", "福州市鼓楼区东街社区低保金本月未发放，已经打电话问过社区。",
    "村支书王某某把我家的临时救助金2000元私分了!!!", "😀低保𠀀金",
])
def test_golden_strings_cut_as_jieba_does(triager: Triager, reference: jieba.Tokenizer, text: str) -> None:
    assert triager.tokens(text) == jieba_words(reference, text)


def test_a_line_break_stays_as_one_sentence_end(triager: Triager) -> None:
    assert triager.tokens("\n\n低保金 情况说明\r\n\n 村干部截留\t私分\n") == [
        "低保金", "情况", "说明", "\n", "村干部", "截留", "私分", "\n"]
    assert _lines_kept(["a", " ", "\n", "\r\n", "b"]) == ["a", "\n", "b"]


def test_random_strings_cut_as_jieba_does(triager: Triager, reference: jieba.Tokenizer) -> None:
    rng = random.Random(2026)
    for _ in range(5000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert triager.tokens(text) == jieba_words(reference, text), repr(text)


@pytest.mark.skipif(not (SHARED_EVAL / "messages_labelled_dev.jsonl").is_file(),
                    reason="../shared/data/eval absent")
def test_real_messages_cut_as_jieba_does(triager: Triager, reference: jieba.Tokenizer) -> None:
    lines = (SHARED_EVAL / "messages_labelled_dev.jsonl").read_text("utf-8").splitlines()
    for line in lines[:600]:
        m = json.loads(line)
        text = f"{m.get('title') or ''}。{m.get('text') or ''}"
        assert triager.tokens(text) == jieba_words(reference, text), m["id"]


def test_hmm_cut_is_jiebas(tmp_path: Path) -> None:
    from triage.tokenize import TriageTokenizer

    tok = TriageTokenizer([("泉州安溪", 200_000)], cache_dir=tmp_path, hmm=True)
    text = "泉州安溪县城的低保户王晓明反映情况"
    ref = jieba.Tokenizer(dictionary=str(tok.dict_path))
    ref.tmp_dir = str(tmp_path)
    assert tok.cut(text) == _lines_kept(ref.cut(text, HMM=True))


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triage import tokenize

    def broken(_src: object, _dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tokenize.os, "replace", broken)
    tok = tokenize.TriageTokenizer([("泉州安溪", 200_000)], cache_dir=tmp_path)
    assert tok.dict_path is None  # built in memory instead
    assert tok.cut("泉州安溪县城") == ["泉州安溪", "县城"]
    assert list(tmp_path.iterdir()) == []
