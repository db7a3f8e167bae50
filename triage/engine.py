"""The triage engine: one jieba pass, then location, classification and (optionally) a label.

This is the entry point ``intake`` calls (CLI, Celery task)::

    t = Triager.load()                 # once per process: builds or loads the cached dictionary
    r = t.triage(text, Hints(county_code="350524"))
    r.to_dict()                        # JSON-able, with the keywords and rules that fired

Pure: values in, a frozen ``TriageResult`` out. No Flask, SQLAlchemy, Celery or ``intake``.
"""

from __future__ import annotations

import gc
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage.classify import Classifier, Lexicon
from triage.gazetteer import by_code
from triage.locate import (
    COMBO,
    COUNTY,
    FORMER,
    NOMINAL_COUNTIES,
    PREFECTURE,
    Gazetteer,
    Location,
    locate,
)
from triage.tokenize import LEXICON_FREQ, PLACE_FREQ, TRAP_FREQ, TriageTokenizer

if TYPE_CHECKING:  # numpy is imported only when a model is loaded: faster start-up
    from triage.learn import KeywordModel

# Confidence given to a county taken from a hint rather than the text, in DESIGN order.
HINT_CONFIDENCE = {"hotline": 0.8, "form": 0.75, "history": 0.5}
CONFLICT_CONFIDENCE = 0.4


@dataclass(frozen=True, slots=True)
class Hints:
    """What the channel knows besides the text."""

    county_code: str | None = None  # chosen in a form or a menu
    hotline_county_code: str | None = None  # the county of the number that was called
    township_code: str | None = None
    previous_county_code: str | None = None  # from the reporter's earlier tickets


@dataclass(frozen=True, slots=True)
class TriageResult:
    county_code: str | None
    county_name: str | None
    township_code: str | None
    township_name: str | None
    location_source: str | None  # 'text' | 'form' | 'hotline' | 'history' | None
    location_conflict: bool
    location_confidence: float
    domain: str
    domain_confidence: float
    issues: tuple[str, ...]
    discipline: bool
    urgent: bool
    accuses_unit: str | None
    confidence: float
    keywords: tuple[str, ...]
    rules: tuple[str, ...]
    label: str | None = None
    label_confidence: float | None = None
    prefecture_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("issues", "keywords", "rules"):
            d[k] = list(d[k])
        return d


