"""Domain, issue types and the discipline / urgent / conflict-of-interest flags.

Rules over the tokens of the one jieba pass, driven by ``data/lexicon.toml`` (see its header
for the sections). Every decision carries the keywords and the names of the rules that fired
so that the dispatcher sees why. The discipline decision itself lives in
``triage.discipline``; the hits it needs are collected here in the same pass. Pure;
importable by anything.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from triage.discipline import (
    CLAUSE_END,
    QUESTION_MARK,
    SENTENCE_END,
    TAKE,
    Discipline,
    DisciplineLexicon,
    Evidence,
)

DOMAINS = (
    "dibao", "tekun", "linshi", "medical", "disability", "laoqu", "poverty", "other_civil",
    "not_civil",
)
SPECIFIC_DOMAINS = DOMAINS[:7]
ISSUE_GROUPS = ("corruption", "conduct", "policy", "other")
ISSUE_THRESHOLD = 2.0
BUREAU_WINDOW = 4
_CLAUSE: tuple[tuple[str, str, float], ...] = (("end", "clause", 0.0),)
_SENTENCE: tuple[tuple[str, str, float], ...] = (("end", "sentence", 0.0),)


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: int
    domains: Mapping[str, Mapping[str, float]]
    issues: Mapping[str, Mapping[str, float]]
    issue_group: Mapping[str, str]
    labels: Mapping[str, str]
    discipline: DisciplineLexicon
    urgent: Mapping[str, float]
    urgent_threshold: float
    pension: frozenset[str]
    pension_cancels: frozenset[str]
    negation: frozenset[str]
    bureau_actor: frozenset[str]
    bureau: frozenset[str]
    addressee_before: frozenset[str]
    after_bare: frozenset[str]
    keep_whole: frozenset[str]
    untrap: Mapping[str, str]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        if path is None:
            raw = resources.files("triage").joinpath("data/lexicon.toml").read_text("utf-8")
        else:
            raw = Path(path).read_text("utf-8")
        return cls.from_dict(tomllib.loads(raw))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lexicon:
        domains = {k: dict(v["keywords"]) for k, v in data["domain"].items()}
        unknown = set(domains) - set(DOMAINS)
        if unknown:
            raise ValueError(f"unknown domains in lexicon: {sorted(unknown)}")
        issues = {k: dict(v["keywords"]) for k, v in data["issue"].items()}
        groups = {k: v["group"] for k, v in data["issue"].items()}
        bad = {k: g for k, g in groups.items() if g not in ISSUE_GROUPS}
        if bad:
            raise ValueError(f"unknown issue groups: {bad}")
        labels = {k: v.get("label", k) for k, v in [*data["domain"].items(), *data["issue"].items()]}
        ctx = data["context"]
        acc = data["accuses_unit"]
        withholding = set(issues.get("withholding", {}))
        discipline = DisciplineLexicon.from_dict(data)
        return cls(
            version=int(data.get("version", 1)),
            domains=domains,
            issues=issues,
            issue_group=groups,
            labels=labels,
            discipline=discipline,
            urgent=dict(data["urgent"]["keywords"]),
            urgent_threshold=float(data["urgent"].get("threshold", 3)),
            pension=frozenset(ctx["pension"]),
            # In a pension or wage complaint "克扣/少发" is about the amount, not a bribe.
            pension_cancels=frozenset(withholding | discipline.acts["weak"]),
            negation=frozenset(ctx["negation"]),
            bureau_actor=frozenset(acc["bureau_actor"]),
            bureau=frozenset(acc["bureau"]),
            addressee_before=frozenset(acc["addressee_before"]),
            after_bare=frozenset(data["places"]["after_bare"]),
            keep_whole=frozenset(data["places"]["keep_whole"]),
            untrap=dict(data["places"].get("untrap", {})),
        )

    def words(self) -> Iterable[str]:
        """Every lexicon word, for the tokenizer's user dictionary."""
        for kws in self.domains.values():
            yield from kws
        for kws in self.issues.values():
            yield from kws
        yield from self.urgent
        for group in (self.pension, self.bureau_actor, self.bureau, self.keep_whole,
                      frozenset(self.untrap.values())):
            yield from group
        yield from self.discipline.words()


@dataclass(frozen=True, slots=True)
class Classification:
    domain: str
    domain_confidence: float
    issues: tuple[str, ...]
    discipline: bool
    urgent: bool
    accuses_unit: str | None
    keywords: tuple[str, ...]
    rules: tuple[str, ...]


