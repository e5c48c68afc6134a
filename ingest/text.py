"""Small text utilities shared by retrieval, answer verification and quizzes."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.words import CONNECTORS, GRAMMAR_OPENERS, STOPWORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:[-_/.][a-z0-9]+)*")
# The one sentence splitter (ingest cuts chunks with it, retrieval and answer checks cut sentences with it).
# A sentence ends at . ! ? or … (closing quotes/brackets kept) before a capital, digit or opening quote,
# unless the full stop closes an abbreviation or an initial. A line break ends one unless it is a soft wrap
# (PDF and hard-wrapped text): a single break between a lowercase word or comma and a lowercase word, or an
# aside ("unpack both\n(see functions untar and unzip)").
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_LINE_END = re.compile(r"\n{2,}|(?<![a-z,])\n+|\n(?![a-z]|\([a-z])")
_ABBREVIATION = re.compile(
    r"(\b(e\.g|i\.e|etc|vs|Fig|Figs|No|Inc|Ltd|Dr|Mr|Mrs|Ms|St|approx|cf|al)\.|\b[A-Z]\.)$"
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


# A full line of prose that stops mid-phrase ("... and other\nOSes may be ...", "... many R\nusers assume ...") is
# a wrapped page line, not a heading, list or code line ending there.
WRAPPED_LINE_CHARS = 60
_CODE_LIKE = re.compile(r"[=<>{};|$/\\`@]|^\s*[-*•>#]|\s{3,}")


def _wrapped(text: str, end: int, nxt: int) -> bool:
    """The single line break at ``end`` only wraps a sentence: the line before is a full line ending in a word
    or comma, the line after goes on with a word, and neither looks like code or a list item."""
    if text[end:nxt].count("\n") != 1 or end == 0 or not (text[end - 1].isalnum() or text[end - 1] == ","):
        return False
    before = text[text.rfind("\n", 0, end) + 1 : end]
    stop = text.find("\n", nxt)
    after = text[nxt : stop if stop >= 0 else len(text)]
    return (
        len(before) >= WRAPPED_LINE_CHARS
        and after[:1].isalpha()
        and not _CODE_LIKE.search(before)
        and not _CODE_LIKE.search(after)
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences/lines in ``text``, trimmed of surrounding whitespace."""
    cuts: list[tuple[int, int]] = []  # (end of one sentence, start of the next)
    for m in _LINE_END.finditer(text):
        if not _wrapped(text, m.start(), m.end()):
            cuts.append((m.start(), m.end()))
    for m in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text[max(0, m.start() - 8) : m.start() + 1]):
            cuts.append((m.start() + len(m.group(0).rstrip()), m.end()))
    spans: list[tuple[int, int]] = []
    pos = 0
    for end, nxt in sorted(cuts):
        if end >= pos:
            spans.append((pos, end))
            pos = nxt
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


# A sentence's link to the one before: a connective and its comma ("Of course, ...", "In this case, ..."), or a
# conjunction that needs none ("Otherwise the archive ...", "So if you ...", "But you might ...").
_OPENER = re.compile(
    r"(?:(?:of course|in fact|however|indeed|thus|therefore|hence|again|on the other hand|in addition|as a result|"
    rf"for this reason|in (?:this|that|either|any) case|{'|'.join(sorted(CONNECTORS))}),\s+"
    r"|(?:otherwise|so|but|and|or|then)\s+(?=\w))",
    re.I,
)
_GRAMMAR_START = re.compile(rf"(?:{'|'.join(sorted(GRAMMAR_OPENERS | STOPWORDS))})\b", re.I)


def without_opener(text: str) -> str:
    """The sentence without its link to the one before, which a learner reading it on its own (an answer's
    first sentence, a quiz question) takes as pointing at text they cannot see."""
    m = _OPENER.match(text)
    rest = text[m.end() :] if m else ""
    if len(rest.split()) < 3:  # "And so on."
        return text
    # Only a grammar word is capitalised: a command or code name ("cd", "ls") keeps its case.
    return rest[:1].upper() + rest[1:] if _GRAMMAR_START.match(rest) else rest


# A part of the document the learner does not see: "Example 3-1", "Figure 2", "this example", "the table below".
_PART = r"(?:examples?|figures?|fig\.|tables?|listings?|sections?|chapters?|appendix|appendices|exercises?)"
REFERENCE = re.compile(
    rf"\b{_PART}\s+(?:[A-Z]?\d[\w.-]*|[A-Z]\b)"
    rf"|\b(?:this|that|these|those|the (?:above|following|previous|preceding|next|last)) {_PART}(?!\w)"
    rf"|\b{_PART} (?:above|below)\b",
    re.IGNORECASE,
)
# An aside that sends the reader elsewhere: "(see also Example 8-5)", "(cf. Table 2)", "(see sidebar TOOLS ...)".
_SEE = re.compile(r"^\s*(?:see|cf\.?|compare|refer to)\b(?:\s+also)?(?:\s+the)?\s*", re.IGNORECASE)
_ELSEWHERE = re.compile(rf"(?:{_PART}|sidebars?|pages?|footnotes?|notes?|above|below)\b", re.IGNORECASE)


def _points_elsewhere(aside: str, named_kept: bool) -> bool:
    see = _SEE.match(aside)
    if named_kept:  # only an aside that is nothing but the pointer: "(Figure 2)", "(see Section 5.2)"
        return REFERENCE.match(aside.strip()) is not None or (
            see is not None and _ELSEWHERE.match(aside, see.end()) is not None
        )
    return see is not None or REFERENCE.search(aside) is not None


def without_references(text: str, named_kept: bool = False) -> str:
    """The text without asides that point at another part of the document ("... redirected (as in Example
    3-1)", "(see sidebar TOOLS ...)"). ``named_kept`` (an answer): only an aside that is nothing but a pointer
    to a part goes; "(see functions untar and unzip)" or "(or when the user asks, see Section 6)" say something.
    Otherwise (a quiz stem) every aside that mentions a part or opens with "see" goes."""
    return re.sub(
        r"\s*\(([^()]*)\)",
        lambda m: "" if _points_elsewhere(m.group(1), named_kept) else m.group(0),
        text,
    )
