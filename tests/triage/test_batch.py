"""Batch classification (issue 3 item 8) and evaluation."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from tests.triage.test_learn import synthetic_rows
from triage.batch import classify_lines, evaluate, scores_from_pairs
from triage.engine import Triager
from triage.learn import train

PLACES = ["泉州安溪", "福州市鼓楼区", "三明市梅列区", "湖头镇", "平潭综合实验区", "", "漳州平和"]
MATTERS = ["低保金三个月未到账", "村主任贪污扶贫资金", "五保老人没人照顾", "想申请临时救助"]
FIELDS = {"id", "county_code", "county_name", "township_code", "domain", "issues",
          "discipline", "urgent", "confidence", "keywords"}


def thousand_lines() -> list[str]:
    rng = random.Random(5)
    lines = []
    for i in range(1000):
        obj: dict[str, object] = {"id": f"t{i}", "text": rng.choice(PLACES) + rng.choice(MATTERS)}
        if i % 7 == 0:
            obj["hints"] = {"county_code": "350628"}
        lines.append(json.dumps(obj, ensure_ascii=False))
    return lines


def test_thousand_lines_in_order(triager: Triager) -> None:
    out = [json.loads(x) for x in classify_lines(thousand_lines(), triager)]
    assert [o["id"] for o in out] == [f"t{i}" for i in range(1000)]
    assert all(set(o) == FIELDS for o in out)
    assert all(o["county_code"] is None or len(o["county_code"]) == 6 for o in out)
    assert sum(1 for o in out if o["discipline"]) > 100


def test_bad_lines_give_errors_and_do_not_stop_the_run(triager: Triager) -> None:
    lines = [
        '{"id": "a", "text": "泉州安溪的低保"}',
        "not json",
        '{"id": "c"}',
        '{"id": "d", "text": "x", "hints": {"county_code": 350524}}',
        '["a list"]',
        "",
        '{"id": "f", "text": "湖头镇的低保"}',
    ]
    out = [json.loads(x) for x in classify_lines(lines, triager)]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", None, "f"]
    assert ["error" in o for o in out] == [False, True, True, True, True, False]
    assert out[-1]["county_code"] == "350524"


def test_label_fields_appear_with_a_model(triager: Triager, tmp_path: object) -> None:
    model = train(synthetic_rows(60), triager.tokens, now=datetime(2026, 1, 1, tzinfo=UTC))
    with_model = Triager(triager.tokenizer, triager.gazetteer, triager.classifier, model)
    out = json.loads(next(classify_lines(['{"id": 1, "text": "公墓价格太贵"}'], with_model)))
    assert out["label"] == "殡葬"
    assert 0 < out["label_confidence"] <= 1


def test_evaluate_with_a_model(triager: Triager) -> None:
    model = train(synthetic_rows(60), triager.tokens, now=datetime(2026, 1, 1, tzinfo=UTC))
    with_model = Triager(triager.tokenizer, triager.gazetteer, triager.classifier, model)
    rows = [{"text": t, "label": lab} for t, lab in synthetic_rows(30, seed=9)]
    res = evaluate(rows, with_model)
    assert res["n"] == 30
    assert res["accuracy"] == 1.0 and res["macro_f1"] == 1.0


def test_macro_f1_by_hand() -> None:
    res = scores_from_pairs([("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")])
    # a: P=1, R=.5, F=.667; b: P=.667, R=1, F=.8
    assert res["accuracy"] == 0.75
    assert abs(res["macro_f1"] - (2 / 3 + 0.8) / 2) < 1e-3
