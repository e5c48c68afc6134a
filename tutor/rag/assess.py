"""Does the study material cover a question? Decided from retrieval signals, not by asking the model.

Three signals: (1) a named term in the question (acronym, CamelCase, a capitalised name, a term with
digits, a single-letter compound such as "k-means", a multi-word name, or a lowercase name the question
gives an owner and a kind, "the platform's ... algorithm") that the whole corpus never mentions — the typical near miss, "How does
the Foo Profiler ...?" — and code names the same way ("tryCatch", "lapply()", "with mktemp", "set -e", "|>"), a
name with a release number the material never writes ("Widget 12"), a part of a named tool it never mentions ("the
frobctl journal") and a called function it only uses as an everyday word ("browser()");
(2) the expected answer type: a question asking for a price, a saving, a score, a duration, a size, a count, a cause
or code syntax needs passages that state one, one asking for a date or an author needs it in the sentences
closest to the question, a port or a version needs it next to the thing it belongs to, the one after a numbered name
("after Maple", release 4) a later number of that series; the thing a "how do I ..." question acts on ("the random
seed") must be in the passages unless the material names it often;
(3) the similarity of the closest passage or sentence among the top passages.
No word-coverage signal: learners ask in words the notes do not use (docs/decisions/0006-answerability-signals.md).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.embed import minilm_path
from ingest.text import content_tokens, split_sentences
from ingest.words import CONNECTIVES, QUESTION_OPENERS
from tutor.rag.retrieve import LexicalIndex
from tutor.schema import Passage

# Under every answerable eval question's closest passage or sentence (docs/decisions/0006-answerability-signals.md).
MIN_SIMILARITY = 0.28
TOP_PASSAGES = 3
# A date or a name asked for must be in one of the two sentences sharing most with the question (ADR 0006).
BEST_SENTENCES = 2

# Words about the material itself ("per the blog", "the notes mention") carry no topic.
_META = frozenset(
    content_tokens(
        "blog guide notes note chapter author book according mention mentioned list listed per say says actually "
        "example kind kinds way ways thing things main key different typically usually really need want like get "
        "make mean means called call name named okay so use good"
    )
)
# Words that open a question or a chat message rather than name anything.
_QUESTION_START = frozenset(
    (
        *QUESTION_OPENERS,
        *("whom", "did", "can", "could", "would"),
        *CONNECTIVES,
        *("also", "then", "tell", "explain", "describe", "i", "in", "on", "for", "the", "a", "an"),
    )
)
# CamelCase (also lower camelCase, "tryCatch"), ACRONYMS (3+), terms mixing letters and digits, snake_case, and
# capitalised words mid-sentence.
_SINGLE = re.compile(
    r"\b([A-Z][a-z]+[A-Z]\w*|[a-z]+[A-Z]\w*|[A-Z]{3,}\w*|[A-Za-z]+\d[\w-]*|\d+[A-Za-z][\w-]*|\w+_\w+)\b|(?<=[\w,;:] )([A-Z][a-z]{2,})\b"
)
# Single-letter compounds name methods ("k-means", "t-SNE", "n-gram"), except a few everyday words.
_LETTER_COMPOUND = re.compile(r"\b[A-Za-z]-[A-Za-z]{2,}\b")
_EVERYDAY_COMPOUNDS = frozenset(
    [
        "e-mail",
        "e-mails",
        "e-commerce",
        "e-book",
        "e-books",
        "x-ray",
        "x-rays",
        "t-shirt",
        "t-shirts",
        "u-turn",
        "v-neck",
        "a-list",
        "t-bone",
        "g-force",
    ]
)
# A function called in code ("lapply()", "saveRDS()") names an API just as a capitalised name does.
_CALL = re.compile(r"(?<![\w.$])([A-Za-z_][\w.]*)\(")
# A lowercase word used as a tool ("with mktemp", "using a nameref", "with mapfile or readarray") or as the value of a
# command-line option ("set -o pipefail"). A name only when no general English word either (``_general_words``):
# learners write "with different algos" or "tweak" too.
_TOOL_WORD = re.compile(
    r"\b(?:with|using|via)\s+(?:an?\s+|the\s+)?([a-z][a-z0-9]{2,})(?:\s+or\s+([a-z][a-z0-9]{2,}))?\b"
    r"|(?<=\s)-{1,2}[A-Za-z][\w-]*\s+([a-z][a-z0-9]{2,})\b"
)
# A command written with an option ("set -e", "declare -A") or a code operator ("|>"): named by the exact
# fragment, which the material must write somewhere (the command alone is usually there).
_OPTION = re.compile(r"(?<![\w-])([a-z][\w.]*) (-{1,2}[A-Za-z][\w-]*)")
# Dashes and arrows ("--", "->", "=>") and smileys (":-)") are prose too.
_OPERATOR = re.compile(r"(?<![^\s(])(?![-=>]+(?:\s|[,.?!]|$))([^\w\s'\"(),.?!]{2,3})(?=\s|[,.?!]|$)")
# Runs of Title-Case words ("Random Cut Forest", "Serverless Inference"): a name whose word pairs never occur.
_NAME_RUN = re.compile(r"(?:\b[A-Z][a-z]+(?:[A-Z]\w*)?(?:'s)?(?:\s+|$|(?=[?!.,;:)]))){2,}")
# A lowercase name is still a name when the question gives it an owner and a kind: "the platform's factorization
# machines algorithm". Without the owner, everyday adjectives match too ("the cheapest service").
# The owners come from the course profile (its generic names and platforms).
_KINDS = r"(algorithm|algo|service|feature|library|framework|api|tool)s?\b"


@lru_cache(maxsize=16)
def _named_kind(owners: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join([*(re.escape(o) + "(?:'s)?" for o in owners), "built-in"])
    return re.compile(rf"\b(?i:{alternatives}) ([a-z][a-z-]+(?: [a-z][a-z-]+)?) {_KINDS}")


# A release or version written after a name ("Widget 12", "Tool 3.1"): the material must write that exact pair; a
# year ("April 2007") is a date, not a version.
_VERSIONED_NAME = re.compile(r"(?<![\w.-])([A-Z][A-Za-z]+) (\d{1,3}(?:\.\d+)*)(?![\w.-]*\d)")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = frozenset(m.lower() for m in _MONTH_NAMES)
# A definite noun phrase whose first word is jargon the material uses and whose next word it never does: a part of
# that tool the material does not cover ("the frobctl ledger", "the Acme swirl logo").
_PART_OF_NAMED = re.compile(r"\b(?:the|its)\s+([A-Za-z][\w.+-]*[A-Za-z0-9])\s+([a-z]{3,})\b")
# The material names a function it writes as a call, or calls it a function ("functions run and run2").
_CALLED_AS_CODE = (
    r"(?<![\w.]){name}\(|\bfunctions?\s+(?:[\w.]+\s*(?:,|and|or)\s*)*{name}\b|\b{name}\s+function\b"
)


_NUMBER = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|sixty|hundred|thousand|few|several)"


@dataclass(frozen=True)
class _AnswerType:
    """A question that asks for a quantity can only be answered by passages that state one."""

    question: re.Pattern[str]
    evidence: re.Pattern[str]
    missing: str
    in_best_sentences: bool = False  # the evidence must be in the sentences closest to the question


# Expected answer types: the classic QA check, the one near miss retrieval similarity cannot see ("How long
# does the queue keep records?" retrieves queue passages that never give a retention period).
_ANSWER_TYPES = (
    # A date or an author is stated next to what it belongs to: anywhere in three passages, any history has one.
    _AnswerType(
        re.compile(
            r"^\W*when (?:was|were|did)\b|\b(?:what|which) (?:year|date|month|day)\b|\bin what year\b|\bsince when\b",
            re.I,
        ),
        re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:" + "|".join(_MONTH_NAMES) + r")\b"),
        "the material gives no date for it",
        in_best_sentences=True,
    ),
    _AnswerType(
        re.compile(
            r"^\W*(?:and |so )?who (?:\w+ed|wrote|built|took|began|made|gave|led|ran|won|held|came|chose|drew)\b",
            re.I,
        ),
        re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"),
        "the material names no one for it",
        in_best_sentences=True,
    ),
    # A cause is stated with a causal word ("because", "due to", "led to") next to the event.
    _AnswerType(
        re.compile(r"^\W*what (?:caused|causes|was the cause|is the cause)\b", re.I),
        re.compile(
            r"\b(?:because|due to|caus(?:e|ed|es|ing)|result(?:ed|s)? (?:of|from|in)|as a result|led to|leads? to"
            r"|owing to|thanks to|after|since|reasons?)\b",
            re.I,
        ),
        "the material gives no cause for it",
    ),
    _AnswerType(
        re.compile(
            r"\bhow much\b.*\b(cost|costs|charge|charges|price|pay)\b|\b(pricing|price per|cost per)\b", re.I
        ),
        re.compile(
            r"(\$|USD|€|£)\s?\d|\d+(\.\d+)?\s?(cents?|dollars?)|per (hour|month|GB|request|token)", re.I
        ),
        "the material gives no prices",
    ),
    _AnswerType(
        re.compile(r"\bhow much\b.*\b(save|saves|saving|savings|cheaper|discount)\b", re.I),
        re.compile(
            r"\d+(\.\d+)?\s?(%|percent)|(\$|USD|€|£)\s?\d|\b\d+x\b|\b(half|twice|a third|a quarter)\b", re.I
        ),
        "the material gives no figure for the saving",
    ),
    _AnswerType(
        re.compile(
            r"\bwhat (score|mark|grade|percentage)\b|\b(score|mark|grade) (do|did|does|would|will|should)( \w+){1,3} (need|get|got|have)\b"
            r"|\bpass(ing)? (score|mark|grade)\b",
            re.I,
        ),
        re.compile(r"\b\d+\s*(points?|%|percent|out of)|\bscore of \d|\b\d+\s?/\s?\d+\b", re.I),
        "the material gives no such score",
    ),
    _AnswerType(
        re.compile(r"\b(syntax|code snippet|sample code|code sample|exact command)\b", re.I),
        re.compile(
            r"`[^`\n]+`|\b[a-z_][\w.]*\([^()\n]*\)|(?:^|\s)--[a-z][\w-]+|\b(SELECT|CREATE|INSERT|UPDATE|DELETE)\s+[A-Z_]{2,}"
        ),
        "the material shows no code or syntax for it",
    ),
    _AnswerType(
        re.compile(
            r"\bhow long\b(?!.*\b(take|takes|train|training)\b)|\bretention period\b|\bhow many (seconds|minutes|hours|days|weeks|months|years)\b"
            r"|\b(max(imum)?|min(imum)?|longest|shortest)\b.{0,20}\b(time|duration|timeout|run ?time)\b|\b(timeout|time limit|buffer interval)\b",
            re.I,
        ),
        # A length of time, or the period between two dates ("from March 2003 until March 2005").
        re.compile(
            _NUMBER + r"[\s-]*(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"
            r"|\b(from|between|since)\b[^.\n]{0,40}?\b\d{4}\b[^.\n]{0,10}?\b(until|till|to|and|through)\b[^.\n]{0,30}?\b\d{4}\b",
            re.I,
        ),
        "the material gives no such duration",
    ),
    _AnswerType(
        re.compile(r"\b(max(imum)?|min(imum)?|largest|biggest|smallest)\b.{0,30}\bsize\b", re.I),
        re.compile(r"\d[\d,.]*\s?(bytes?|KB|MB|GB|TB|PB|KiB|MiB|GiB)\b", re.I),
        "the material gives no such size limit",
    ),
    _AnswerType(
        re.compile(
            r"\bhow (many|big|large)\b|\b(min|max|minimum|maximum|passing) (score|number|count)\b|\blimit on the number\b",
            re.I,
        ),
        re.compile(
            r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?)\b",
            re.I,
        ),
        "the material gives no such figure",
    ),
)


# "How many votes": a count of that thing, a figure (or a letter standing for one, "k times") at most three words
# before the thing counted; any figure in the passages (a year, a version) says nothing (ADR 0006).
_HOW_MANY = re.compile(r"\bhow many (\w+)(?: (\w+))?", re.I)
_COUNT = re.compile(
    r"\b(?:(?![ai]\b)[a-z]|\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|forty|fifty|hundreds?|thousands?|millions?|dozens?|several|few)\b(?=((?:\W+\w+){1,3}))",
    re.I,
)


def _count_missing(question: str, passages: list[Passage]) -> bool:
    """A "how many X" question whose passages never put a figure right before X."""
    m = _HOW_MANY.search(question)
    counted = set(content_tokens(" ".join(filter(None, m.groups())))) if m else set()
    if not counted:
        return False
    return not any(
        counted.intersection(content_tokens(c.group(1))) for p in passages for c in _COUNT.finditer(p.text)
    )


# A port or a version belongs to one named thing ("What default port does fooproxy listen on?", "Which kernel
# version did Acme 4 ship with?"): a port must be stated in a sentence naming that thing, a version right by the
# word it qualifies (at most three words away, "kernel 2.6", "2.6 kernel") in a passage naming the thing (ADR 0006).
_PORT_QUESTION = re.compile(
    r"\b(?:default|tcp|udp|listening) port\b|\bport number\b|\bport\b[^?.]*\blisten|\blisten[^?.]*\bport\b",
    re.I,
)
_PORT = re.compile(r"\bport \d{2,5}\b|\b\d{2,5}/(?:tcp|udp)\b|(?<=[\w\]]):\d{2,5}\b", re.I)
_VERSION_QUESTION = re.compile(
    r"\b(?:what|which) ((?:[\w.-]+ ){1,2})version\b|\b(?:what|which) version of (?:the )?([\w.-]+)", re.I
)
_VERSION = re.compile(r"^\d+(?:\.\d+)+(?:\.x)?$|^\d+\.x$")
_RELEASE = re.compile(r"^\d{1,3}$")
_WORD = re.compile(r"[\w.+/-]*\w")


def _anchor(question: str, lex: LexicalIndex, exclude: set[str]) -> str | None:
    """The question's rarest name the material uses (a word general English does not have): what it asks about."""
    names = [
        t
        for t in content_tokens(question)
        if t in lex.doc_freq and t not in exclude and t not in _META and t not in _general_words()
    ]
    return min(names, key=lambda t: lex.doc_freq[t]) if names else None