class Classifier:
    """One dict look-up per token, then a few rules over the hits."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.discipline = Discipline(lexicon.discipline)
        table: dict[str, list[tuple[str, str, float]]] = {}

        def put(word: str, kind: str, key: str, weight: float) -> None:
            table.setdefault(word, []).append((kind, key, weight))

        for dom, kws in lexicon.domains.items():
            for w, wt in kws.items():
                put(w, "domain", dom, float(wt))
        for iss, kws in lexicon.issues.items():
            for w, wt in kws.items():
                put(w, "issue", iss, float(wt))
        for w, wt in lexicon.urgent.items():
            put(w, "urgent", "urgent", float(wt))
        for w, kind, key in lexicon.discipline.entries():
            put(w, kind, key, 0.0)
        for w in lexicon.pension:
            put(w, "pension", "", 0.0)
        for w in lexicon.bureau_actor:
            put(w, "bureau_actor", "", 0.0)
            put(w, "official", "", 0.0)  # the bureau's head is an official too
        for w in lexicon.bureau:
            put(w, "bureau", "", 0.0)
        self.table: dict[str, tuple[tuple[str, str, float], ...]] = {
            k: tuple(v) for k, v in table.items()
        }
        # Punctuation ends clauses and sentences; it is a third of all hits, so it has its own
        # entries that the loop recognises by identity before anything else.
        for ch in SENTENCE_END:
            self.table[ch] = _SENTENCE
        for ch in CLAUSE_END:
            self.table[ch] = _CLAUSE

    def classify(self, tokens: Sequence[str]) -> Classification:
        lex = self.lex
        table = self.table
        negation = lex.negation
        disc = self.discipline
        private_institution = lex.discipline.private_institution
        existence = lex.discipline.existence
        dom_score: dict[str, float] = {}
        iss_score: dict[str, float] = {}
        urgent_score = 0.0
        urgent_seen: set[str] = set()
        ev = Evidence(tokens)
        pension = False
        bureau_actor: list[int] = []
        bureau: list[int] = []
        keywords: dict[str, None] = {}
        clause = sent = 0
        asks = -1  # the last clause with a question word
        for i, tok in enumerate(tokens):
            hits = table.get(tok)
            if not hits:
                continue
            if hits is _CLAUSE or hits is _SENTENCE:
                if asks == clause and tok in QUESTION_MARK:
                    ev.questions.add(clause)
                clause += 1
                ev.clause_ends.append(i)
                if hits is _SENTENCE:
                    sent += 1
                    ev.sentence_ends.append(i)
                continue
            negated = i > 0 and tokens[i - 1] in negation
            for kind, key, wt in hits:
                if kind == "domain":
                    dom_score[key] = dom_score.get(key, 0.0) + wt
                    keywords.setdefault(tok)
                elif kind == "pair":  # negation is the pair's business (没有收据)
                    ev.pair_words.append((int(key), (i, clause, sent, tok)))
                elif negated:
                    continue
                elif kind == "issue":
                    iss_score[key] = iss_score.get(key, 0.0) + wt
                    keywords.setdefault(tok)
                elif kind == "urgent":
                    # Each risk word counts once; a hazard (火灾隐患) is not an emergency.
                    if tok in urgent_seen or tokens[i + 1: i + 2] == ["隐患"]:
                        continue
                    urgent_seen.add(tok)
                    urgent_score += wt
                    keywords.setdefault(tok)
                elif kind == "act":
                    if not (i > 1 and tokens[i - 1] in TAKE and tokens[i - 2] in negation):
                        ev.acts.append(((i, clause, sent, tok), key))  # not 没有收红包
                elif kind == "official":
                    ev.officials.append((i, clause, sent, tok))
                elif kind == "institution":
                    ev.institutions.append((i, clause, sent, tok))
                elif kind == "private":
                    ev.private_body = ev.private_body or tok in private_institution
                    ev.private.append((i, clause, sent, tok))
                elif kind == "relative":
                    ev.relatives.append((i, clause, sent, tok))
                elif kind == "favour":
                    ev.favours.append((i, clause, sent, tok))
                elif kind == "shield":
                    ev.shield.append(sent)
                elif kind == "lawful":
                    if not ev.lawful or ev.lawful[-1] != sent:
                        ev.lawful.append(sent)
                elif kind == "general":
                    ev.general.append(tok)
                elif kind == "question":
                    asks = clause
                elif kind == "speculation":
                    if tok in existence and (i + 1 == len(tokens) or tokens[i + 1] in CLAUSE_END
                                             or tokens[i + 1] in SENTENCE_END):
                        continue  # 好多人根本不存在，: they are not there, no one is cleared
                    ev.spec_from.setdefault(clause, (i, sent))
                elif kind == "request":
                    ev.request_at.setdefault(clause, i)
                elif kind == "pension":
                    pension = True
                elif kind == "bureau_actor":
                    bureau_actor.append(i)
                elif kind == "bureau":
                    bureau.append(i)

        rules: list[str] = []
        domain, dom_conf = self._domain(dom_score, rules)
        issues = tuple(
            k for k, v in sorted(iss_score.items(), key=lambda kv: (-kv[1], kv[0]))
            if v >= ISSUE_THRESHOLD
        )
        for k in issues:
            rules.append(f"issue {k} ({lex.labels.get(k, k)}): score {iss_score[k]:g}")

        # A pension or wage complaint: no specific social-assistance domain is named.
        pension_case = pension and domain in ("not_civil", "other_civil")
        civil = domain in SPECIFIC_DOMAINS  # social-assistance benefits are at stake
        discipline = disc.decide(
            ev, negation, civil, pension_case, lex.pension_cancels, rules, keywords
        )
        urgent = urgent_score >= lex.urgent_threshold
        if urgent:
            rules.append(f"urgent: risk words score {urgent_score:g} ≥ {lex.urgent_threshold:g}")

        accusation_at = {hit[0] for hit, _s in ev.acts} | {
            i for i, tok in enumerate(tokens)
            if any(kind == "issue" and lex.issue_group[key] in ("corruption", "conduct")
                   for kind, key, _w in table.get(tok, ()))
        } if (bureau_actor or bureau) else set()
        accuses = self._accuses(tokens, bureau_actor, bureau, ev.sentence_ends, accusation_at,
                                rules)
        if accuses:
            for i in bureau_actor + bureau:
                keywords.setdefault(tokens[i])
        return Classification(
            domain=domain,
            domain_confidence=dom_conf,
            issues=issues,
            discipline=discipline,
            urgent=urgent,
            accuses_unit=accuses,
            keywords=tuple(keywords),
            rules=tuple(rules),
        )

    def _domain(self, score: Mapping[str, float], rules: list[str]) -> tuple[str, float]:
        civil_total = sum(v for k, v in score.items() if k != "not_civil")
        specific = [(v, k) for k, v in score.items() if k in SPECIFIC_DOMAINS]
        not_civil = score.get("not_civil", 0.0)
        if not_civil > civil_total:
            conf = not_civil / (not_civil + civil_total + 1.0)
            rules.append(f"domain not_civil: other-department words score {not_civil:g}")
            return "not_civil", round(min(0.95, 0.4 + conf * 0.6), 3)
        if specific:
            best_v, best = max(specific, key=lambda vk: (vk[0], -DOMAINS.index(vk[1])))
            total = sum(score.values())
            conf = best_v / total if total else 0.0
            rules.append(f"domain {best} ({self.lex.labels.get(best, best)}): score {best_v:g}")
            return best, round(min(0.98, 0.45 + 0.5 * conf + 0.03 * min(best_v, 3)), 3)
        if civil_total > 0:
            rules.append(f"domain other_civil: civil-affairs words score {civil_total:g}")
            return "other_civil", round(min(0.9, 0.4 + 0.1 * civil_total), 3)
        rules.append("domain other_civil by default: no domain word")
        return "other_civil", 0.2

    def _accuses(
        self,
        tokens: Sequence[str],
        bureau_actor: list[int],
        bureau: list[int],
        sentence_ends: list[int],
        accusation_at: set[int],
        rules: list[str],
    ) -> str | None:
        lex = self.lex
        accusation_sents = {bisect_left(sentence_ends, i) for i in accusation_at}
        for i in bureau_actor:
            if bisect_left(sentence_ends, i) in accusation_sents:
                rules.append(f"accuses the county civil-affairs bureau: '{tokens[i]}' accused")
                return "county_civil_affairs"
        for i in bureau:
            # The bureau itself must be the subject: the accusation follows it closely
            # (民政局截留, 县民政局工作人员推诿), and it is not the addressee (向县民政局反映).
            if not any(j in accusation_at for j in range(i + 1, i + 1 + BUREAU_WINDOW)):
                continue
            before = tokens[max(0, i - 3): i]
            if any(t in lex.addressee_before for t in before):
                continue
            rules.append(f"accuses the county civil-affairs bureau: '{tokens[i]}' accused")
            return "county_civil_affairs"
        return None
