"""Fit keyword weights from labelled messages (dispatchers' corrections, or any label set).

The model is a linear classifier over features taken from the jieba tokens of the same one
pass the engine makes: word unigrams (``w:低保``) and character n-grams of the tokens joined
back together (``c:低保``, 1-2 characters), weighted TF-IDF with a logarithmic term frequency, and trained as
a one-vs-rest L2-loss linear SVM by dual coordinate descent (the liblinear algorithm) in
plain numpy. The saved file is JSON an admin can read, diff, version and roll back:

    {"format": "triage-keyword-model", "version": 1, "created_at": "...", "labels": [...],
     "config": {...}, "n_train": 2243, "bias": {label: b},
     "top_keywords": {label: [[feature, weight], ...]},      # for people
     "features": {feature: [idf, w_label_1, ..., w_label_k]}}  # for the machine

Pure: no I/O except ``save``/``load``; ``now`` is passed in.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "triage-keyword-model"
FORMAT_VERSION = 1
_NOT_TEXT = re.compile(r"[\W\d_a-zA-Z]+")


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    word_unigrams: bool = True
    char_min: int = 1
    char_max: int = 2
    min_df: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.char_min <= self.char_max <= 3:
            raise ValueError("character n-grams: 0 <= char_min <= char_max <= 3")

    def to_dict(self) -> dict[str, Any]:
        return {
            "word_unigrams": self.word_unigrams, "char_min": self.char_min,
            "char_max": self.char_max, "min_df": self.min_df,
        }


@dataclass(frozen=True, slots=True)
class TrainConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    c: float = 2.0  # SVM regularisation, as LinearSVC's C
    balanced: bool = True  # weigh rare labels up (macro-F1 counts every label alike)
    epochs: int = 10
    tol: float = 0.05  # stop when no projected gradient exceeds this
    seed: int = 0
    keep_top: int = 6000  # features kept per label in the file (by |weight|)


def _words(tokens: Sequence[str]) -> Sequence[str]:
    """The tokens a label is learnt from: a line break (a sentence end for the rules) is
    layout, and n-grams run across it as they do across the lines of a pasted letter."""
    return [t for t in tokens if t != "\n"] if "\n" in tokens else tokens


def extract(tokens: Sequence[str], cfg: FeatureConfig) -> dict[str, int]:
    """Feature counts for one text. Words that are only punctuation or digits are skipped."""
    tokens = _words(tokens)
    counts: dict[str, int] = {}
    if cfg.word_unigrams:
        for t in tokens:
            if len(t) > 1 or not _NOT_TEXT.fullmatch(t):
                key = "w:" + t
                counts[key] = counts.get(key, 0) + 1
    lo, hi = cfg.char_min, cfg.char_max
    if hi >= lo > 0:
        for seg in _NOT_TEXT.split("".join(tokens)):
            n_seg = len(seg)
            for n in range(lo, hi + 1):
                for k in range(n_seg - n + 1):
                    f = "c:" + seg[k:k + n]
                    counts[f] = counts.get(f, 0) + 1
    return counts


Tokenize = Callable[[str], Sequence[str]]


def _pack(gram: str) -> int:
    """An n-gram (n <= 3) as one integer: 21 bits per character, each code point plus one,
    so that no character packs as zero (NUL + ab must not equal ab)."""
    key = 0
    for ch in gram:
        key = (key << 21) | (ord(ch) + 1)
    return key


class KeywordModel:
    """A readable linear model: per feature an IDF and one weight per label."""

    def __init__(
        self,
        labels: Sequence[str],
        features: Sequence[str],
        idf: np.ndarray,
        weights: np.ndarray,
        bias: Sequence[float],
        config: FeatureConfig,
        created_at: str,
        n_train: int = 0,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """``features``: the vocabulary; ``idf`` one value per feature; ``weights`` a
        features x labels matrix whose all-zero rows (pruned features) still count in the
        TF-IDF norm through their IDF."""
        self.labels = tuple(labels)
        self.features = tuple(features)
        self._idf_vec = np.asarray(idf, dtype=np.float64)
        self._w_mat = np.asarray(weights, dtype=np.float64).reshape(
            len(self.features), len(self.labels)
        )
        self.bias = np.asarray(bias, dtype=np.float64)
        self.config = config
        self.created_at = created_at
        self.n_train = n_train
        self.meta = dict(meta or {})
        self._compile()

    @property
    def idf(self) -> dict[str, float]:
        return {f: float(x) for f, x in zip(self.features, self._idf_vec, strict=True)}

    @property
    def weights(self) -> dict[str, list[float]]:
        """The features kept in the file, with one weight per label."""
        kept = np.flatnonzero(np.any(self._w_mat != 0.0, axis=1))
        return {self.features[j]: [float(x) for x in self._w_mat[j]] for j in kept}

    # ------------------------------------------------------------------ predict
    def _compile(self) -> None:
        """Index the features once so that scoring a text is a gather and a dot product.

        One table holds each feature's weights and, in its last column, its IDF, so a text's
        features are fetched with one gather; its last row is all zeros and stands for every
        unknown word or n-gram, so nothing has to be filtered out."""
        feats = self.features
        n_feat, n_lab = len(feats), len(self.labels)
        self._unknown = n_feat
        table = np.zeros((n_feat + 1, n_lab + 1), dtype=np.float64)
        table[:n_feat, :n_lab] = self._w_mat
        table[:n_feat, n_lab] = self._idf_vec
        self._table = table
        self._word_index: dict[str, int] = {
            f[2:]: j for j, f in enumerate(feats) if f.startswith("w:")
        }
        # Character n-grams (n <= 3) are looked up as integers, so a text's n-grams never
        # become Python strings: single characters in a table indexed by code point (one
        # gather), longer ones packed 21 bits per code point and searched in a sorted array.
        uni = [(ord(f[2]), j) for j, f in enumerate(feats) if f.startswith("c:") and len(f) == 3]
        size = max((c for c, _j in uni), default=0) + 2  # the last slot: beyond the table
        self._uni_table = np.full(size, n_feat, dtype=np.int32)
        for c, j in uni:
            self._uni_table[c] = j
        keys = [(_pack(f[2:]), j) for j, f in enumerate(feats)
                if f.startswith("c:") and 1 < len(f) - 2 <= 3]
        keys.sort()
        self._char_keys = np.array([k for k, _j in keys] or [0], dtype=np.uint64)
        self._char_rows = np.array([j for _k, j in keys] or [n_feat], dtype=np.int64)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Decision values per label; the same numbers ``extract`` + TF-IDF would give.

        N-grams are counted over the joined text without splitting at punctuation: the
        extra n-grams that span a non-text character are never in the vocabulary, so they
        are dropped by the look-up and do not enter the norm either.
        """
        tokens = _words(tokens)
        cfg = self.config
        unknown = self._unknown
        found: list[np.ndarray] = []
        if cfg.word_unigrams:
            found.append(np.fromiter(map(self._word_index.get, tokens, repeat(unknown)),
                                     dtype=np.int64, count=len(tokens)))
        lo, hi = cfg.char_min, min(cfg.char_max, 3)
        if hi >= lo > 0:
            text = "".join(tokens)
            # (a lone surrogate is a code point like any other here, not an error)
            raw = text.encode("utf-32-le", errors="surrogatepass")
            codes = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
            if lo == 1:
                found.append(self._uni_table[np.minimum(codes, len(self._uni_table) - 1)])
            plus = codes + np.uint64(1)  # packed as ``_pack`` does
            for n in range(max(lo, 2), hi + 1):
                m = len(codes) - n + 1
                if m <= 0:
                    continue
                key = plus[:m] << np.uint64(21) | plus[1:m + 1]
                for i in range(2, n):
                    key = (key << np.uint64(21)) | plus[i:i + m]
                pos = np.searchsorted(self._char_keys, key)
                np.minimum(pos, len(self._char_keys) - 1, out=pos)
                found.append(np.where(self._char_keys[pos] == key, self._char_rows[pos], unknown))
        out = self.bias.copy()
        if not found:
            return out
        ix, counts = np.unique(np.concatenate(found), return_counts=True)
        sub = self._table[ix]
        n_lab = len(self.labels)
        v = (1.0 + np.log(counts)) * sub[:, n_lab]
        norm = float(np.sqrt(v @ v))
        if norm > 0:
            out += (v @ sub[:, :n_lab]) / norm
        return out

    def predict(self, tokens: Sequence[str]) -> tuple[str, float]:
        """(label, confidence); confidence is a softmax of the margins, not a probability."""
        s = self.scores(tokens)
        best = int(np.argmax(s))
        e = np.exp(3.0 * (s - s[best]))
        return self.labels[best], round(float(1.0 / e.sum()), 3)

    def top_keywords(self, label: str, n: int = 20) -> list[tuple[str, float]]:
        k = self.labels.index(label)
        col = self._w_mat[:, k]
        order = np.argsort(-col, kind="stable")[:n]
        return [(self.features[j], round(float(col[j]), 4)) for j in order if col[j] > 0]

    # ------------------------------------------------------------------ file
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": self.created_at,
            "labels": list(self.labels),
            "n_train": self.n_train,
            "config": self.config.to_dict(),
            "meta": self.meta,
            "bias": {lab: round(float(b), 6) for lab, b in zip(self.labels, self.bias, strict=True)},
            "top_keywords": {
                lab: [[f, w] for f, w in self.top_keywords(lab, 30)] for lab in self.labels
            },
            "features": self._feature_rows(),
        }

    def _feature_rows(self) -> dict[str, list[float]]:
        kept = np.any(self._w_mat != 0.0, axis=1)
        out: dict[str, list[float]] = {}
        for j in sorted(range(len(self.features)), key=self.features.__getitem__):
            row = [round(float(self._idf_vec[j]), 4)]
            if kept[j]:
                row += [round(float(x), 5) for x in self._w_mat[j]]
            out[self.features[j]] = row
        return out

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeywordModel:
        if data.get("format") != FORMAT:
            raise ValueError("not a triage keyword model")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise ValueError(f"model format version {data['version']} is newer than this code")
        labels = list(data["labels"])
        feats = list(data["features"])
        rows = list(data["features"].values())
        idf = np.fromiter((r[0] for r in rows), dtype=np.float64, count=len(rows))
        weights = np.zeros((len(rows), len(labels)))
        kept = [j for j, r in enumerate(rows) if len(r) > 1]
        if any(len(rows[j]) != len(labels) + 1 for j in kept):
            raise ValueError("a feature row does not have one weight per label")
        if kept:
            weights[kept] = np.array([rows[j][1:] for j in kept], dtype=np.float64)
        return cls(
            labels=labels,
            features=feats,
            idf=idf,
            weights=weights,
            bias=[float(data["bias"][lab]) for lab in labels],
            config=FeatureConfig(**data["config"]),
            created_at=str(data["created_at"]),
            n_train=int(data.get("n_train", 0)),
            meta=data.get("meta") or {},
        )

    @classmethod
    def load(cls, path: str | Path) -> KeywordModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# ---------------------------------------------------------------------- training
