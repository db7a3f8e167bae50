"""Where a message is about: county and township from the tokens, then the channel's hints.

Rules (DESIGN §4, issue 3):

* A full name with its suffix (安溪县, 湖头镇, 泉州市), a former name (梅列区, 龙海市), the
  alias 平潭综合实验区 and the spoken "prefecture + county" form (泉州安溪) each name a county.
* A bare short name (安溪, 平和, 东山) counts only with context: its own prefecture just before
  it (漳州市平和), or an administrative word just after it (平和县城, 沙县民政局), or, when it is
  not a known trap, its own prefecture anywhere in the message.
* Every word listed in ``fujian_name_collisions.csv`` (建设, 沙县, 江口镇 ...) is a trap: it
  never routes alone, only with the context above.
* A township name unique in Fujian names its county; a shared one needs a county or
  prefecture named elsewhere in the message that leaves exactly one candidate.
* Hints are used only when the text is silent; a text county that contradicts the hotline or
  form county is flagged. Unresolved stays unresolved: the dispatcher decides, never a guess.

Pure: built once from the gazetteer, then dict look-ups on the tokens of one jieba pass.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from triage.gazetteer import Division, by_code, divisions

NOMINAL_COUNTIES = frozenset({"350527"})  # 金门县: administered from Taiwan, never routed
_SUFFIX = re.compile(r"(自治县|县|区|市)$")
PROVINCE_WORDS = ("福建省", "福建", "闽")

# Entry kinds, strongest first.
COUNTY = "county"  # full current name
FORMER = "former"  # full former name
ALIAS = "alias"  # 平潭综合实验区
COMBO = "combo"  # 泉州安溪: prefecture short + county short
SHORT = "short"  # bare county name: needs context
TOWNSHIP = "township"
PREFECTURE = "prefecture"
PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    kind: str
    county_codes: tuple[str, ...]  # candidate counties (one for county kinds)
    township_codes: tuple[str | None, ...] = ()  # aligned with county_codes for townships
    prefecture_code: str | None = None
    trap: bool = False


@dataclass(frozen=True, slots=True)
class Location:
    county_code: str | None
    township_code: str | None
    prefecture_code: str | None
    confidence: float
    keywords: tuple[str, ...]
    rules: tuple[str, ...]
    candidates: tuple[str, ...] = ()  # all counties the text named, best first


@dataclass
class _Votes:
    score: dict[str, float] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    township: dict[str, str] = field(default_factory=dict)

    def add(self, county: str, weight: float, pos: int, township: str | None = None) -> None:
        self.score[county] = self.score.get(county, 0.0) + weight
        self.first.setdefault(county, pos)
        if township:
            self.township.setdefault(county, township)


def short_name(name: str) -> str:
    return _SUFFIX.sub("", name)


def load_trap_words() -> frozenset[str]:
    text = resources.files("triage").joinpath("data/fujian_name_collisions.csv").read_text("utf-8")
    return frozenset(row["search_term"] for row in csv.DictReader(text.splitlines()))


class Gazetteer:
    """Token → place entries, built once from the shipped divisions."""

    def __init__(
        self, divs: Sequence[Division] | None = None, untrap: Iterable[str] = ()
    ) -> None:
        self.divisions = tuple(divs) if divs is not None else divisions()
        self.by_code = {d.code: d for d in self.divisions} if divs is not None else by_code()
        # ``untrap``: trap words whose only trap use is a compound the tokenizer keeps whole.
        self.traps = load_trap_words() - frozenset(untrap)
        idx: dict[str, list[PlaceEntry]] = {}

        def put(word: str, entry: PlaceEntry) -> None:
            if len(word) < 2:
                return
            entry_trap = PlaceEntry(
                entry.kind, entry.county_codes, entry.township_codes, entry.prefecture_code,
                trap=word in self.traps,
            )
            idx.setdefault(word, []).append(entry_trap)

        for word in PROVINCE_WORDS:
            put(word, PlaceEntry(PROVINCE, ()))
        townships: dict[str, list[tuple[str | None, str]]] = {}
        for d in self.divisions:
            if d.level == "prefecture":
                put(d.name, PlaceEntry(PREFECTURE, (), prefecture_code=d.code))
                put(short_name(d.name), PlaceEntry(PREFECTURE, (), prefecture_code=d.code))
            elif d.level == "county" and d.code not in NOMINAL_COUNTIES:
                pref = d.code[:4]
                put(d.name, PlaceEntry(COUNTY, (d.code,), prefecture_code=pref))
                shorts = {short_name(d.name)}
                for old, _old_code in d.former_names:
                    put(old, PlaceEntry(FORMER, (d.code,), prefecture_code=pref))
                    shorts.add(short_name(old))
                for alias in d.aliases:
                    put(alias, PlaceEntry(ALIAS, (d.code,), prefecture_code=pref))
                    put(alias.replace("综合", ""), PlaceEntry(ALIAS, (d.code,), prefecture_code=pref))
                pref_short = short_name(self.by_code[pref].name)
                for s in shorts:
                    if len(s) >= 2 and s != d.name:
                        put(s, PlaceEntry(SHORT, (d.code,), prefecture_code=pref))
                    put(pref_short + s, PlaceEntry(COMBO, (d.code,), prefecture_code=pref))
                for old_town, _code in d.former_townships:
                    townships.setdefault(old_town, []).append((None, d.code))
            elif d.level == "township" and d.code[:6] not in NOMINAL_COUNTIES:
                townships.setdefault(d.name, []).append((d.code, d.code[:6]))
        for name, places in townships.items():
            counties = tuple(c for _t, c in places)
            put(name, PlaceEntry(TOWNSHIP, counties, tuple(t for t, _c in places)))
        # A county entry must never be shadowed by a township of the same spelling.
        self.index: dict[str, tuple[PlaceEntry, ...]] = {
            w: tuple(sorted(es, key=lambda e: _KIND_ORDER[e.kind])) for w, es in idx.items()
        }

    def words(self) -> Iterable[tuple[str, str]]:
        """(word, kind) for the tokenizer's user dictionary; bare short names excluded.

        Trap full names (江口镇) stay in: they must come out whole so that context can
        resolve them (莆田市江口镇), and they never route alone anyway.
        """
        for word, entries in self.index.items():
            kind = entries[0].kind
            if kind in (SHORT,) or (kind == PREFECTURE and not word.endswith("市")):
                continue
            yield word, kind

    def name(self, code: str | None) -> str | None:
        if code is None:
            return None
        d = self.by_code.get(code)
        return d.name if d else None


_KIND_ORDER = {
    COUNTY: 0, FORMER: 1, ALIAS: 2, COMBO: 3, SHORT: 4, TOWNSHIP: 5, PREFECTURE: 6, PROVINCE: 7,
}


def locate(
    tokens: Sequence[str],
    gaz: Gazetteer,
    after_bare: frozenset[str],
) -> Location:
    """County and township named by the text alone (hints are applied by the engine)."""
    hits: list[tuple[int, str, PlaceEntry]] = []
    for i, tok in enumerate(tokens):
        entries = gaz.index.get(tok)
        if entries:
            for e in entries:
                hits.append((i, tok, e))
    if not hits:
        return Location(None, None, None, 0.0, (), ())

    prefectures: dict[str, str] = {}  # code -> the word that named it
    province = False
    for _i, tok, e in hits:
        if e.kind == PREFECTURE and e.prefecture_code:
            prefectures.setdefault(e.prefecture_code, tok)
        elif e.kind == PROVINCE:
            province = True

    votes = _Votes()
    keywords: list[str] = []
    rules: list[str] = []
    deferred: list[tuple[int, str, PlaceEntry]] = []

    def prev_is(i: int, pref: str | None) -> bool:
        if i == 0:
            return False
        for e in gaz.index.get(tokens[i - 1], ()):
            if e.kind == PREFECTURE and e.prefecture_code == pref:
                return True
            if e.kind == PROVINCE:
                return True
        return False

    def next_is_admin(i: int) -> bool:
        return i + 1 < len(tokens) and tokens[i + 1] in after_bare

    for i, tok, e in hits:
        if e.kind in (COUNTY, FORMER, ALIAS, COMBO) and not e.trap:
            county = e.county_codes[0]
            votes.add(county, 1.0, i)
            keywords.append(tok)
            rule = {
                COUNTY: "full county name",
                FORMER: "former county name",
                ALIAS: "county alias",
                COMBO: "prefecture + county short form",
            }[e.kind]
            rules.append(f"{rule}: {tok}→{gaz.name(county)}")
        elif e.kind in (COUNTY, FORMER, SHORT):
            county = e.county_codes[0]
            adjacent = prev_is(i, e.prefecture_code) or next_is_admin(i)
            elsewhere = e.prefecture_code in prefectures and not e.trap
            if adjacent or elsewhere:
                votes.add(county, 0.9 if adjacent else 0.7, i)
                keywords.append(tok)
                why = "next to its prefecture or an administrative word" if adjacent else (
                    "its prefecture is named in the message"
                )
                rules.append(f"short name with context ({why}): {tok}→{gaz.name(county)}")
        elif e.kind == TOWNSHIP:
            if len(e.county_codes) == 1 and not e.trap:
                votes.add(e.county_codes[0], 0.9, i, e.township_codes[0])
                keywords.append(tok)
                rules.append(f"township unique in Fujian: {tok}→{gaz.name(e.county_codes[0])}")
            else:
                deferred.append((i, tok, e))

    # Shared or trap township names: keep the candidates that the rest of the text supports.
    for i, tok, e in deferred:
        pairs = list(zip(e.township_codes, e.county_codes, strict=True))
        in_county = [(t, c) for t, c in pairs if c in votes.score]
        in_pref = [(t, c) for t, c in pairs if c[:4] in prefectures]
        chosen = in_county if len(in_county) == 1 else (in_pref if len(in_pref) == 1 else [])
        if len(chosen) == 1:
            t, c = chosen[0]
            votes.add(c, 0.8, i, t)
            keywords.append(tok)
            rules.append(f"township resolved by context: {tok}→{gaz.name(c)}")

    pref_code = next(iter(prefectures), None)
    if not votes.score:
        if pref_code:
            rules.append(f"prefecture only: {gaz.name(pref_code)}; county unresolved")
            return Location(
                None, None, pref_code, 0.0, (*_uniq(keywords), prefectures[pref_code]),
                tuple(rules),
            )
        return Location(None, None, None, 0.0, tuple(_uniq(keywords)), tuple(rules))

    ranked = sorted(votes.score, key=lambda c: (-votes.score[c], votes.first[c]))
    best = ranked[0]
    total = sum(votes.score.values())
    share = votes.score[best] / total
    top = min(1.0, votes.score[best])
    confidence = round(top * (0.97 if share == 1.0 else 0.5 + 0.4 * share), 3)
    if len(ranked) > 1:
        rules.append(
            "several counties named: "
            + ", ".join(f"{gaz.name(c)}={votes.score[c]:.1f}" for c in ranked)
            + f"; chose {gaz.name(best)}"
        )
    if province:
        confidence = min(1.0, confidence + 0.01)
    return Location(
        county_code=best,
        township_code=votes.township.get(best),
        prefecture_code=best[:4],
        confidence=confidence,
        keywords=tuple(_uniq(keywords)),
        rules=tuple(rules),
        candidates=tuple(ranked),
    )


def _uniq(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)
