"""The discipline evaluation's synthetic letters: well-formed, and scored as documented."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.discipline_eval import DOMAIN_CHECK, SYNTHETIC, domain_scores, outside_weight, synthetic_scores


def test_synthetic_letters_are_well_formed() -> None:
    rows = [json.loads(x) for x in SYNTHETIC.read_text("utf-8").splitlines()]
    assert len(rows) == 1800
    assert {r["label"] for r in rows} == {"discipline", "other"}
    assert Counter(r["split"] for r in rows) == {"dev": 900, "check": 900}
    assert len({r["text"] for r in rows}) == len(rows)
    share = sum(r["label"] == "discipline" for r in rows) / len(rows)
    assert 0.35 < share < 0.45


def test_synthetic_scores_by_split_and_topic() -> None:
    always = synthetic_scores(lambda _t: True)
    assert set(always) == {"dev", "check", "social_assistance", "land_rural",
                           "education_health_labour", "mixed_subtle"}
    p, r, n = always["dev"]
    assert r == 1.0 and n == 360 and p == pytest.approx(360 / 900)
    never = synthetic_scores(lambda _t: False)
    assert never["check"][:2] == (0.0, 0.0)


def test_a_message_outside_the_net_stands_for_the_unlabelled_ones_until_all_are_labelled() -> None:
    gold = {"a": ("net", True), "b": ("sample", False), "c": ("sample", True)}
    assert outside_weight(gold, 10) == 5.0
    gold |= {f"x{i}": ("census", False) for i in range(8)}
    assert outside_weight(gold, 10) == 1.0
    assert outside_weight({"a": ("net", True)}, 10) == 0.0


def test_domain_check_is_well_formed_and_scored() -> None:
    rows = [json.loads(x) for x in DOMAIN_CHECK.read_text("utf-8").splitlines()]
    assert len(rows) == 300 and len({r["text"] for r in rows}) == 300
    assert Counter(r["label"] for r in rows) == {"discipline": 150, "other": 150}
    assert domain_scores(lambda _t: True) == (0.5, 1.0, 150)
    assert domain_scores(lambda _t: False) == (0.0, 0.0, 150)
