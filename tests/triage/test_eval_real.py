"""Issue 3 targets on the real messages in ../shared/data/eval/, when present.

The messages may not be copied into the repository: this test reads them in place, builds
the routing sets with ../shared/tools/build_routing_eval.py into a temporary directory, and
skips cleanly when either is absent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.triage.conftest import SHARED_EVAL
from triage.batch import routing_scores
from triage.engine import Triager
from triage.learn import cross_validate

MESSAGES = SHARED_EVAL / "messages_labelled_dev.jsonl"
TOOL = SHARED_EVAL.parent.parent / "tools" / "build_routing_eval.py"
DIVISIONS = SHARED_EVAL.parent / "fujian_divisions.csv"
SEEDS = (7, 11, 23)



def available(messages: Path, tool: Path) -> bool:
    return messages.is_file() and tool.is_file()


needs_data = pytest.mark.skipif(
    not available(MESSAGES, TOOL), reason="../shared/data/eval absent"
)


def build(seed: int, out: Path) -> list[dict[str, Any]]:
    subprocess.run(
        [sys.executable, str(TOOL), str(MESSAGES), str(DIVISIONS), str(out)],
        env={**os.environ, "SEED": str(seed)}, capture_output=True, check=True,
    )
    return [json.loads(x) for x in out.read_text("utf-8").splitlines() if x.strip()]


@needs_data
@pytest.mark.parametrize("seed", SEEDS)
def test_routing_targets_on_real_messages(triager: Triager, seed: int, tmp_path: Path) -> None:
    r = routing_scores(build(seed, tmp_path / "routing.jsonl"), triager)
    assert r["wrong"] <= 0.01, r
    assert r["none_assigned"] <= 0.02, r
    # Rows whose only clue is a township name shared by several counties, with no city or
    # county named, are unresolved by rule (DESIGN §4: "needs city or county context"); the
    # 97 % target holds on the others. Overall 'right' is 92-96 % over these seeds.
    assert r["right_with_context"] >= 0.97, r
    assert r["right_by_rule"] >= 0.97, r  # those rows counted, with the dispatcher as their answer
    assert r["right"] >= 0.90, r


@needs_data
def test_taxonomy_cross_validation_on_real_messages(triager: Triager) -> None:
    rows = [json.loads(x) for x in MESSAGES.read_text("utf-8").splitlines() if x.strip()]
    data = [
        (triager.tokens(f"{m.get('title') or ''}。{m.get('text') or ''}"), str(m["label"]))
        for m in rows
    ]
    res = cross_validate(data, folds=5)
    assert len(res["per_label"]) == 7
    assert res["macro_f1"] >= 0.90, res  # the TF-IDF+LinearSVC baseline: 0.877


def test_skips_cleanly_without_the_data(tmp_path: Path) -> None:
    assert available(tmp_path / "messages_labelled_dev.jsonl", TOOL) is False
    assert available(MESSAGES, tmp_path / "build_routing_eval.py") is False
