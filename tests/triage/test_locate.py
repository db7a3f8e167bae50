"""Golden tests for places: full names, former names, alias, spoken forms, townships, traps."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from triage.engine import Hints, Triager
from triage.gazetteer import divisions


def county(triager: Triager, text: str, hints: Hints | None = None) -> str | None:
    return triager.triage(text, hints).county_code


def _traps() -> list[str]:
    text = resources.files("triage").joinpath("data/fujian_name_collisions.csv").read_text("utf-8")
    return sorted({row["search_term"] for row in csv.DictReader(text.splitlines())})


# How the trap words really occur in non-Fujian messages.
@pytest.mark.parametrize(
    "text",
    [
        "建设路上的路灯坏了一个月没人修。",
        "城市建设要以人为本。",
        "我心态很平和，只想讨个说法。",
        "东山小区的垃圾堆了三天。",
        "永安路口的红绿灯太短了。",
        "楼下新开了一家沙县小吃，油烟很大。",
        "邻居在楼顶搭建阳光房，影响采光。",
        "幸福安置小区的物业不作为。",
        "长乐坊夜市噪音扰民。",
        "中华路和开元路交叉口经常堵车。",
        "我在金门旅游时丢了钱包。",
        "江口镇的学校收费不规范。",
        "城关镇的农贸市场太乱了。",
    ],
)
def test_trap_word_does_not_route(triager: Triager, text: str) -> None:
    assert county(triager, text) is None


@pytest.mark.parametrize("term", _traps())
def test_every_collision_word_alone_does_not_route(triager: Triager, term: str) -> None:
    # 沙县's non-Fujian hits are all 沙县小吃; the standalone token is the former county name.
    word = "沙县小吃" if term == "沙县" else term
    for text in (word, f"我们这里的{word}附近有人乱扔垃圾，请处理。", f"关于{word}低保的问题。"):
        assert county(triager, text) is None, text


def _former_names() -> list[tuple[str, str]]:
    return sorted(
        (old, d.code)
        for d in divisions()
        if d.level == "county"
        for old, _code in d.former_names
    )


def test_former_names_in_the_gazetteer_include_the_known_ones() -> None:
    names = dict(_former_names())
    assert names["梅列区"] == "350404"
    assert names["沙县"] == "350405"
    assert names["龙海市"] == "350604"
    assert names["长泰县"] == "350605"
    assert names["长乐市"] == "350112"
    assert names["建阳市"] == "350703"


@pytest.mark.parametrize(("old", "code"), _former_names())
def test_former_name_routes_to_successor(triager: Triager, old: str, code: str) -> None:
    assert county(triager, f"我是{old}的低保户，反映一个问题。") == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("三明市梅列区民政局", "350404"),
        ("三明市沙县有个村干部贪污", "350405"),
        ("沙县民政局不作为", "350405"),
        ("龙海市角美镇的低保", "350604"),
        ("原长乐市民政局", "350112"),
        ("南平建阳市", "350703"),
    ],
)
def test_former_name_in_context(triager: Triager, text: str, code: str) -> None:
    assert county(triager, text) == code


@pytest.mark.parametrize(
    "text", ["平潭综合实验区的五保老人", "我住在平潭实验区", "福州市平潭县的低保"]
)
def test_pingtan_alias(triager: Triager, text: str) -> None:
    assert county(triager, text) == "350128"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("泉州安溪的低保户", "350524"),
        ("泉州市安溪县民政局", "350524"),
        ("安溪县城有个敬老院", "350524"),
        ("我家在安溪县城", "350524"),
        ("漳州平和的特困户", "350628"),
        ("平和县城关的老人", "350628"),
        ("漳州东山的渔民", "350626"),
        ("三明永安的扶贫款", "350481"),
        ("我在福州长乐打工", "350112"),
        ("福建省福州市鼓楼区", "350102"),
        ("宁德市福安市", "350981"),
        ("安溪县", "350524"),
    ],
)
def test_how_people_name_a_county(triager: Triager, text: str, code: str) -> None:
    assert county(triager, text) == code


def test_bare_short_name_needs_context(triager: Triager) -> None:
    assert county(triager, "安溪的铁观音很好喝") is None
    assert county(triager, "泉州的朋友说安溪的铁观音很好喝") == "350524"


def test_trap_short_name_needs_adjacent_context(triager: Triager) -> None:
    # 平和 is a common word: its prefecture elsewhere in the text is not enough.
    assert county(triager, "漳州的干部态度平和") is None


def test_prefecture_alone_is_unresolved(triager: Triager) -> None:
    r = triager.triage("福州市的低保标准是多少？")
    assert r.county_code is None
    assert r.prefecture_code == "3501"


def test_unique_township_alone_names_its_county(triager: Triager) -> None:
    r = triager.triage("湖头镇的低保评定不公开")
    assert r.county_code == "350524"
    assert r.township_code == "350524102"
    assert r.township_name == "湖头镇"


def test_shared_township_without_context_is_unresolved(triager: Triager) -> None:
    assert county(triager, "金井镇的五保老人没人管") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("泉州市金井镇的五保老人", "350582"), ("晋江市金井镇的五保老人", "350582"),
     ("福州市金井镇的五保老人", "350128"), ("尤溪县城关镇", "350426")],
)
def test_shared_township_with_context(triager: Triager, text: str, code: str) -> None:
    assert county(triager, text) == code


def test_nominal_kinmen_never_routes(triager: Triager) -> None:
    assert county(triager, "金门县的亲戚") is None


def test_no_place_is_unresolved(triager: Triager) -> None:
    r = triager.triage("我家生活困难，想申请低保。")
    assert r.county_code is None
    assert r.location_source is None
    assert r.location_confidence == 0.0


# ------------------------------------------------------------------ hints
def test_form_hint_used_when_text_is_silent(triager: Triager) -> None:
    r = triager.triage("我想申请低保", Hints(county_code="350524"))
    assert (r.county_code, r.location_source, r.location_conflict) == ("350524", "form", False)


def test_hotline_hint_comes_before_form(triager: Triager) -> None:
    r = triager.triage("我想申请低保", Hints(county_code="350524", hotline_county_code="350582"))
    assert (r.county_code, r.location_source) == ("350582", "hotline")


def test_history_hint_is_last(triager: Triager) -> None:
    r = triager.triage("我想申请低保", Hints(previous_county_code="350628"))
    assert (r.county_code, r.location_source) == ("350628", "history")
    assert r.location_confidence < 0.6


def test_township_hint_names_county(triager: Triager) -> None:
    r = triager.triage("我想申请低保", Hints(township_code="350524102"))
    assert (r.county_code, r.township_code) == ("350524", "350524102")


def test_text_agreeing_with_hint_is_no_conflict(triager: Triager) -> None:
    r = triager.triage("安溪县的低保", Hints(county_code="350524"))
    assert (r.county_code, r.location_source, r.location_conflict) == ("350524", "text", False)


def test_text_contradicting_hint_is_flagged(triager: Triager) -> None:
    r = triager.triage("安溪县的低保", Hints(hotline_county_code="350628"))
    assert r.county_code == "350524"
    assert r.location_source == "text"
    assert r.location_conflict is True
    assert any("conflict" in rule for rule in r.rules)


def test_history_never_conflicts(triager: Triager) -> None:
    r = triager.triage("安溪县的低保", Hints(previous_county_code="350628"))
    assert r.location_conflict is False


def test_prefecture_in_text_contradicting_hint_is_flagged(triager: Triager) -> None:
    r = triager.triage("福州市的低保", Hints(county_code="350524"))
    assert r.location_conflict is True


def test_keywords_and_rules_explain_the_place(triager: Triager) -> None:
    r = triager.triage("泉州安溪的低保户")
    assert "泉州安溪" in r.keywords
    assert any("安溪县" in rule for rule in r.rules)


def test_tokenizer_is_private_and_cached_where_asked(tmp_path: Path) -> None:
    import jieba

    t = Triager.load(cache_dir=tmp_path)
    assert t.tokenizer.dict_path is not None and t.tokenizer.dict_path.parent == tmp_path
    assert any(p.suffix == ".marshal" for p in tmp_path.iterdir())
    assert "泉州安溪" not in jieba.dt.FREQ  # the global tokenizer is left alone
    assert t.tokens("泉州安溪县城") == ["泉州安溪", "县城"]


def test_unwritable_cache_builds_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    t = Triager.load(cache_dir=blocker / "cache")
    assert t.tokenizer.dict_path is None
    assert t.triage("泉州安溪的低保").county_code == "350524"


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    Triager.load(cache_dir=tmp_path, freeze=False)
    cache = next(p for p in tmp_path.iterdir() if p.suffix == ".marshal")
    cache.write_bytes(b"not marshal")
    t = Triager.load(cache_dir=tmp_path, freeze=False)
    assert t.triage("泉州安溪的低保").county_code == "350524"
    assert cache.stat().st_size > 1_000_000


@pytest.mark.parametrize("code", ["999999", "350527", "3505"])
def test_unknown_hint_code_is_ignored(triager: Triager, code: str) -> None:
    r = triager.triage("我想申请低保", Hints(county_code=code))
    assert r.county_code is None
    assert any("ignored" in rule for rule in r.rules)
