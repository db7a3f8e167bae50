"""The learned model: train, save, load, predict, readable top keywords."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.engine import Triager
from triage.learn import KeywordModel, train

NOW = datetime(2026, 3, 1, tzinfo=UTC)
PHRASES = {
    "低保": ["低保金没有发放", "申请低保被拒", "低保户的待遇", "城乡低保标准"],
    "养老": ["养老院伙食差", "敬老院老人没人照顾", "养老机构收费高", "高龄津贴没发"],
    "殡葬": ["公墓价格太贵", "殡葬改革强制火化", "墓地乱收费", "殡仪馆服务差"],
}


def synthetic_rows(n: int, seed: int = 1) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    filler = ["请尽快处理", "希望领导重视", "谢谢", "我们很着急", "已经反映多次"]
    rows = []
    for i in range(n):
        label = sorted(PHRASES)[i % 3]
        text = "，".join([rng.choice(PHRASES[label]), rng.choice(filler), rng.choice(filler)])
        rows.append((text, label))
    return rows


@pytest.fixture(scope="module")
def model(triager: Triager) -> KeywordModel:
    return train(synthetic_rows(90), triager.tokens, now=NOW)


def test_predicts_the_training_labels(model: KeywordModel, triager: Triager) -> None:
    for text, label in synthetic_rows(30, seed=2):
        assert model.predict(triager.tokens(text))[0] == label


def test_confidence_is_between_zero_and_one(model: KeywordModel, triager: Triager) -> None:
    _label, conf = model.predict(triager.tokens("公墓价格太贵"))
    assert 0.0 < conf <= 1.0


def test_save_load_round_trip(model: KeywordModel, triager: Triager, tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    model.save(path)
    again = KeywordModel.load(path)
    for text, _label in synthetic_rows(12, seed=3):
        toks = triager.tokens(text)
        assert again.predict(toks) == model.predict(toks)
    assert again.labels == model.labels
    assert again.created_at == "2026-03-01T00:00:00+00:00"


def test_model_file_is_readable(model: KeywordModel, tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    model.save(path)
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "triage-keyword-model"
    assert data["version"] == 1
    assert data["labels"] == ["低保", "养老", "殡葬"]
    assert set(data["top_keywords"]) == {"低保", "养老", "殡葬"}
    assert "低保" in path.read_text("utf-8")  # stored as UTF-8, not escaped


def test_top_keywords_name_the_label(model: KeywordModel) -> None:
    top = [f for f, _w in model.top_keywords("殡葬", 10)]
    assert any(k in f for f in top for k in ("墓", "殡", "火化"))


def test_engine_loads_a_model_and_reports_the_label(
    model: KeywordModel, tmp_path: Path
) -> None:
    path = tmp_path / "m.json"
    model.save(path)
    t = Triager.load(model_path=path)
    r = t.triage("公墓价格太贵，请尽快处理")
    assert r.label == "殡葬"
    assert r.label_confidence is not None


def test_one_label_is_refused(triager: Triager) -> None:
    with pytest.raises(ValueError, match="two labels"):
        train([("a", "x"), ("b", "x")], triager.tokens)


def test_not_a_model_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError):
        KeywordModel.load(path)


def reference_scores(model: KeywordModel, tokens: list[str]) -> list[float]:
    """TF-IDF by the training-time ``extract``, the slow and obvious way."""
    import math

    from triage.learn import extract

    vals = {
        f: (1 + math.log(c)) * model.idf[f]
        for f, c in extract(tokens, model.config).items() if f in model.idf
    }
    norm = math.sqrt(sum(v * v for v in vals.values()))
    out = []
    for k, b in enumerate(model.bias):
        s = sum(v * model.weights[f][k] for f, v in vals.items() if f in model.weights)
        out.append(float(b) + (s / norm if norm else 0.0))
    return out


def test_fast_scoring_equals_reference(model: KeywordModel, triager: Triager) -> None:
    for text in ["公墓价格太贵，请尽快处理！！", "低保户的待遇2024年", "abc 殡葬改革", "。", "低保😀金没有发放𠀀"]:
        toks = triager.tokens(text)
        fast = [float(x) for x in model.scores(toks)]
        assert fast == pytest.approx(reference_scores(model, toks), abs=1e-9)


def test_char_ngrams_longer_than_three_are_refused() -> None:
    from triage.learn import FeatureConfig

    with pytest.raises(ValueError):
        FeatureConfig(char_max=4)


def test_fast_scoring_equals_reference_with_trigrams_and_odd_characters(triager: Triager) -> None:
    from triage.learn import FeatureConfig, TrainConfig

    cfg = TrainConfig(features=FeatureConfig(char_min=1, char_max=3, min_df=1))
    model = train(synthetic_rows(90), triager.tokens, cfg, now=NOW)
    # NUL must not pack as nothing (NUL + 低保 is not 低保); a lone surrogate is no error.
    for text in ["\x00低保户的待遇", "低保\x00户", "\ud800低保金没有发放", "公墓价格太贵\U0010ffff"]:
        toks = triager.tokens(text)
        fast = [float(x) for x in model.scores(toks)]
        assert fast == pytest.approx(reference_scores(model, toks), abs=1e-9), repr(text)