def _port_missing(question: str, passages: list[Passage], lex: LexicalIndex) -> bool:
    if not _PORT_QUESTION.search(question):
        return False
    anchor = _anchor(question, lex, set(content_tokens("port default listen number")))
    for p in passages:
        for start, end in split_sentences(p.text):
            sentence = p.text[start:end]
            if _PORT.search(sentence) and (anchor is None or _names(sentence, anchor)):
                return False
    return True


def _names(text: str, anchor: str) -> bool:
    """The text names the anchor, also with a suffix ("foo" in "food[430]:", the daemon of "foo")."""
    return any(t.startswith(anchor) for t in content_tokens(text))


def _version_missing(question: str, passages: list[Passage], lex: LexicalIndex) -> bool:
    m = _VERSION_QUESTION.search(question)
    if not m:
        return False
    qualified = {t for t in content_tokens(m.group(1) or m.group(2) or "") if t not in _QUESTION_START}
    if not qualified:
        return False
    given = set(_WORD.findall(question))
    anchor = _anchor(question, lex, qualified)
    for p in passages:
        if anchor is not None and not _names(p.text, anchor):
            continue
        words = _WORD.findall(p.text)
        for i, w in enumerate(words):
            if not qualified.intersection(content_tokens(w)):
                continue
            window = range(max(0, i - 3), min(len(words), i + 4))
            # A whole number is a version right after the name or after "version": "Tool 4", "version 4 of Tool".
            near = [
                words[j]
                for j in window
                if _VERSION.match(words[j])
                or (_RELEASE.match(words[j]) and (j == i + 1 or words[j - 1].lower() == "version"))
            ]
            if any(v not in given for v in near):
                return False
    return True