def _vectorise(
    docs: Sequence[dict[str, int]], min_df: int
) -> tuple[list[str], np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    df: dict[str, int] = {}
    for d in docs:
        for f in d:
            df[f] = df.get(f, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= min_df)
    index = {f: i for i, f in enumerate(vocab)}
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in vocab])
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    for d in docs:
        pairs = [(index[f], c) for f, c in d.items() if f in index]
        idx = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        tf = np.fromiter((p[1] for p in pairs), dtype=np.float64, count=len(pairs))
        v = (1.0 + np.log(tf)) * idf[idx] if len(pairs) else tf
        nrm = float(np.sqrt(v @ v)) if len(pairs) else 0.0
        rows.append((idx, v / nrm if nrm > 0 else v))
    return vocab, idf, rows


def _fit_svm(
    rows: Sequence[tuple[np.ndarray, np.ndarray]],
    y: np.ndarray,
    n_labels: int,
    n_features: int,
    cfg: TrainConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest L2-loss SVM, dual coordinate descent, all labels at once.

    Returns (W (labels x features), b). The bias is an extra constant feature of value 1,
    as liblinear does it. With ``balanced`` the positive examples of label k weigh
    n / (K * n_k), as liblinear's one-vs-rest does with scikit-learn's class_weight.
    """
    n = len(rows)
    # Features x labels: a document's rows are gathered in one contiguous take.
    w = np.zeros((n_features, n_labels))
    b = np.zeros(n_labels)
    alpha = np.zeros((n, n_labels))
    sign = -np.ones((n, n_labels))
    sign[np.arange(n), y] = 1.0
    cost = np.full((n, n_labels), cfg.c)
    if cfg.balanced:
        counts = np.bincount(y, minlength=n_labels).astype(np.float64)
        weight = n / (n_labels * np.maximum(counts, 1.0))
        cost[np.arange(n), y] = cfg.c * weight[y]
    diag = 0.5 / cost
    sq = np.array([float(v @ v) + 1.0 for _i, v in rows])
    qii = sq[:, None] + diag
    order = list(range(n))
    rng = random.Random(cfg.seed)
    for _epoch in range(cfg.epochs):
        rng.shuffle(order)
        max_pg = 0.0
        for i in order:
            idx, v = rows[i]
            s = sign[i]
            a = alpha[i]
            g = s * (v @ w[idx] + b) - 1.0 + diag[i] * a
            pg = np.where(a > 0, g, np.minimum(g, 0.0))
            if not pg.any():
                continue
            max_pg = max(max_pg, float(np.abs(pg).max()))
            new_a = np.maximum(a - g / qii[i], 0.0)
            delta = (new_a - a) * s
            alpha[i] = new_a
            w[idx] += np.outer(v, delta)
            b += delta
        if max_pg < cfg.tol:
            break
    return w.T, b


def train(
    rows: Iterable[tuple[str, str]],
    tokenizer: Tokenize,
    config: TrainConfig | None = None,
    now: datetime | None = None,
) -> KeywordModel:
    """Fit a model from (text, label) rows; any label set with at least two labels."""
    cfg = config or TrainConfig()
    data = list(rows)
    return train_tokens([(list(tokenizer(t)), lab) for t, lab in data], cfg, now)


def train_tokens(
    rows: Sequence[tuple[Sequence[str], str]],
    config: TrainConfig | None = None,
    now: datetime | None = None,
) -> KeywordModel:
    cfg = config or TrainConfig()
    labels = sorted({lab for _t, lab in rows})
    if len(labels) < 2:
        raise ValueError("need at least two labels to train")
    lab_index = {lab: i for i, lab in enumerate(labels)}
    docs = [extract(toks, cfg.features) for toks, _l in rows]
    min_df = cfg.features.min_df if len(rows) >= 20 else 1
    vocab, idf, vec = _vectorise(docs, min_df)
    y = np.array([lab_index[lab] for _t, lab in rows])
    w, b = _fit_svm(vec, y, len(labels), len(vocab), cfg)
    keep = np.zeros(len(vocab), dtype=bool)
    for k in range(len(labels)):
        keep[np.argsort(-np.abs(w[k]))[: cfg.keep_top]] = True
    weights = w.T.copy()
    weights[~keep] = 0.0
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return KeywordModel(
        labels=labels,
        features=vocab,
        idf=idf,
        weights=weights,
        bias=[float(x) for x in b],
        config=cfg.features,
        created_at=when,
        n_train=len(rows),
        meta={"c": cfg.c, "balanced": cfg.balanced, "epochs": cfg.epochs,
              "keep_top": cfg.keep_top},
    )


def stratified_folds(labels: Sequence[str], folds: int = 5, seed: int = 0) -> list[int]:
    """Fold number of each row, each label spread evenly over the folds."""
    by_label: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        by_label.setdefault(lab, []).append(i)
    rng = random.Random(seed)
    fold_of = [0] * len(labels)
    for lab in sorted(by_label):
        idxs = by_label[lab][:]
        rng.shuffle(idxs)
        for k, i in enumerate(idxs):
            fold_of[i] = k % folds
    return fold_of


def cross_validate(
    rows: Sequence[tuple[Sequence[str], str]],
    folds: int = 5,
    config: TrainConfig | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Stratified k-fold scores on pre-tokenised rows: pooled and per-fold macro-F1."""
    from triage.batch import scores_from_pairs  # local: batch imports the engine

    fold_of = stratified_folds([lab for _t, lab in rows], folds, seed)
    per_fold: list[float] = []
    pairs_all: list[tuple[str, str]] = []
    for f in range(folds):
        tr = [rows[i] for i in range(len(rows)) if fold_of[i] != f]
        te = [rows[i] for i in range(len(rows)) if fold_of[i] == f]
        model = train_tokens(tr, config)
        pairs = [(lab, model.predict(toks)[0]) for toks, lab in te]
        pairs_all += pairs
        per_fold.append(scores_from_pairs(pairs)["macro_f1"])
    total = scores_from_pairs(pairs_all)
    total["per_fold_macro_f1"] = per_fold
    total["mean_fold_macro_f1"] = round(float(np.mean(per_fold)), 4)
    return total
