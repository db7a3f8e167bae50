"""Suggest links between a new message and recent ones about the same matter.

A fingerprint is the set of character shingles of the text (punctuation and spaces removed),
so that it works the same on raw text and on jieba tokens joined back. Similarity is the
Jaccard index. A pair is suggested when the texts are similar *and* either the same reporter
or the same county stands behind both, within a time window; near-identical texts are
suggested whatever their source (a petition copied by several people). Pure: ``now`` in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

SHINGLE = 3
SIMILAR = 0.45  # with the same reporter or county
NEAR_IDENTICAL = 0.85  # regardless of who or where
_DROP = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class DupCandidate:
    id: str
    fingerprint: frozenset[str]
    reporter_key: str | None  # an opaque key (hash of phone/openid), never the raw value
    county_code: str | None
    received_at: datetime


def fingerprint(text_or_tokens: str | Sequence[str], k: int = SHINGLE) -> frozenset[str]:
    text = text_or_tokens if isinstance(text_or_tokens, str) else "".join(text_or_tokens)
    s = _DROP.sub("", text)
    if len(s) <= k:
        return frozenset({s}) if s else frozenset()
    return frozenset(s[i:i + k] for i in range(len(s) - k + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def find_duplicates(
    candidate: DupCandidate,
    recent: Iterable[DupCandidate],
    window_days: float,
    now: datetime,
    threshold: float = SIMILAR,
) -> list[tuple[str, float, tuple[str, ...]]]:
    """(id, score, reasons), best first. ``now`` bounds the window; no clock is read."""
    since = now - timedelta(days=window_days)
    out: list[tuple[str, float, tuple[str, ...]]] = []
    for other in recent:
        if other.id == candidate.id or other.received_at < since or other.received_at > now:
            continue
        score = similarity(candidate.fingerprint, other.fingerprint)
        if score < threshold:
            continue
        reasons = [f"similar text ({score:.2f})"]
        same_reporter = bool(candidate.reporter_key) and candidate.reporter_key == other.reporter_key
        same_county = bool(candidate.county_code) and candidate.county_code == other.county_code
        if same_reporter:
            reasons.append("same reporter")
        if same_county:
            reasons.append("same county")
        if not (same_reporter or same_county):
            if score < NEAR_IDENTICAL:
                continue
            reasons.append("near-identical text")
        out.append((other.id, round(score, 3), tuple(reasons)))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out
