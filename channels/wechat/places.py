"""Find a Fujian county (and maybe township) in what a citizen typed. Pure.

A stop-gap beside triage's locator: exact names from ``triage.gazetteer`` only. Two modes:

- ``place_in_text``: free report text; only full names (``鼓楼区``, ``洪山镇``), former names and
  the 平潭综合实验区 alias count, and only when they point to exactly one county.
- ``place_from_answer``: a short answer to "which county?"; the short name without the
  县/市/区 suffix (``平潭``) and a township name without 镇/乡/街道 are accepted too, and
  the free-text rule is the fallback (``在鼓楼区那边``).

Ambiguous names (the same township name in two counties) resolve to nothing: the bot asks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from triage.gazetteer import Division, by_code, divisions

_COUNTY_SUFFIX = re.compile(r"(县|市|区)$")
_TOWN_SUFFIX = re.compile(r"(街道|镇|乡)$")
_STRIP = re.compile(r"[\s，。,.!！?？、:：;；\"“”'‘’（）()]+")


@dataclass(frozen=True)
class Place:
    county_code: str
    county_name: str
    township_code: str | None = None
    township_name: str | None = None


@dataclass(frozen=True)
class _Index:
    full: dict[str, frozenset[str]]  # names allowed in free text -> division codes
    short: dict[str, frozenset[str]]  # extra names allowed as an answer -> division codes
    lengths_by_last: dict[str, tuple[int, ...]]  # last character of a full name -> its lengths


def _add(table: dict[str, set[str]], name: str, code: str) -> None:
    if len(name) >= 2:
        table.setdefault(name, set()).add(code)


@lru_cache(maxsize=1)
def _index() -> _Index:
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for d in divisions():
        if d.level == "county":
            _add(full, d.name, d.code)
            for old, _old_code in d.former_names:
                _add(full, old, d.code)
            for alias in d.aliases:
                _add(full, alias, d.code)
            stem = _COUNTY_SUFFIX.sub("", d.name)
            if stem != d.name:
                _add(short, stem, d.code)
            for old, _old_code in d.former_names:
                _add(short, _COUNTY_SUFFIX.sub("", old), d.code)
        elif d.level == "township":
            if len(d.name) >= 3:
                _add(full, d.name, d.code)
            stem = _TOWN_SUFFIX.sub("", d.name)
            if stem != d.name:
                _add(short, stem, d.code)
    lengths: dict[str, set[int]] = {}
    for name in full:
        lengths.setdefault(name[-1], set()).add(len(name))
    return _Index({k: frozenset(v) for k, v in full.items()}, {k: frozenset(v) for k, v in short.items()},
                  {k: tuple(sorted(v)) for k, v in lengths.items()})


def _matches(text: str, idx: _Index) -> list[tuple[int, int, str]]:
    """Every (start, end, name) of a full name in the text: one dictionary probe per name
    length ending at each character (names end in few characters: 县, 区, 镇, 乡 …)."""
    out = []
    for end in range(1, len(text) + 1):
        for n in idx.lengths_by_last.get(text[end - 1], ()):
            if n <= end and text[end - n:end] in idx.full:
                out.append((end - n, end, text[end - n:end]))
    return out



def _normalise(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text))


def _place(codes: set[str]) -> Place | None:
    table = by_code()
    counties = {c[:6] for c in codes}
    if len(counties) != 1:
        return None
    county: Division = table[counties.pop()]
    towns = [c for c in codes if len(c) > 6]
    township = table[towns[0]] if len(towns) == 1 else None
    return Place(county.code, county.name, township.code if township else None, township.name if township else None)


def place_in_text(text: str) -> Place | None:
    """The one county named in free text, or None when none or several are named."""
    text = _normalise(text)
    if not text:
        return None
    idx = _index()
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    # Longest names first, so 鼓楼区 inside 福州市鼓楼区 is not also read as a shorter name.
    for start, end, name in sorted(_matches(text, idx), key=lambda m: m[0] - m[1]):
        if any(s <= start and end <= e for s, e in spans):
            continue
        spans.append((start, end))
        codes = idx.full[name]
        if len(codes) == 1:
            found |= codes
        else:
            found |= {c for c in codes if len(c) == 6}  # several towns: no county from it
    counties = {c[:6] for c in found if len(c) == 6}
    towns = {c for c in found if len(c) > 6}
    if counties:
        towns = {t for t in towns if t[:6] in counties}
        return _place(counties | towns)
    return _place(towns) if towns else None


def place_from_answer(answer: str) -> Place | None:
    """A county or township named in reply to the county question."""
    text = _normalise(answer)
    if not text:
        return None
    idx = _index()
    for table in (idx.full, idx.short):
        codes = table.get(text)
        if codes:
            return _place(set(codes))
    return place_in_text(text)


def county_name(code: str) -> str | None:
    d = by_code().get(code)
    return d.name if d else None
