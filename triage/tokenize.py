"""Our own jieba tokenizer: one pass per text, with the gazetteer and the lexicon as words.

Owns the user dictionary (gazetteer full names, former names, aliases, domain lexicon,
and the trap words that must stay whole such as 沙县小吃 or 长乐坊) and the on-disk cache of
the built prefix dictionary. Never touches jieba's global tokenizer: other code in the same
process may use it with other words.

Bare short names (安溪, 平和, 建阳) are deliberately *not* added: giving them a high frequency
would make jieba cut 搭建阳光房 as 搭/建阳/光房 and turn ordinary words into places.
Pure apart from the cache files it writes; importable by anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Iterable, Sequence
from importlib import resources
from math import log
from pathlib import Path

import jieba

DEFAULT_CACHE_DIR = Path(__file__).resolve().parent / "data" / "cache"
# A full place name must win over any split jieba would prefer; lexicon terms need only to
# stay whole. Numbers relative to jieba's own (e.g. 政府 ~ 20,000).
PLACE_FREQ = 200_000
LEXICON_FREQ = 50_000
TRAP_FREQ = 300_000
_FORMAT_VERSION = "2"  # 2: a user word never lowers jieba's own frequency

jieba.setLogLevel(logging.WARNING)

# jieba's own block and ASCII patterns (module attributes of jieba 0.42).
_RE_HAN = jieba.re_han_default
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_NOT_A_PREFIX = float("inf")  # compared by identity; no log-probability is positive


def _jieba_dict_text() -> str:
    return resources.files("jieba").joinpath("dict.txt").read_text("utf-8")


def _keep_base_freq(
    entries: Sequence[tuple[str, int]], base: str
) -> list[tuple[str, int]]:
    """Our words with jieba's own frequency where that is higher: a lexicon word listed to
    stay whole (没有, 学校) must not become rarer than jieba has it, or jieba would cut the
    text around it differently."""
    ours = dict(entries)
    for line in base.splitlines():
        w, _, rest = line.partition(" ")
        if w in ours:
            f = int(rest.split(" ", 1)[0])
            if f > ours[w]:
                ours[w] = f
    return list(ours.items())


def _log_probabilities(freq: dict[str, int], total: int) -> tuple[dict[str, float | None], float]:
    """jieba's prefix dictionary as ``calc`` uses it: log(count) - log(total) for a word,
    None for a prefix that is not a word; and the value of a character jieba does not know."""
    logtotal = log(total)
    return {w: (log(f) - logtotal if f else None) for w, f in freq.items()}, log(1) - logtotal


def _write_atomically(path: Path, data: bytes) -> None:
    """Write then rename, so that two workers starting together never read half a file; a
    failed write leaves no temporary file behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class TriageTokenizer:
    """jieba's segmentation (no HMM) over jieba's dictionary plus our words.

    What is kept in memory is the prefix dictionary with each word's log-probability, as
    jieba's ``calc`` computes it, in place of jieba's counts: the cut looks each fragment up
    once. With ``hmm=True`` a private ``jieba.Tokenizer`` over the same dictionary cuts.
    """

    def __init__(
        self,
        words: Iterable[tuple[str, int]],
        cache_dir: Path | None = None,
        hmm: bool = False,
    ) -> None:
        self.hmm = hmm
        entries = sorted({w.strip(): f for w, f in words if w.strip() and " " not in w}.items())
        self.cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        self.dict_path: Path | None
        self._tok: jieba.Tokenizer | None = None
        try:
            self.dict_path = self._ensure_dict_file(entries)
        except OSError:
            # A read-only install: build in memory (slower start, same segmentation).
            self.dict_path = None
            tok = jieba.Tokenizer()
            tok.tmp_dir = tempfile.gettempdir()
            tok.check_initialized()
            for w, f in entries:
                tok.add_word(w, max(f, tok.FREQ.get(w) or 0))
            self._logp, self._unknown_logp = _log_probabilities(tok.FREQ, tok.total)
            if hmm:
                self._tok = tok
        else:
            self._logp, self._unknown_logp = self._load_logp(self.dict_path)
            if hmm:
                self._tok = jieba.Tokenizer(dictionary=str(self.dict_path))
                self._tok.tmp_dir = str(self.cache_dir)

    @staticmethod
    def _load_logp(dict_path: Path) -> tuple[dict[str, float | None], float]:
        """The prefix dictionary with log-probabilities, from our cache file beside the
        dictionary, built with jieba's ``gen_pfdict`` and written on a miss.

        ``marshal.loads`` of the whole file is how start-up stays fast (first result within
        2 s): about twice as fast as jieba's own ``marshal.load`` of its counts, and no
        logarithm is taken at start.
        """
        cache = dict_path.with_suffix(".logp.marshal")
        try:
            # Our own cache file (jieba itself caches with marshal the same way); a damaged
            # file is rebuilt.
            logp, unknown = marshal.loads(cache.read_bytes())  # noqa: S302
            if not isinstance(logp, dict) or not isinstance(unknown, float):
                raise ValueError("not a prefix dictionary")
            return logp, unknown
        except (OSError, ValueError, EOFError, TypeError):
            pass
        with open(dict_path, "rb") as fh:
            freq, total = jieba.Tokenizer(dictionary=str(dict_path)).gen_pfdict(fh)
        logp, unknown = _log_probabilities(freq, total)
        try:
            _write_atomically(cache, marshal.dumps((logp, unknown)))
        except OSError:
            pass  # a read-only cache directory: next start builds again
        return logp, unknown

    def _ensure_dict_file(self, entries: Sequence[tuple[str, int]]) -> Path:
        digest = hashlib.sha256()
        digest.update(_FORMAT_VERSION.encode())
        digest.update(str(getattr(jieba, "__version__", "")).encode())
        for w, f in entries:
            digest.update(f"{w} {f}\n".encode())
        path = self.cache_dir / f"triage_dict_{digest.hexdigest()[:16]}.txt"
        if path.exists():
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        base = _jieba_dict_text().rstrip("\n")
        body = base + "\n" + "".join(f"{w} {f}\n" for w, f in _keep_base_freq(entries, base))
        _write_atomically(path, body.encode("utf-8"))
        return path

    def cut(self, text: str) -> list[str]:
        """One segmentation pass; whitespace is dropped, except that a line break stays as
        one ``"\n"`` token (a run of them as one): it ends a sentence, as after a title.

        jieba's HMM (new-word discovery) is off by default: every word the rules look up is
        in the dictionary, unknown words then come out as single characters, which the
        learned model's character n-grams cover, and the pass is about a third faster.
        Without HMM the words are exactly those of ``jieba.Tokenizer.cut(text, HMM=False)``
        over the same dictionary, found by :meth:`_cut_han` in one pass per block.
        """
        if self._tok is not None:
            return _lines_kept(self._tok.cut(text, HMM=True))
        out: list[str] = []
        for blk in _RE_HAN.split(text):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                self._cut_han(blk, out)
            else:  # jieba: anything but Han characters one by one
                out.extend(_lines_kept(blk, out[-1] if out else "\n"))
        return out

    def _cut_han(self, sentence: str, out: list[str]) -> None:
        """jieba's ``__cut_DAG_NO_HMM`` (``get_DAG``, ``calc``, then the walk that merges
        single ASCII letters and digits), with the same arithmetic and tie-breaking, as one
        backward pass: each fragment is looked up once, in a dictionary that holds its
        log-probability (None for a prefix that is not a word) instead of its count."""
        lp = self._logp
        unknown = self._unknown_logp
        n = len(sentence)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            best_x = k
            i = k
            frag = sentence[k]
            while i < n:
                v = lp.get(frag, _NOT_A_PREFIX)
                if v is _NOT_A_PREFIX:
                    break
                if v is not None:
                    s = v + score[i + 1]
                    if best is None or s >= best:  # jieba's max((score, x)): ties to the longer
                        best, best_x = s, i
                i += 1
                frag = sentence[k:i + 1]
            if best is None:
                best = unknown + score[k + 1]
            score[k], end[k] = best, best_x
        x = 0
        buf = ""
        while x < n:
            y = end[x] + 1
            word = sentence[x:y]
            if y - x == 1 and word in _ASCII_ALNUM:
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)

    __call__ = cut


def _lines_kept(tokens: Iterable[str], before: str = "\n") -> list[str]:
    """``tokens`` without whitespace, but with a line break as one ``"\n"`` where a token
    came before it that was not one already (``before`` is the token before the first)."""
    out: list[str] = []
    last = before
    for t in tokens:
        if not t.isspace():
            out.append(t)
            last = t
        elif "\n" in t and last != "\n":
            out.append("\n")
            last = "\n"
    return out
