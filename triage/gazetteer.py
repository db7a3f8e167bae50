"""The Fujian gazetteer shipped as package data.

Source: ``data/fujian_divisions.csv`` — NBS 统计用区划代码 (data as of 2022-10-31) via the
public repository modood/Administrative-divisions-of-China (WTFPL), with former names derived
by comparing the 2015–2022 editions. Public fact; shipped as a copy.

Pure: importable by ``intake`` (for seeding regions) and by the rest of ``triage``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

LEVELS = ("province", "prefecture", "county", "township")

_FORMER = re.compile(r"([^;()]+?)\((\d+)\)")
_FORMER_TOWNSHIP = re.compile(r"([^;()]+?)\((\d{9}),")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None
    former_names: tuple[tuple[str, str], ...] = ()  # (old name, old code)
    aliases: tuple[str, ...] = ()
    former_townships: tuple[tuple[str, str], ...] = ()  # (old township name, old code)
    town_type: str = ""

    @property
    def county_code(self) -> str | None:
        if self.level == "township":
            return self.code[:6]
        if self.level == "county":
            return self.code
        return None

    @property
    def prefecture_code(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None


def _aliases(note: str) -> tuple[str, ...]:
    # The aliases column holds a name followed by an English note, e.g.
    # "平潭综合实验区 (management zone ...)". Only 平潭 carries a real alias.
    if not note or "nominal" in note:
        return ()
    name = note.split("(", 1)[0].strip()
    return (name,) if name else ()


def _iter_rows() -> Iterator[Division]:
    text = resources.files("triage").joinpath("data/fujian_divisions.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        former = tuple(
            (m.group(1).strip(), m.group(2))
            for m in _FORMER.finditer(row["former_names"] or "")
            if m.group(1).strip() != row["name"]
        )
        former_towns = tuple(
            (m.group(1).strip(), m.group(2))
            for m in _FORMER_TOWNSHIP.finditer(row["former_townships_without_derivable_successor"] or "")
        )
        yield Division(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent_code"] or None,
            former_names=former,
            aliases=_aliases(row["aliases_notes"]),
            former_townships=former_towns,
            town_type=row["town_type"] or "",
        )


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """All 1,264 divisions, parents before children (the file's order)."""
    return tuple(_iter_rows())


@lru_cache(maxsize=1)
def by_code() -> dict[str, Division]:
    return {d.code: d for d in divisions()}


def county_codes() -> frozenset[str]:
    return frozenset(d.code for d in divisions() if d.level == "county")