# "How do I set the random seed?": the thing to act on, the head of the object of "how do I VERB the ...", must be in
# the retrieved passages, or common enough in the material that retrieval found its section; a thing the material names
# in at most RARE_SHARE of its passages (or never) and the passages lack is one it only names in passing (ADR 0006).
RARE_SHARE = 0.05
# Looked for in the five passages the learner is shown, not only the top 3: "save the workspace image" is answered at rank 5.
OBJECT_PASSAGES = 5
_OBJECT_END = (
    r"so|that|to|for|of|in|on|with|from|into|when|if|and|or|before|after|at|by|without|which|but|back|up|out|off|down"
    r"|away|again|together|there|here|later|now|instead|too"
)
_ACTED_ON = re.compile(
    r"\b(?:how (?:do|can|should|would|could) (?:i|you|we)|how to|(?:a|any|the) way to) (?:\w+ly )?[a-z]+ "
    r"(?:the|a|an|my|our|its|this|that|some)\s+((?:[\w-]+\s+){0,2}?[\w-]+?)(?=\s+(?:"
    + _OBJECT_END
    + r")\b|[?,.!]|$)",
    re.I,
)


def _object_missing(question: str, passages: list[Passage], lex: LexicalIndex) -> str | None:
    """The thing a "how do I ..." question acts on, when the passages never name it and the material only in
    passing: "seed" in "how do I set the random seed", "pair" in "how do I generate the SSH key pair"."""
    m = _ACTED_ON.search(question)
    if not m:
        return None
    head = m.group(1).split()[-1]
    # A compound is one thing: "read-only" is not explained by passages that say "read".
    toks = content_tokens(head)[:1] if "-" in head else content_tokens(head)
    rare = RARE_SHARE * len(lex.ids)
    in_top = {t for p in passages for t in content_tokens(p.text)}
    if toks and all(t not in in_top and lex.doc_freq.get(t, 0) <= rare for t in toks):
        return head
    return None


