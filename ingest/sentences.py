"""Sentence spans of passage text, shared by the sentence index, answer checking and quizzes."""

from __future__ import annotations

import re

# A full stop after "e.g." or "i.e." does not end a sentence; a line break always does (bullets, headings).
_SENT = re.compile(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)[\"”’')\]]*\s+(?=[\"“(\[]?[A-Z0-9])|\n+")
# Shorter lines are headings or bullet stubs ("- Notebooks"): matching a question against them alone
# rewards a shared word, not a shared meaning.
MIN_INDEXED_WORDS = 3


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


def indexed_sentences(text: str) -> list[str]:
    """The sentences of a passage that get their own vectors; the whole passage when none is long enough."""
    found = [text[s:e] for s, e in split_sentences(text)]
    return [s for s in found if len(s.split()) >= MIN_INDEXED_WORDS] or [text]
