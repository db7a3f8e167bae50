"""Discipline flag on real messages: precision and recall against hand labels.

The labels (``bench/data/discipline_gold_dev.csv``: message id, stratum, 0/1; no message
text) were made for this project from ``../shared/data/eval/messages_labelled_dev.jsonl``:

- Which messages: every message matched by ``NET`` below (a deliberately wide net of
  corruption and cadre words, stratum ``net``) and every message outside it: first a random
  sample of 250 (stratum ``sample``, seed 2026), later the other 1,320 (stratum ``census``).
  With all of them labelled a message outside the net stands for itself; with the sample
  alone it stood for ``outside / 250`` messages (``outside_weight``), so recall counted the
  accusations the net itself would miss either way.
- How: two annotators labelled every message independently by the written guide
  (``bench/data/discipline_labelling_guide.md``); a third annotator decided each
  disagreement. Net and sample: Cohen's kappa 0.89 and 0.84 on the two halves, 28
  disagreements, 108 of 923 accusations. Census: kappa 0.81, 17 disagreements, 39 of 1,320
  accusations (147 of 2,243 in all).
- Split: ids are split in two by a hash (``half``). Rules are tuned looking at ``tune`` only;
  ``held_out`` is the figure that counts; ``all`` is shown beside it.

Beside the real messages, ``bench/data/discipline_synthetic.jsonl`` holds 1,800 synthetic
letters written for this project (no real message was read to write them) by four writers
who each covered one area (social assistance; land and rural affairs; education, health
and labour; subtle cases across government), each about 40 % accusations, most of the rest
hard negatives (private fraud, rumours, rude officials, policy complaints, questions). The
``dev`` split (the first two areas) may be read when rules are written; ``check`` (the
other two) is looked at only as figures.

``bench/data/discipline_domain_check.jsonl`` holds 300 invented messages of the platform's own
domain (低保, 特困, 临时救助, 扶贫, 敬老院; half accusations, half hard negatives), written
by one more writer who read only the labelling guide, never the code. It is a check: no
rule is written from it. At 082cfb1 the flag scored P 0.89 R 0.62 on it.

    python -m bench.discipline_eval [--show-errors tune]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "data" / "discipline_gold_dev.csv"
SYNTHETIC = ROOT / "bench" / "data" / "discipline_synthetic.jsonl"
DOMAIN_CHECK = ROOT / "bench" / "data" / "discipline_domain_check.jsonl"
EVAL_MESSAGES = ROOT.parent / "shared" / "data" / "eval" / "messages_labelled_dev.jsonl"
OUTSIDE_STRATA = frozenset({"sample", "census"})  # labelled messages the net does not match
NET = re.compile(
    r"贪|腐|挪用|侵占|截留|私分|克扣|冒领|骗取|套取|虚报|吃拿卡要|索|好处费|红包|回扣|受贿|行贿|"
    r"优亲厚友|人情|关系户|亲戚|以权谋私|权力|滥用|霸占|中饱私囊|私吞|侵吞|贿|纪委|纪检|违纪|违规|"
    r"黑幕|包庇|勾结|利益输送|暗箱|猫腻|徇私|舞弊|公款|吃空饷|敲诈|勒索|强占|私自|非法占用|村干部|"
    r"书记|村委|村长|主任"
)


def message_text(m: dict[str, Any]) -> str:
    return ((m.get("title") or "") + "。" + (m.get("text") or ""))[:1500]


def half(message_id: str) -> str:
    return "tune" if hashlib.sha256(message_id.encode()).digest()[0] % 2 == 0 else "held_out"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    positives: int  # labelled accusations in the split (unweighted)
    errors: tuple[tuple[str, str], ...]  # (FP|FN, id)


def load() -> tuple[dict[str, tuple[str, bool]], dict[str, str], float] | None:
    """(gold by id, text by id, weight of a message outside the net) or None without the data."""
    if not EVAL_MESSAGES.exists() or not GOLD.exists():
        return None
    msgs = [json.loads(x) for x in EVAL_MESSAGES.read_text("utf-8").splitlines() if x.strip()]
    texts = {str(m["id"]): message_text(m) for m in msgs}
    outside = sum(1 for m in msgs if not NET.search((m.get("title") or "") + (m.get("text") or "")))
    with GOLD.open(encoding="utf-8") as f:
        gold = {r["id"]: (r["stratum"], r["discipline"] == "1") for r in csv.DictReader(f)}
    return gold, texts, outside_weight(gold, outside)


def outside_weight(gold: dict[str, tuple[str, bool]], outside: int) -> float:
    """How many of the ``outside`` messages the net misses one labelled such message stands
    for: 1.0 once all of them are labelled, ``outside / 250`` with the random sample alone."""
    labelled = sum(1 for stratum, _ in gold.values() if stratum in OUTSIDE_STRATA)
    return outside / labelled if labelled else 0.0


def score(flag: Callable[[str], bool], which: str = "held_out") -> Scores | None:
    data = load()
    if data is None:
        return None
    gold, texts, weight = data
    tp = fp = fn = 0.0
    positives = 0
    errors: list[tuple[str, str]] = []
    for mid, (stratum, truth) in sorted(gold.items()):
        if which != "all" and half(mid) != which:
            continue
        w = weight if stratum in OUTSIDE_STRATA else 1.0
        said = flag(texts[mid])
        positives += truth
        if said and truth:
            tp += w
        elif said:
            fp += w
            errors.append(("FP", mid))
        elif truth:
            fn += w
            errors.append(("FN", mid))
    return Scores(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0, positives,
                  tuple(errors))


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _scores_by(rows: Sequence[dict[str, Any]], flag: Callable[[str], bool],
               keys: Callable[[dict[str, Any]], Sequence[str]]) -> dict[str, tuple[float, float, int]]:
    """(precision, recall, accusations) of ``flag`` on labelled rows, for each key of a row."""
    counts: dict[str, list[int]] = {}
    for r in rows:
        said, truth = flag(r["text"]), r["label"] == "discipline"
        for key in keys(r):
            c = counts.setdefault(key, [0, 0, 0])  # tp, fp, fn
            c[0] += said and truth
            c[1] += said and not truth
            c[2] += truth and not said
    return {k: (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0, tp + fn)
            for k, (tp, fp, fn) in counts.items()}


def synthetic_scores(flag: Callable[[str], bool]) -> dict[str, tuple[float, float, int]]:
    """(precision, recall, accusations) on the synthetic letters, by split and by topic."""
    return _scores_by(_read(SYNTHETIC), flag, lambda r: (r["split"], r["topic"]))


def domain_scores(flag: Callable[[str], bool]) -> tuple[float, float, int]:
    """(precision, recall, accusations) on the invented messages of the platform's domain."""
    return _scores_by(_read(DOMAIN_CHECK), flag, lambda _r: ("all",))["all"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--show-errors", choices=("tune", "held_out", "all"),
                    help="list the misses and false alarms of one split, with the rules that fired")
    args = ap.parse_args(list(argv) if argv is not None else [])
    from triage.engine import Triager

    triager = Triager.load()
    for key, (p, r, n) in synthetic_scores(lambda t: triager.triage(t).discipline).items():
        print(f"discipline synthetic {key:23}: precision {p:.3f}  recall {r:.3f}  ({n} accusations)")
    p, r, n = domain_scores(lambda t: triager.triage(t).discipline)
    print(f"discipline domain check (invented)       : precision {p:.3f}  recall {r:.3f}  ({n} accusations)")
    if load() is None:
        print(f"skipped: {EVAL_MESSAGES} absent")
        return 0
    for which in ("tune", "held_out", "all"):
        s = score(lambda t: triager.triage(t).discipline, which)
        assert s is not None
        print(f"discipline {which:8}: precision {s.precision:.3f}  recall {s.recall:.3f}  "
              f"({s.positives} labelled accusations)")
    if args.show_errors:
        data = load()
        assert data is not None
        texts = data[1]
        s = score(lambda t: triager.triage(t).discipline, args.show_errors)
        assert s is not None
        for kind, mid in s.errors:
            r = triager.triage(texts[mid])
            print(f"\n{kind} {mid}: {texts[mid][:300]}\n   rules: {list(r.rules)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
