"""Batch classification and evaluation behind ``intake triage classify|evaluate``.

``classify_lines`` turns JSON lines ``{"id", "text", "hints"?}`` into one JSON line each, in
the same order (issue 3, item 8); a bad line yields ``{"id", "error"}`` and the run goes on.
``evaluate`` scores labelled rows against the engine's learned label (or a bare model).
Pure apart from the iterators it is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from triage.engine import Hints, Triager
from triage.learn import KeywordModel

_HINT_FIELDS = ("county_code", "hotline_county_code", "township_code", "previous_county_code")


def _hints(raw: Any) -> Hints | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("hints must be an object")
    unknown = set(raw) - set(_HINT_FIELDS)
    if unknown:
        raise ValueError(f"unknown hint fields: {sorted(unknown)}")
    vals: dict[str, str | None] = {}
    for k in _HINT_FIELDS:
        v = raw.get(k)
        if v is not None and not (isinstance(v, str) and v.isdigit()):
            raise ValueError(f"hint {k} must be a string of digits")
        vals[k] = v
    return Hints(**vals)


def classify_one(obj: Any, triager: Triager) -> dict[str, Any]:
    if not isinstance(obj, Mapping):
        raise ValueError("each line must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("missing or non-string 'text'")
    r = triager.triage(text, _hints(obj.get("hints")))
    out: dict[str, Any] = {
        "id": obj.get("id"),
        "county_code": r.county_code,
        "county_name": r.county_name,
        "township_code": r.township_code,
        "domain": r.domain,
        "issues": list(r.issues),
        "discipline": r.discipline,
        "urgent": r.urgent,
        "confidence": r.confidence,
        "keywords": list(r.keywords),
    }
    if triager.model is not None:
        out["label"] = r.label
        out["label_confidence"] = r.label_confidence
    return out


def classify_lines(lines: Iterable[str], triager: Triager) -> Iterator[str]:
    """One output JSON line per non-blank input line, same order; errors do not stop the run."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        ident: Any = None
        try:
            obj = json.loads(line)
            if isinstance(obj, Mapping):
                ident = obj.get("id")
            out = classify_one(obj, triager)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            out = {"id": ident, "line": n, "error": f"{type(exc).__name__}: {exc}"}
        yield json.dumps(out, ensure_ascii=False)


def scores_from_pairs(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """accuracy, macro-F1 and per-label precision/recall/F1 from (truth, predicted) pairs."""
    labels = sorted({t for t, _p in pairs} | {p for _t, p in pairs})
    per: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for lab in labels:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                    "support": tp + fn}
        if tp + fn:  # labels never true (only predicted) do not enter the macro average
            f1s.append(f1)
    n = len(pairs)
    acc = sum(1 for t, p in pairs if t == p) / n if n else 0.0
    return {
        "n": n,
        "accuracy": round(acc, 4),
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "per_label": per,
    }


def _row(r: Any) -> tuple[str, str]:
    if isinstance(r, Mapping):
        text = r.get("text") or ""
        if r.get("title"):
            text = f"{r['title']}。{text}"
        return str(text), str(r["label"])
    text, label = r
    return str(text), str(label)


def evaluate(rows: Iterable[Any], triager: Triager | KeywordModel) -> dict[str, Any]:
    """Score (text, label) pairs or ``{"text", "label", "title"?}`` dicts.

    With a ``Triager`` the engine's tokenizer and loaded model are used; with a bare
    ``KeywordModel`` the rows must be ``(tokens, label)`` pairs.
    """
    pairs: list[tuple[str, str]] = []
    if isinstance(triager, Triager):
        if triager.model is None:
            raise ValueError("evaluate needs a triager loaded with a model")
        model = triager.model
        for r in rows:
            text, label = _row(r)
            pairs.append((label, model.predict(triager.tokens(text))[0]))
    else:
        for toks, label in rows:
            pairs.append((str(label), triager.predict(list(toks))[0]))
    return scores_from_pairs(pairs)


def routing_scores(rows: Iterable[Mapping[str, Any]], triager: Triager) -> dict[str, Any]:
    """Score the engine's county against ``{"text", "county_code" | None, "variant"?}`` rows.

    ``right``/``wrong``/``unresolved`` are shares of the rows that name a county;
    ``none_assigned`` is the share of rows naming no place that still got a county.
    ``right_with_context`` leaves out rows whose only clue is a township name shared by
    several counties with no city or county named: the rules say those go to the dispatcher.
    ``right_by_rule`` keeps them and counts the dispatcher (no county) as their right answer,
    a county as wrong unless it is the true one: the issue's rule ("a township alone resolves
    its county when the name is unique in Fujian, and otherwise needs city or county
    context") applied to every row.
    """
    names = {d.code: d.name for d in triager.gazetteer.divisions}
    n_loc = n_none = right = wrong = none_assigned = no_ctx = right_ctx = no_ctx_held = 0
    by_variant: dict[str, dict[str, int]] = {}
    for row in rows:
        got = triager.triage(str(row["text"])).county_code
        truth = row.get("county_code")
        variant = str(row.get("variant") or "")
        v = by_variant.setdefault(variant, {"n": 0, "right": 0, "wrong": 0, "unresolved": 0})
        v["n"] += 1
        if truth is None:
            n_none += 1
            if got is not None:
                none_assigned += 1
                v["wrong"] += 1
            else:
                v["right"] += 1
            continue
        n_loc += 1
        ok = got == truth
        right += ok
        wrong += got is not None and not ok
        v["right" if ok else ("wrong" if got else "unresolved")] += 1
        if variant == "shared_township" and names.get(str(truth)[:4], "?") not in row["text"]:
            no_ctx += 1
            no_ctx_held += got is None
        else:
            right_ctx += ok
    return {
        "n_named": n_loc,
        "n_none": n_none,
        "right": round(right / n_loc, 4) if n_loc else 0.0,
        "wrong": round(wrong / n_loc, 4) if n_loc else 0.0,
        "unresolved": round((n_loc - right - wrong) / n_loc, 4) if n_loc else 0.0,
        "none_assigned": round(none_assigned / n_none, 4) if n_none else 0.0,
        "shared_township_without_context": no_ctx,
        "right_with_context": round(right_ctx / (n_loc - no_ctx), 4) if n_loc > no_ctx else 0.0,
        "right_by_rule": round((right + no_ctx_held) / n_loc, 4) if n_loc else 0.0,
        "by_variant": by_variant,
    }