# "Which release comes after Maple?": when the material numbers the name ("Release 4, called Maple", "4 — Maple"), the
# one after it is stated only if the material writes a later number of the same series ("Release 5", "5 — Oak").
_AFTER_NAME = re.compile(
    r"\b(?:after|succeed(?:s|ed)?|successor (?:of|to)|follow(?:s|ed)?)\s+(?:the\s+)?([A-Z][\w+-]*)"
    r"(?:\s+(\d{1,3}(?:\.\d+)*)\b)?"
)
# Or in words: a top passage saying "Maple was followed by Oak", or anywhere "the next release is codenamed Oak".
_NEXT = re.compile(r"\b(?:next|successor|succeeded|followed by|replaced by|then came)\b", re.I)
_MID_NAME = re.compile(r"(?<=[\w,;:] )([A-Z][a-z]{2,})\b")
_NEXT_NAMED = re.compile(r"\bnext\b[^.!?]{0,80}?\b(?:(?:code)?named|called)\s+[\"“']?[A-Z][a-z]{2,}", re.I)
_SERIES_NUMBER = r"(\d{1,3}(?:\.\d+)*)(?![\w.]*\d)"
# Between a number and the name it numbers: a dash, a parenthesis, ", called" or a space, after an aside ("(not out yet)").
_ASIDE = r"(?:\s*\([^()\d]{0,25}\))?"
_NUMBERED_SEPARATOR = r"(?:\s*[—–-]\s*|\s*\(\s*|,? called\s+|\s+)"


