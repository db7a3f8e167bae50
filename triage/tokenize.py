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

import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Iterable, Sequence
from importlib import resources
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


class TriageTokenizer:
    """A private ``jieba.Tokenizer`` over jieba's dictionary plus our words."""

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
        else:
            tok = jieba.Tokenizer(dictionary=str(self.dict_path))
            tok.tmp_dir = str(self.cache_dir)
            self._load_prefix_dict(tok, self.dict_path)
        self._tok = tok

    @staticmethod
    def _load_prefix_dict(tok: jieba.Tokenizer, dict_path: Path) -> None:
        """jieba's prefix dictionary from our cache file, built and written on a miss.

        Done here rather than by ``Tokenizer.initialize`` because reading the file in one go
        and ``marshal.loads`` is about twice as fast as jieba's ``marshal.load`` on the open
        file, and start-up time is a target (first result within 2 s).
        """
        cache = dict_path.with_suffix(".marshal")
        try:
            # Our own cache file beside the package data, written below (jieba itself
            # caches with marshal the same way); a damaged file is rebuilt.
            freq, total = marshal.loads(cache.read_bytes())  # noqa: S302
            if not isinstance(freq, dict) or not isinstance(total, int):
                raise ValueError("not a prefix dictionary")
            tok.FREQ, tok.total = freq, total
        except (OSError, ValueError, EOFError, TypeError):
            with open(dict_path, "rb") as fh:
                tok.FREQ, tok.total = tok.gen_pfdict(fh)
            try:
                fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
                with os.fdopen(fd, "wb") as out:
                    marshal.dump((tok.FREQ, tok.total), out)
                os.replace(tmp, cache)
            except OSError:
                pass  # a read-only cache directory: next start builds again
        tok.initialized = True

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
        # Write then rename so that two workers starting together never read half a file.
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, path)
        return path

    def cut(self, text: str) -> list[str]:
        """One segmentation pass; whitespace tokens are dropped.

        jieba's HMM (new-word discovery) is off by default: every word the rules look up is
        in the dictionary, unknown words then come out as single characters, which the
        learned model's character n-grams cover, and the pass is about a third faster.
        """
        return [t for t in self._tok.cut(text, HMM=self.hmm) if not t.isspace()]

    __call__ = cut
