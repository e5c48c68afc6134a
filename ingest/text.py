"""Small text utilities shared by retrieval, answer verification and quizzes."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.words import STOPWORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:[-_/.][a-z0-9]+)*")
# A full stop after "e.g." or "i.e." does not end a sentence. A line break ends one unless it is a soft wrap
# (PDF and hard-wrapped text): a single break between a lowercase word or comma and a lowercase word.
_SENT = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)[\"”’')\]]*\s+(?=[\"“(\[]?[A-Z0-9])"
    r"|\n{2,}|(?<![a-z,])\n+|\n(?![a-z])"
)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def raw_tokens(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated terms (SSE-C, k-fold) are kept whole *and* split into parts."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        tok = tok.strip(".")
        if not tok:
            continue
        out.append(tok)
        if any(sep in tok for sep in "-_/."):
            out.extend(p for p in re.split(r"[-_/.]", tok) if p)
    return out


def content_tokens(text: str) -> list[str]:
    """Stemmed tokens without stopwords: the vocabulary BM25 and overlap scores work on."""
    toks = [t for t in raw_tokens(text) if t not in STOPWORDS]
    stems: list[str] = _stemmer().stemWords(toks)  # snowballstemmer is untyped
    return stems


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences/lines in ``text``, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