def _series_of(name: str, lex: LexicalIndex) -> list[tuple[str, float]]:
    """Each place the material numbers the name: the word that names the series ("Release" in "Release 4, called
    Maple"; "" in "4 — Maple") and the number."""
    pattern = rf"(?:\b([A-Z][a-z]+)\s+)?(?<![\w.]){_SERIES_NUMBER}{_ASIDE}{_NUMBERED_SEPARATOR}(?i:{re.escape(name)})\b"
    return [(m.group(1) or "", _as_number(m.group(2))) for m in re.finditer(pattern, lex.flat_text)]


def _as_number(text: str) -> float:
    major, _, minor = text.partition(".")
    return int(major) + (float("0." + minor.replace(".", "")) if minor else 0.0)


def _successor_missing(question: str, passages: list[Passage], lex: LexicalIndex) -> bool:
    m = _AFTER_NAME.search(question)
    if not m or m.group(1).lower() in _QUESTION_START:
        return False
    name = m.group(1)
    # "after Widget 4": the question gives the series and the number.
    series = [(name, _as_number(m.group(2)))] if m.group(2) else _series_of(name, lex)
    if not series:
        return False  # a name numbered nowhere ("who came after Ann Example"): nothing to check
    for p in passages:
        for start, end in split_sentences(p.text):
            sentence = p.text[start:end]
            if _NEXT.search(sentence) and any(n != name for n in _MID_NAME.findall(sentence)):
                return False
    if _NEXT_NAMED.search(lex.flat_text):
        return False
    # A later number of the same series: after the series word ("Release 5"), or, in a bare list, before a dash,
    # a parenthesis or ", called" ("5 — Oak"); not any figure ("Section 13.3", "13 results").
    for word, n in series:
        prefix = rf"\b{re.escape(word)}\s+\(?" if word else r"(?<![\w.])"
        after = "" if word else rf"{_ASIDE}(?:\s*[—–-]\s*|\s*\(\s*|,? called\s+)[A-Za-z]"
        for later in re.finditer(prefix + _SERIES_NUMBER + after, lex.flat_text):
            if n < _as_number(later.group(1)) < int(n) + 2:
                return False
    return True


