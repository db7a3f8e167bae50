"""Domain, issue types and the discipline / urgent / conflict-of-interest flags.

Rules over the tokens of the one jieba pass, driven by ``data/lexicon.toml`` (see its header
for the sections). Every decision carries the keywords and the names of the rules that fired
so that the dispatcher sees why. Pure; importable by anything.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

DOMAINS = (
    "dibao", "tekun", "linshi", "medical", "disability", "laoqu", "poverty", "other_civil",
    "not_civil",
)
SPECIFIC_DOMAINS = DOMAINS[:7]
ISSUE_GROUPS = ("corruption", "conduct", "policy", "other")
ISSUE_THRESHOLD = 2.0
# How far (in tokens) an official may stand from a corruption word and still be its subject.
ACTOR_WINDOW = 15
BUREAU_WINDOW = 4
INSTITUTION_WINDOW = 6  # a public body must stand right by the word (学校克扣伙食费)
_CLAUSE_END = frozenset("，,、。！？!?；;：:\n")
_SENTENCE_END = frozenset("。！？!?；;\n")


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: int
    domains: Mapping[str, Mapping[str, float]]
    issues: Mapping[str, Mapping[str, float]]
    issue_group: Mapping[str, str]
    labels: Mapping[str, str]
    officials: frozenset[str]
    private: frozenset[str]
    institution: frozenset[str]
    strong: frozenset[str]
    weak: frozenset[str]
    general: frozenset[str]
    urgent: Mapping[str, float]
    urgent_threshold: float
    pension: frozenset[str]
    pension_cancels: frozenset[str]
    negation: frozenset[str]
    speculation: frozenset[str]
    salutation_before: frozenset[str]
    salutation_after: frozenset[str]
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
        return cls(
            version=int(data.get("version", 1)),
            domains=domains,
            issues=issues,
            issue_group=groups,
            labels=labels,
            officials=frozenset(data["actors"]["official"]),
            private=frozenset(data["actors"]["private"]),
            institution=frozenset(data["actors"].get("institution", ())),
            strong=frozenset(data["discipline"]["strong"]),
            weak=frozenset(data["discipline"]["weak"]),
            general=frozenset(data["discipline"]["general"]),
            urgent=dict(data["urgent"]["keywords"]),
            urgent_threshold=float(data["urgent"].get("threshold", 3)),
            pension=frozenset(ctx["pension"]),
            # In a pension or wage complaint "克扣/少发" is about the amount, not a bribe.
            pension_cancels=frozenset(withholding | set(data["discipline"]["weak"])),
            negation=frozenset(ctx["negation"]),
            speculation=frozenset(ctx.get("speculation", ())),
            salutation_before=frozenset(ctx.get("salutation_before", ())),
            salutation_after=frozenset(ctx.get("salutation_after", ())),
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
        for group in (self.officials, self.private, self.strong, self.weak, self.general,
                      self.pension, self.bureau_actor, self.bureau, self.keep_whole,
                      frozenset(self.untrap.values())):
            yield from group


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
        for w in lexicon.officials:
            put(w, "official", "", 0.0)
        for w in lexicon.private:
            put(w, "private", "", 0.0)
        for w in lexicon.institution:
            put(w, "institution", "", 0.0)
        for w in lexicon.strong:
            put(w, "strong", "", 0.0)
        for w in lexicon.weak:
            put(w, "weak", "", 0.0)
        for w in lexicon.general:
            put(w, "general", "", 0.0)
        for w in lexicon.speculation:
            put(w, "speculation", "", 0.0)
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

    def classify(self, tokens: Sequence[str]) -> Classification:
        lex = self.lex
        table = self.table
        negation = lex.negation
        dom_score: dict[str, float] = {}
        iss_score: dict[str, float] = {}
        urgent_score = 0.0
        urgent_seen: set[str] = set()
        officials: list[int] = []
        institutions: list[int] = []
        private: list[int] = []
        strong: list[tuple[int, str]] = []
        weak: list[tuple[int, str]] = []
        general: list[str] = []
        pension = False
        speculation: list[int] = []
        bureau_actor: list[int] = []
        bureau: list[int] = []
        keywords: dict[str, None] = {}
        sentence_of: list[int] = []
        sent = 0
        for i, tok in enumerate(tokens):
            sentence_of.append(sent)
            if tok in _SENTENCE_END:
                sent += 1
                continue
            hits = table.get(tok)
            if not hits:
                continue
            negated = i > 0 and tokens[i - 1] in negation
            for kind, key, wt in hits:
                if kind == "domain":
                    dom_score[key] = dom_score.get(key, 0.0) + wt
                    keywords.setdefault(tok)
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
                elif kind == "official":
                    if not self._salutation(tokens, i):
                        officials.append(i)
                elif kind == "private":
                    private.append(i)
                elif kind == "institution":
                    institutions.append(i)
                elif kind == "strong":
                    strong.append((i, tok))
                elif kind == "weak":
                    weak.append((i, tok))
                elif kind == "general":
                    general.append(tok)
                elif kind == "pension":
                    pension = True
                elif kind == "speculation":
                    speculation.append(i)
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

        civil_evidence = any(v > 0 for k, v in dom_score.items() if k != "not_civil")
        # A speculation word reaches to the end of its clause (难道就是为了得到…回扣？).
        spec: set[int] = set()
        for j in speculation:
            pos = j + 1
            while pos < len(tokens) and tokens[pos] not in _CLAUSE_END:
                spec.add(pos)
                pos += 1
        discipline = self._discipline(
            [(i, w) for i, w in strong if i not in spec],
            [(i, w) for i, w in weak if i not in spec],
            officials, institutions, private, general, pension, domain, civil_evidence, rules,
            keywords,
        )
        if not discipline and any(i in spec for i, _w in strong + weak):
            rules.append("not discipline: corruption word in a question or a wish, not an accusation")
        urgent = urgent_score >= lex.urgent_threshold
        if urgent:
            rules.append(f"urgent: risk words score {urgent_score:g} ≥ {lex.urgent_threshold:g}")

        accusation_at = {i for i, _t in strong + weak} | {
            i for i, tok in enumerate(tokens)
            if any(kind == "issue" and lex.issue_group[key] in ("corruption", "conduct")
                   for kind, key, _w in table.get(tok, ()))
        } if (bureau_actor or bureau) else set()
        accuses = self._accuses(tokens, bureau_actor, bureau, sentence_of, accusation_at, rules)
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

    def _salutation(self, tokens: Sequence[str], i: int) -> bool:
        """尊敬的王书记：您好 names the addressee; 王 may stand between 尊敬的 and 书记."""
        lex = self.lex
        before = tokens[max(0, i - 2): i]
        after = tokens[i + 1: i + 4]
        return any(t in lex.salutation_before for t in before) or any(
            t in lex.salutation_after for t in after
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

    def _discipline(
        self,
        strong: list[tuple[int, str]],
        weak: list[tuple[int, str]],
        officials: list[int],
        institutions: list[int],
        private: list[int],
        general: list[str],
        pension: bool,
        domain: str,
        civil_evidence: bool,
        rules: list[str],
        keywords: dict[str, None],
    ) -> bool:
        lex = self.lex

        def near(i: int, where: list[int], window: int = ACTOR_WINDOW) -> bool:
            return any(abs(i - j) <= window for j in where)

        # A pension or wage complaint: no specific social-assistance domain is named.
        pension_case = pension and domain in ("not_civil", "other_civil")
        candidates = [(i, w, "strong") for i, w in strong]
        if domain != "not_civil" and civil_evidence:
            candidates += [(i, w, "weak") for i, w in weak]
        for i, word, strength in candidates:
            if pension_case and word in lex.pension_cancels:
                continue
            if near(i, officials):
                actor = "an official or cadre"
            elif (strength == "strong" and near(i, institutions, INSTITUTION_WINDOW)
                  and not near(i, private, 2 * INSTITUTION_WINDOW)):
                actor = "a public body"
            else:
                continue
            keywords.setdefault(word)
            rules.append(f"discipline: {strength} corruption word '{word}' next to {actor}")
            return True
        if candidates and private:
            rules.append("not discipline: corruption word without an official (private party)")
        elif pension_case and candidates:
            rules.append("not discipline: pension or wage complaint")
        elif general:
            rules.append("not discipline: general anger at corruption, no concrete accusation")
        return False

    def _accuses(
        self,
        tokens: Sequence[str],
        bureau_actor: list[int],
        bureau: list[int],
        sentence_of: list[int],
        accusation_at: set[int],
        rules: list[str],
    ) -> str | None:
        lex = self.lex
        accusation_sents = {sentence_of[i] for i in accusation_at}
        for i in bureau_actor:
            if sentence_of[i] in accusation_sents:
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