class Triager:
    """Holds the tokenizer, the gazetteer index, the lexicon rules and an optional model."""

    def __init__(
        self,
        tokenizer: TriageTokenizer,
        gazetteer: Gazetteer,
        classifier: Classifier,
        model: KeywordModel | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.gazetteer = gazetteer
        self.classifier = classifier
        self.model = model
        self._after_bare = classifier.lex.after_bare

    @classmethod
    def load(
        cls,
        model_path: str | Path | None = None,
        cache_dir: Path | None = None,
        lexicon_path: str | Path | None = None,
        freeze: bool = True,
    ) -> Triager:
        """Build once per process. With ``freeze`` (default) the objects alive after loading,
        among them the tokenizer's ~600,000-entry prefix dictionary, are moved out of the
        garbage collector's generations (``gc.freeze``): otherwise every full collection
        walks them again, which costs about a sixth of the throughput."""
        lex = Lexicon.load(lexicon_path)
        gaz = Gazetteer(untrap=lex.untrap)
        tokenizer = TriageTokenizer(user_words(gaz, lex), cache_dir=cache_dir)
        model = None
        if model_path is not None:
            from triage.learn import KeywordModel

            model = KeywordModel.load(model_path)
        triager = cls(tokenizer, gaz, Classifier(lex), model)
        if freeze:
            gc.collect()
            gc.freeze()
        return triager

    def tokens(self, text: str) -> list[str]:
        return self.tokenizer.cut(text)

    def triage(self, text: str, hints: Hints | None = None) -> TriageResult:
        tokens = self.tokenizer.cut(text)
        return self.triage_tokens(tokens, hints)

    def triage_tokens(self, tokens: list[str], hints: Hints | None = None) -> TriageResult:
        loc = locate(tokens, self.gazetteer, self._after_bare)
        cls_ = self.classifier.classify(tokens)
        county, source, conflict, loc_conf, rules = _apply_hints(loc, hints or Hints())
        township = loc.township_code if county == loc.county_code else None
        if township is None and hints is not None and hints.township_code and county:
            if hints.township_code[:6] == county:
                township = hints.township_code
        label: str | None = None
        label_conf: float | None = None
        if self.model is not None:
            label, label_conf = self.model.predict(tokens)
        names = by_code()
        county_name = names[county].name if county and county in names else None
        township_name = names[township].name if township and township in names else None
        confidence = round(min(loc_conf, 1.0) * 0.6 + cls_.domain_confidence * 0.4, 3)
        return TriageResult(
            county_code=county,
            county_name=county_name,
            township_code=township,
            township_name=township_name,
            location_source=source,
            location_conflict=conflict,
            location_confidence=loc_conf,
            domain=cls_.domain,
            domain_confidence=cls_.domain_confidence,
            issues=cls_.issues,
            discipline=cls_.discipline,
            urgent=cls_.urgent,
            accuses_unit=cls_.accuses_unit,
            confidence=confidence,
            keywords=tuple(dict.fromkeys(loc.keywords + cls_.keywords)),
            rules=loc.rules + tuple(rules) + cls_.rules,
            label=label,
            label_confidence=label_conf,
            prefecture_code=county[:4] if county else loc.prefecture_code,
        )


def _apply_hints(
    loc: Location, hints: Hints
) -> tuple[str | None, str | None, bool, float, list[str]]:
    """(county, source, conflict, confidence, rules): the text first, then hints in order."""
    rules: list[str] = []
    known = _counties()
    raw = [
        ("hotline", hints.hotline_county_code),
        ("form", hints.county_code or (hints.township_code[:6] if hints.township_code else None)),
        ("history", hints.previous_county_code),
    ]
    ordered: list[tuple[str, str | None]] = []
    for src, code in raw:
        if code and code not in known:
            rules.append(f"ignored {src} hint {code}: not a Fujian county")
            code = None
        ordered.append((src, code))
    if loc.county_code is not None:
        # Only what the channel says now can contradict the text; history is too weak.
        against = [
            (src, hint) for src, hint in ordered[:2] if hint and hint != loc.county_code
        ]
        if against:
            src, hint = against[0]
            rules.append(f"conflict: text names {loc.county_code}, {src} hint says {hint}")
            return loc.county_code, "text", True, min(loc.confidence, CONFLICT_CONFIDENCE), rules
        agree = [src for src, hint in ordered if hint == loc.county_code]
        conf = loc.confidence
        if agree:
            conf = min(1.0, conf + 0.02)
            rules.append(f"text agrees with {agree[0]} hint")
        return loc.county_code, "text", False, conf, rules
    for src, code in ordered:
        if not code:
            continue
        if loc.prefecture_code and code[:4] != loc.prefecture_code:
            rules.append(
                f"conflict: text names prefecture {loc.prefecture_code}, {src} hint says {code}"
            )
            return code, src, True, CONFLICT_CONFIDENCE, rules
        rules.append(f"county from {src} hint: text names no county")
        return code, src, False, HINT_CONFIDENCE[src], rules
    rules.append("unresolved: no county in the text and no hint (dispatcher)")
    return None, None, False, 0.0, rules


@lru_cache(maxsize=1)
def _counties() -> frozenset[str]:
    return frozenset(
        d.code for d in by_code().values()
        if d.level == "county" and d.code not in NOMINAL_COUNTIES
    )


def user_words(gaz: Gazetteer, lex: Lexicon) -> list[tuple[str, int]]:
    """The tokenizer's user dictionary: places (full names only) and lexicon words."""
    words: dict[str, int] = {}
    for w in lex.words():
        words[w] = LEXICON_FREQ
    for w, kind in gaz.words():
        if kind in (COUNTY, FORMER, COMBO) or kind == PREFECTURE:
            words[w] = PLACE_FREQ * 2
        else:
            words[w] = PLACE_FREQ
    for w in lex.keep_whole:
        words[w] = TRAP_FREQ
    for w in lex.bureau_actor:
        words[w] = TRAP_FREQ
    return sorted(words.items())