@dataclass(frozen=True)
class Answerability:
    answerable: bool
    reason: str
    unknown_terms: tuple[str, ...] = ()
    similarity: float = 0.0  # of the closest passage or sentence


@lru_cache(maxsize=1)
def _general_words() -> frozenset[str]:
    """Stems of the whole words of the embedding model's vocabulary: about 22,000 words of general English."""
    vocab = (minilm_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(content_tokens(" ".join(w for w in vocab if w.isalpha())))


def _is_jargon(word: str, lex: LexicalIndex) -> bool:
    """Neither the material nor general English uses the word: a tool's or an API's own name."""
    toks = content_tokens(word)
    return bool(toks) and all(t not in lex.doc_freq and t not in _general_words() for t in toks)


def _is_known(word: str, lex: LexicalIndex) -> bool:
    toks = content_tokens(word)
    return bool(toks) and all(t in lex.doc_freq for t in toks)


def _is_known_jargon(word: str, lex: LexicalIndex) -> bool:
    """The material uses the word and general English does not: a tool's or a project's own name."""
    toks = content_tokens(word)
    return _is_known(word, lex) and not any(t in _general_words() for t in toks)


def _called_only_in_prose(name: str, lex: LexicalIndex) -> bool:
    """A function called in the question ("browse()") whose name the material only uses as an everyday word: it
    never writes it as a call nor calls it a function. Names only code uses ("run2") count as known."""
    if not all(t in _general_words() for t in content_tokens(name)):
        return False
    pattern = _CALLED_AS_CODE.format(name=re.escape(name))
    return re.search(pattern, lex.flat_text, re.I) is None


def _writes_version(name: str, number: str, lex: LexicalIndex) -> bool:
    """The material writes the name with that number: "Widget 12", "Widget 12.1", "Widget, version 12"."""
    n = re.escape(number)
    return (
        re.search(rf"\b{re.escape(name)}\b[^.]{{0,20}}?(?<![\d.]){n}(?!\d)", lex.flat_text, re.I) is not None
    )


def _best_sentences(question: str, passages: list[Passage], lex: LexicalIndex) -> list[str]:
    """The BEST_SENTENCES sentences of ``passages`` sharing the most IDF weight with the question's words."""
    words = {t for t in content_tokens(question) if t not in _META and t in lex.doc_freq}
    total = len(lex.ids)
    scored = []
    for p in passages:
        for start, end in split_sentences(p.text):
            shared = words.intersection(content_tokens(p.text[start:end]))
            scored.append((sum(math.log(total / lex.doc_freq[t]) for t in shared), p.text[start:end]))
    scored.sort(key=lambda s: -s[0])
    return [text for _, text in scored[:BEST_SENTENCES]]


def _capitalised_runs(question: str) -> list[str]:
    runs = []
    for m in _NAME_RUN.finditer(question):
        words = [re.sub(r"'s$", "", w) for w in m.group(0).split()]
        while words and words[0].lower() in _QUESTION_START:
            words = words[1:]
        if len(words) >= 2:
            runs.append(" ".join(words))
    return runs


_NUMBERED = re.compile(r"\b([A-Za-z]+)(\d+)\b")


def _numbered_placeholders(question: str) -> set[str]:
    """Words numbered in a series ("cmd1 && cmd2", "file1 and file2"): stand-ins the learner made up, not names."""
    numbers: dict[str, set[str]] = {}
    for m in _NUMBERED.finditer(question):
        numbers.setdefault(m.group(1), set()).add(m.group(2))
    return {f"{stem}{n}" for stem, ns in numbers.items() if len(ns) >= 2 for n in ns}


def unknown_terms(question: str, lex: LexicalIndex, owners: tuple[str, ...] = ()) -> list[str]:
    """Named terms in the question that appear nowhere in the indexed material."""
    unknown: list[str] = []
    placeholders = _numbered_placeholders(question)
    for m in _SINGLE.finditer(question):
        term = m.group(0)
        if term.lower() in _QUESTION_START or term in placeholders:
            continue
        toks = content_tokens(term)
        if toks and all(t not in lex.doc_freq for t in toks):
            unknown.append(term)
    for m in _CALL.finditer(question):
        toks = content_tokens(m.group(1))
        if (
            toks
            and m.group(1) not in unknown
            and (all(t not in lex.doc_freq for t in toks) or _called_only_in_prose(m.group(1), lex))
        ):
            unknown.append(m.group(1))
    for m in _VERSIONED_NAME.finditer(question):
        name = m.group(1)
        if (
            name.lower() not in _QUESTION_START
            and name.lower() not in _MONTHS
            and not _writes_version(name, m.group(2), lex)
            and m.group(0) not in unknown
        ):
            unknown.append(m.group(0))
    for m in _PART_OF_NAMED.finditer(question):
        owner, part = m.groups()
        part_toks = content_tokens(part)  # not a stopword ("the Foo and ...")
        named = f"{owner} {part}"
        if part_toks and _is_known_jargon(owner, lex) and not _is_known(part, lex) and named not in unknown:
            unknown.append(named)
    for m in _TOOL_WORD.finditer(question):
        for word in filter(None, m.groups()):
            if _is_jargon(word, lex) and word not in unknown:
                unknown.append(word)
    for m in _OPTION.finditer(question):
        if (
            m.group(1) not in _QUESTION_START
            and m.group(0) not in lex.flat_text
            and m.group(0) not in unknown
        ):
            unknown.append(m.group(0))
    for m in _OPERATOR.finditer(question):
        if m.group(1) not in lex.flat_text and m.group(1) not in unknown:
            unknown.append(m.group(1))
    for m in _LETTER_COMPOUND.finditer(question):
        if m.group(0).lower() in _EVERYDAY_COMPOUNDS:
            continue
        whole = content_tokens(m.group(0))[:1]  # the compound itself; its parts ("k", "means") prove nothing
        if whole and whole[0] not in lex.doc_freq and m.group(0) not in unknown:
            unknown.append(m.group(0))
    for m in _named_kind(owners).finditer(question):
        toks = [t for t in content_tokens(m.group(1)) if t not in _META]
        if any(t not in lex.doc_freq for t in toks) and m.group(1) not in unknown:
            unknown.append(m.group(1))
    for run in _capitalised_runs(question):
        toks = content_tokens(run)
        unseen_pair = len(toks) >= 2 and any(pair not in lex.bigrams for pair in itertools.pairwise(toks))
        # "Platform Autopilot" is known when the notes name "Autopilot" in a list of the platform's features.
        named_head = run.split()[-1] in lex.names
        if unseen_pair and not named_head and run not in unknown:
            unknown.append(run)
    return unknown


def assess(
    question: str, passages: list[Passage], lex: LexicalIndex, owners: tuple[str, ...] = ()
) -> Answerability:
    """``owners``: words that own a feature named in lower case (``CourseProfile.owner_words``)."""
    if not passages:
        return Answerability(False, "nothing retrieved")
    # Not the first passage's own similarity: BM25 may have put a passage first on one shared word.
    similarity = max(max(p.dense, p.sentence) for p in passages[:TOP_PASSAGES])
    unknown = unknown_terms(question, lex, owners)
    if unknown:
        return Answerability(
            False,
            "the material never mentions " + ", ".join(f"'{u}'" for u in unknown),
            tuple(unknown),
            similarity,
        )
    if _count_missing(question, passages[:TOP_PASSAGES]):
        return Answerability(False, "the material gives no such figure", (), similarity)
    if _port_missing(question, passages[:TOP_PASSAGES], lex):
        return Answerability(False, "the material gives no port for it", (), similarity)
    if _version_missing(question, passages[:TOP_PASSAGES], lex):
        return Answerability(False, "the material gives no such version", (), similarity)
    if _successor_missing(question, passages[:TOP_PASSAGES], lex):
        return Answerability(False, "the material names nothing after it", (), similarity)
    missing = _object_missing(question, passages[:OBJECT_PASSAGES], lex)
    if missing:
        if _is_known(missing, lex):
            return Answerability(False, f"the material mentions '{missing}' only in passing", (), similarity)
        return Answerability(False, f"the material never mentions '{missing}'", (missing,), similarity)
    for kind in _ANSWER_TYPES:
        if not kind.question.search(question):
            continue
        texts = (
            _best_sentences(question, passages[:TOP_PASSAGES], lex)
            if kind.in_best_sentences
            else [p.text for p in passages[:TOP_PASSAGES]]
        )
        if not any(kind.evidence.search(t) for t in texts):
            return Answerability(False, kind.missing, (), similarity)
    if similarity < MIN_SIMILARITY:
        return Answerability(False, "no passage is close in meaning", (), similarity)
    return Answerability(True, "", (), similarity)
