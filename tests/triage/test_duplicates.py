"""Duplicate suggestions: similar text from the same reporter or place, within a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triage.duplicates import DupCandidate, find_duplicates, fingerprint, similarity

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TEXT = "安溪县湖头镇某村村主任把低保名额给了自己的亲戚，真正困难的人评不上，请调查。"


def cand(id_: str, text: str, reporter: str | None = "r1", county: str | None = "350524",
         days_ago: float = 1) -> DupCandidate:
    return DupCandidate(id_, fingerprint(text), reporter, county, NOW - timedelta(days=days_ago))


def test_fingerprint_of_tokens_equals_fingerprint_of_text() -> None:
    assert fingerprint(["安溪县", "湖头镇", "低保"]) == fingerprint("安溪县 湖头镇，低保")


def test_similarity_bounds() -> None:
    a = fingerprint(TEXT)
    assert similarity(a, a) == 1.0
    assert similarity(a, fingerprint("今天天气很好")) == 0.0
    assert similarity(frozenset(), a) == 0.0


def test_same_reporter_similar_text_is_linked() -> None:
    new = cand("new", TEXT.replace("请调查", "请尽快调查处理"))
    out = find_duplicates(new, [cand("old", TEXT)], window_days=30, now=NOW)
    assert [o[0] for o in out] == ["old"]
    assert "same reporter" in out[0][2]


def test_same_county_other_reporter_is_linked() -> None:
    new = cand("new", TEXT + "已经反映过一次。", reporter="r2")
    out = find_duplicates(new, [cand("old", TEXT)], window_days=30, now=NOW)
    assert out and "same county" in out[0][2]


def test_outside_window_is_not_linked() -> None:
    out = find_duplicates(cand("new", TEXT), [cand("old", TEXT, days_ago=40)], 30, NOW)
    assert out == []


def test_different_matter_is_not_linked() -> None:
    other = "泉州市晋江市某养老院伙食太差，老人吃不饱，希望民政部门检查。"
    assert find_duplicates(cand("new", TEXT), [cand("old", other)], 30, NOW) == []


def test_similar_text_elsewhere_by_someone_else_needs_near_identity() -> None:
    new = cand("new", TEXT + "谢谢。", reporter="r9", county="350628")
    near = find_duplicates(new, [cand("old", TEXT)], 30, NOW)
    assert near and "near-identical text" in near[0][2]
    loose = cand("new", TEXT[:20] + "另外还有别的很多事情要说明一下情况。", reporter="r9", county=None)
    assert find_duplicates(loose, [cand("old", TEXT)], 30, NOW) == []


def test_best_first_and_self_excluded() -> None:
    new = cand("new", TEXT)
    recent = [cand("new", TEXT), cand("a", TEXT + "补充一句话。"), cand("b", TEXT)]
    out = find_duplicates(new, recent, 30, NOW)
    assert [o[0] for o in out] == ["b", "a"]
