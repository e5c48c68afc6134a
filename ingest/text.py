"""Small text utilities shared by retrieval, answer verification and quizzes."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "tell",
        "explain",
        "describe",
        "give",
        "know",
        "please",
        "use",
        "used",
        "using",
        "via",
        "e.g",
        "i.e",
        "etc",
    ]
)
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "how",
        "when",
        "where",
        "does",
        "do",
        "did",
        "is",
        "are",
        "can",
        "could",
        "should",
        "would",
    ]
)

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
