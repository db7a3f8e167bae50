"""Triage benchmark: ratios measured side by side in one run (issue 3 targets).

    python -m bench.triage_bench [--jionlp-python /tmp/benchvenv/bin/python] [--quick]

Prints one table: triage vs ``jieba.lcut`` throughput on the same texts in this process,
triage vs jionlp's ``parse_location`` (in this process if importable, else in the given
interpreter, else skipped with a note), RSS of a fresh process after ``Triager.load()``,
time from process start to the first result with a warm cache, and, when
``../shared/data/eval/`` is present, routing figures over several draws of the evaluation
set and the 5-fold CV macro-F1 of the learned model vs a TF-IDF + LinearSVC baseline
(scikit-learn, dev only) on the same folds. The real messages are read in place and the
evaluation sets are built in a temporary directory: nothing derived from them is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL_MESSAGES = SHARED / "data" / "eval" / "messages_labelled_dev.jsonl"
BUILD_TOOL = SHARED / "tools" / "build_routing_eval.py"
SEEDS = (7, 11, 23)

_SYNTHETIC = [
    "泉州安溪县湖头镇某村村主任把低保名额给了自己的亲戚，真正困难的群众评不上，请求调查。",
    "我是三明市梅列区的特困人员，供养金已经三个月没有发放，生活非常困难。",
    "平潭综合实验区某社区的残疾人两项补贴被工作人员克扣，反映多次无人理睬。",
    "小区楼下新开了一家沙县小吃，油烟很大，希望有关部门管一管。",
    "请问临时救助需要准备什么材料？家里突遭火灾，实在活不下去了。",
]


def messages() -> list[dict[str, Any]]:
    if not EVAL_MESSAGES.exists():
        return []
    return [json.loads(x) for x in EVAL_MESSAGES.read_text("utf-8").splitlines() if x.strip()]


def bench_texts(msgs: Sequence[dict[str, Any]]) -> list[str]:
    if msgs:
        return [f"{m.get('title') or ''}。{m.get('text') or ''}" for m in msgs]
    return [s * 3 for s in _SYNTHETIC] * 200


def rate(fn: Callable[[str], object], texts: Sequence[str], rounds: int = 2) -> float:
    """Texts per second, best of ``rounds``."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def rates(fns: Sequence[Callable[[str], object]], texts: Sequence[str], rounds: int = 3) -> list[float]:
    """Texts per second of each function, best of ``rounds``, interleaved so that a busy
    neighbour on the machine slows all of them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            best[k] = min(best[k], time.perf_counter() - t0)
    return [len(texts) / b for b in best]


_JIONLP_SCRIPT = """
import json, sys, time
import jionlp
texts = json.load(open(sys.argv[1], encoding="utf-8"))
jionlp.parse_location(texts[0])
t0 = time.perf_counter()
for t in texts:
    jionlp.parse_location(t)
print(len(texts) / (time.perf_counter() - t0))
"""


def jionlp_rate(texts: Sequence[str], python: str | None) -> tuple[float | None, str]:
    try:
        import jionlp  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    else:
        code = _JIONLP_SCRIPT
        python = sys.executable
    if python is None:
        return None, "jionlp not importable (pass --jionlp-python PATH to measure in a venv)"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "texts.json"
        data.write_text(json.dumps(list(texts), ensure_ascii=False), "utf-8")
        code = _JIONLP_SCRIPT
        proc = subprocess.run(
            [python, "-c", code, str(data)], capture_output=True, text=True, timeout=600,
            check=False,
        )
    if proc.returncode != 0:
        return None, f"jionlp failed: {proc.stderr.strip().splitlines()[-1:]}"
    return float(proc.stdout.strip().splitlines()[-1]), f"jionlp via {python}"


_FRESH = """
import sys, time
t0 = time.perf_counter()
from triage.engine import Triager
t = Triager.load(model_path=sys.argv[1] if len(sys.argv) > 1 else None)
r = t.triage("泉州安溪县的低保户反映村主任贪污")
first = time.perf_counter() - t0
import psutil
print(first, psutil.Process().memory_info().rss)
"""


def fresh_process(model_path: Path | None = None) -> tuple[float, float, float]:
    """(seconds to first result in-process, wall seconds from spawn, RSS MB) in a new process."""
    started = time.perf_counter()
    extra = [str(model_path)] if model_path else []
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH, *extra], capture_output=True, text=True, cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    wall = time.perf_counter() - started
    first, rss = proc.stdout.split()
    return float(first), wall, int(rss) / 2**20


def routing(triager: Any) -> list[tuple[int, dict[str, Any]]]:
    from triage.batch import routing_scores

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SEEDS:
            path = Path(tmp) / f"routing_{seed}.jsonl"
            subprocess.run(
                [sys.executable, str(BUILD_TOOL), str(EVAL_MESSAGES),
                 str(SHARED / "data" / "fujian_divisions.csv"), str(path)],
                env={**os.environ, "SEED": str(seed)}, capture_output=True, check=True,
            )
            rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
            out.append((seed, routing_scores(rows, triager)))
    return out


def taxonomy(triager: Any, msgs: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], float | None]:
    """(our 5-fold CV, baseline macro-F1 on the same folds or None without scikit-learn)."""
    from triage.learn import cross_validate, stratified_folds

    texts = bench_texts(msgs)
    labels = [str(m["label"]) for m in msgs]
    ours = cross_validate([(triager.tokens(t), lab) for t, lab in zip(texts, labels, strict=True)])
    try:
        import jieba
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics import f1_score
        from sklearn.svm import LinearSVC
    except ImportError:
        return ours, None
    toks = [jieba.lcut(t) for t in texts]
    fold_of = stratified_folds(labels)
    truth: list[str] = []
    pred: list[str] = []
    for f in range(5):
        tr = [i for i in range(len(texts)) if fold_of[i] != f]
        te = [i for i in range(len(texts)) if fold_of[i] == f]
        vec = TfidfVectorizer(analyzer=lambda x: x)
        clf = LinearSVC().fit(vec.fit_transform([toks[i] for i in tr]), [labels[i] for i in tr])
        pred += list(clf.predict(vec.transform([toks[i] for i in te])))
        truth += [labels[i] for i in te]
    return ours, float(f1_score(truth, pred, average="macro"))


def train_model(triager: Any, msgs: Sequence[dict[str, Any]]) -> Any:
    """A model for the throughput column: the real labels when present, else synthetic."""
    from triage.learn import train

    if msgs:
        rows = list(zip(bench_texts(msgs), [str(m["label"]) for m in msgs], strict=True))
    else:
        rows = [(s, str(i % 3)) for i, s in enumerate(_SYNTHETIC * 6)]
    return train(rows, triager.tokens)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jionlp-python", help="an interpreter with jionlp installed")
    ap.add_argument("--quick", action="store_true", help="skip the taxonomy cross-validation")
    args = ap.parse_args(list(argv) if argv is not None else sys.argv[1:] if __name__ == "__main__"
                         else [])
    import jieba

    from triage.engine import Triager

    rows: list[tuple[str, str, str]] = []  # (measure, value, target)
    msgs = messages()
    texts = bench_texts(msgs)
    first, wall, rss = fresh_process()  # first: the cache is warm from here on
    jieba.initialize()  # before the load, so that gc.freeze covers both dictionaries alike
    jieba.lcut(texts[0])
    triager = Triager.load()
    with_model = Triager(
        triager.tokenizer, triager.gazetteer, triager.classifier, train_model(triager, msgs)
    )
    lcut, full, full_m = rates([jieba.lcut, triager.triage, with_model.triage], texts)
    rows.append(("texts", f"{len(texts)} ({'real messages' if msgs else 'synthetic'})", ""))
    rows.append(("jieba.lcut texts/s", f"{lcut:.0f}", ""))
    rows.append(("triage texts/s (rules)", f"{full:.0f}", ""))
    rows.append(("triage texts/s (rules + learned label)", f"{full_m:.0f}", ""))
    rows.append(("triage / jieba.lcut (rules)", f"{full / lcut:.2f}x", ">= 0.9x"))
    rows.append(("triage / jieba.lcut (rules + label)", f"{full_m / lcut:.2f}x", ">= 0.9x"))
    sample = texts[:300]
    jrate, note = jionlp_rate(sample, args.jionlp_python)
    if jrate is None:
        rows.append(("triage / jionlp.parse_location", "skipped", note))
    else:
        ours = rate(triager.triage, sample)
        rows.append(("jionlp.parse_location texts/s", f"{jrate:.0f}", note))
        rows.append(("triage / jionlp.parse_location", f"{ours / jrate:.1f}x", ">= 5x"))
    rows.append(("RSS after load (fresh process)", f"{rss:.0f} MB", "<= 200 MB"))
    rows.append(("first result, warm cache (in process)", f"{first:.2f} s", "<= 2 s"))
    rows.append(("first result, warm cache (from spawn)", f"{wall:.2f} s", "<= 2 s"))
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "model.json"
        with_model.model.save(model_file)
        _first_m, wall_m, rss_m = fresh_process(model_file)
    rows.append(("RSS after load with a model", f"{rss_m:.0f} MB", "<= 200 MB"))
    rows.append(("first result with a model (from spawn)", f"{wall_m:.2f} s", "<= 2 s"))
    if msgs and BUILD_TOOL.exists():
        for seed, r in routing(triager):
            rows.append((f"routing seed {seed}: right (the tool's truth on every row)", f"{r['right']:.1%}",
                         f"{r['shared_township_without_context']} rows name only a shared township"))
            rows.append((f"routing seed {seed}: right, rows with context",
                         f"{r['right_with_context']:.1%}", ""))
            rows.append((f"routing seed {seed}: right by the issue's rule",
                         f"{r['right_by_rule']:.1%}", ">= 97 % (shared township, no context: dispatcher)"))
            rows.append((f"routing seed {seed}: wrong", f"{r['wrong']:.1%}", "<= 1 %"))
            rows.append((f"routing seed {seed}: no place, county given",
                         f"{r['none_assigned']:.1%}", "<= 2 %"))
        from bench.discipline_eval import domain_scores, score, synthetic_scores

        for key, (p, r, n) in synthetic_scores(lambda t: triager.triage(t).discipline).items():
            if key in ("dev", "check"):
                rows.append((f"discipline on synthetic letters ({key}, {n} accusations)",
                             f"P {p:.2f} R {r:.2f}", "written for the project; dev readable, check not"))
        p, r, n = domain_scores(lambda t: triager.triage(t).discipline)
        rows.append((f"discipline on invented domain messages ({n} accusations)", f"P {p:.2f} R {r:.2f}",
                     "social assistance; a check, never read for rules"))

        from triage.route import corruption_issues

        def reaches_a_person(text: str) -> bool:
            r = triager.triage(text)
            return r.discipline or bool(corruption_issues(r))

        for which in ("held_out", "all"):
            d = score(lambda t: triager.triage(t).discipline, which)
            if d is not None:
                rows.append((f"discipline on real messages ({which}, {d.positives} accusations)",
                             f"P {d.precision:.2f} R {d.recall:.2f}", "P >= 0.80, R >= 0.90"))
            d = score(reaches_a_person, which)
            if d is not None:
                rows.append((f"  accusations a person reads first: lead or review ({which})",
                             f"P {d.precision:.2f} R {d.recall:.2f}", "not auto-dispatched"))
        if not args.quick:
            ours_cv, base = taxonomy(triager, msgs)
            rows.append(("taxonomy 5-fold CV macro-F1 (ours)", f"{ours_cv['macro_f1']:.4f}",
                         ">= 0.90"))
            rows.append(("taxonomy 5-fold CV macro-F1 (TF-IDF+LinearSVC)",
                         "skipped (no scikit-learn)" if base is None else f"{base:.4f}", ""))
    else:
        rows.append(("routing / taxonomy", "skipped", f"{EVAL_MESSAGES} absent"))
    w = max(len(r[0]) for r in rows)
    v = max(len(r[1]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>{v}}  target / note")
    for name, value, target in rows:
        print(f"{name:<{w}}  {value:>{v}}  {target}")


if __name__ == "__main__":
    main()
