"""Follow-up questions -> standalone queries, without a model call.

A question that points back ("does it need servers?") gets the named subject of the conversation
("the Query Engine") in place of its pronoun; when the earlier question names nothing, or the follow-up points
back with a determiner ("those reviewers", "that one"), the earlier question's key terms are appended in
brackets instead, so the user's own words stay readable. A question that stands on its own is left
untouched. Deterministic and instant, so it never costs answer latency
(docs/decisions/0007-follow-up-rewriting.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ingest.models import ChunkRef
from ingest.text import content_tokens
from ingest.words import CONNECTIVES, QUESTION_OPENERS, STOPWORDS

# Pronouns stand for a noun phrase on their own, so a name can take their place. "that"/"this" count only at
# the end ("which variant fits that?"); elsewhere they are usually relative words or determiners.
_PRONOUN_WORDS = r"it|its|it's|they|them|their|theirs"
_TRAILING_DEMONSTRATIVE = r"\b(that|this)(?=\s*[?.!]*\s*$)"
_PRONOUN = re.compile(rf"\b({_PRONOUN_WORDS})\b|{_TRAILING_DEMONSTRATIVE}", re.I)
# Determiners point back too, through a noun ("those reviewers", "that one"): no name can replace them.
# "that"/"this" after a preposition ("during that period") or opening the question ("was that switch ...")
# points back too; after a noun it is a relative word ("a file that belongs to").
_DETERMINER = (
    r"\b(?:of|in|on|at|for|from|with|during|after|before|about|to|by|since|until)\s+(?:that|this)\b"
    r"|^\s*(?:was|is|were|are|did|does|has|had|will|would|can|could)\s+(?:that|this)\b"
)
# "one" points back when it stands for a noun ("the cheaper one?", "in the managed one, ..."), not as a number
# before its noun ("one text column and two numeric ones").
_ONE = (
    r"\bones\b|\b(?:which|that|this|each|either|neither|another|other|same|first|second|last|newer|older) one\b"
    r"|\bone\b(?=\s*(?:[?.!,;:)]|$|\s+(?:is|are|was|were|do|does|did|has|have|can|could|should|would|will|for|in|on"
    r"|of|with|that|which|instead|better|cheaper)\b))"
)
_ONE_ALONE = re.compile(_ONE, re.I)
_POINTER = re.compile(
    rf"\b({_PRONOUN_WORDS}|those|these)\b|{_ONE}|{_TRAILING_DEMONSTRATIVE}|{_DETERMINER}", re.I
)
# "could I do that serverless instead?": refers back to the previous question's action, not to a noun.
_ACTION_REFERENCE = re.compile(r"\b(do|does|did|doing|try|use)\s+(that|this)\b|\binstead\s*[?.!]*\s*$", re.I)
_CONNECTIVE = re.compile(r"^\s*(and|so|also|then|okay|ok|what about|how about|but|or)\b[,\s]*", re.I)
_LEAD_WORDS = (*QUESTION_OPENERS, "can", "could", "would", "tell me about", "explain", "describe")
_LEAD = re.compile(
    rf"^\s*({'|'.join(_LEAD_WORDS)})"
    r"(\s+(is|are|does|do|was|were|can|should|the|a|an|of|kinds?|types?))*\s+",
    re.I,
)
_ENTITY = re.compile(
    r"\b(?:[A-Z][\w\-/.()]*[A-Za-z0-9)]|[A-Z]{2,}\w*)(?:\s+(?:for|of|on|and|&)?\s*(?:[A-Z][\w\-/.()]*[A-Za-z0-9)]|[A-Z]{2,}\w*))*"
)
# Capitalised words that open a sentence rather than a name ("Besides Glue, ..."): dropped from its front.
_OPENERS = {
    *QUESTION_OPENERS,
    *("can", "i"),
    *("besides", "apart", "except", "other", "than"),
}
# Words that start a question rather than name anything; a course adds its generic names (course.toml).
_GENERIC = frozenset(CONNECTIVES)
# Contractions ("bank's", "they're", "don't") are dropped whole, not split into "bank s" / "re".
_WORD = re.compile(r"[A-Za-z0-9][\w\-/]*(?:\.[A-Za-z0-9]+)*(?:'[a-z]+)?")


def _content_phrase(question: str) -> str:
    body = _LEAD.sub("", question.strip().rstrip("?.! "))
    # Each word once: an earlier follow-up already carries its own earlier terms in brackets.
    unique: dict[str, str] = {}
    for word in (re.sub(r"'[a-z]+$", "", w) for w in _WORD.findall(body)):
        if word.lower() not in STOPWORDS:
            unique.setdefault(word.lower(), word)
    return " ".join(unique.values())


def named_subject(question: str, generic: frozenset[str] = frozenset()) -> str:
    """The most specific name a question mentions ("Stream Delivery Service"), or "" if none."""
    body = _CONNECTIVE.sub("", question.strip())
    candidates = []
    for m in _ENTITY.finditer(body):
        words = m.group(0).split()
        while words and words[0].lower() in _OPENERS:
            words = words[1:]
        span = " ".join(words)
        # A platform acronym alone names nothing in particular; a lone capitalised everyday word is a sentence start
        # ("My data is in S3"), not a name.
        specific = [w for w in words if w.lower() not in _GENERIC and w.lower() not in generic]
        if specific and not (len(words) == 1 and span.lower() in STOPWORDS):
            candidates.append(span)
    return max(candidates, key=len) if candidates else ""


# A question this long that names something before its first pronoun is about that name ("Release 1.1 ...,
# which kernel did it use?"); a short one ("Does the library support it?") still points back.
_SELF_CONTAINED_WORDS = 4


# "compare with it", "better than them": an object of a comparison points at the earlier topic.
_AFTER_PREPOSITION = re.compile(r"\b(with|to|from|than|like|versus|vs\.?|against|over|about)\s*$", re.I)


# A sentence this long before the one that asks sets the scene the pointer refers to ("I deleted the package
# binary. How do I get it back?").
_SETUP_WORDS = 3
# Learners type the next sentence in lowercase too ("... last night. how can I see who did it?"); an
# abbreviation's full stop ("e.g. the", "vs. the") ends nothing.
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?:[.!?:]\s+(?=[A-Z\"'(])|[.!?]\s+(?=[a-z]))"
)


def _has_setup(question: str, before: int) -> bool:
    """A sentence of its own ends before position ``before``: the question says what it is about first."""
    ends = [m.start() for m in _SENTENCE_END.finditer(question, 0, before)]
    return bool(ends) and len(_content_phrase(question[: ends[-1]]).split()) >= _SETUP_WORDS


# "Why is it a bad idea to ...", "Is it possible to ...", "What does it mean that ...": an empty "it" that points at
# nothing.
_EXPLETIVE = re.compile(
    r"(?:(?<=\bis )|(?<=\bwas ))it\s+(?:(?:a|an)\s+)?(?:\w+\s+)?(?:idea|possible|impossible|necessary|worth|safe"
    r"|okay|ok|advisable|wise|normal|common|true|better|best)\b|(?<=\bdoes )it\s+mean\s+(?:that|when|if)\b",
    re.I,
)
# A noun phrase the question opens itself ("the systemd journal", "a log file", "my function", "some settings").
_OWN_NOUN_PHRASE = re.compile(
    r"\b(?:the|a|an|my|our|your|some|each|every|any|both|two|three|four|several)((?:\s+[\w()\[\].-]+){1,3})",
    re.I,
)
# "on its own", "by themselves": an idiom, not a pointer at anything.
_IDIOM_BEFORE = re.compile(r"\b(?:on|of)\s+$", re.I)
_IDIOM_AFTER = re.compile(r"\s+own\b", re.I)
# "... an installed version versus one that isn't", "..., not just the inner one": a "one" set against a noun
# phrase the question has just named.
_CONTRAST_BEFORE = re.compile(
    r"(?:,\s*|\s)(?:versus|vs\.?|than|not(?:\s+just|\s+only)?|or|and|but)\s+(?:\w+\s+){0,2}$", re.I
)
# A later clause ("..., and who hosted it?", "... and load it back", "... before I start cleaning it") may refer
# to a noun phrase of an earlier one.
_CLAUSE_BREAK = re.compile(
    r"(?:,\s*|\s)(?:and|but|or|so|because|before|after|where|when|once|until|while|then|if|as|without)\s",
    re.I,
)
# "Is there a variant that lets me indent the body and still have it work?" asks for something new for the
# conversation's topic; its pronoun keeps pointing at that topic.
_EXISTENTIAL = re.compile(r"^\s*(?:is|are)\s+there\b", re.I)
# "its first three elements of a vector": the owner named right after the possessed noun.
_OWNER_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){1,4}?of\s+(?:the|a|an|my|our|your|some)\s+\w", re.I)

# Content words an earlier clause needs to hold the noun phrase a later clause's pronoun stands for.
_CLAUSE_WORDS = 3

_BARE_PLURAL = re.compile(r"\b[a-z]{3,}(?<!ss)(?<!us)(?<!is)s\b")


def _opens_noun_phrase(text: str) -> bool:
    return any(
        any(w.lower() not in STOPWORDS for w in m.group(1).split()) for m in _OWN_NOUN_PHRASE.finditer(text)
    )


def _antecedent_inside(question: str, pointer: re.Match[str]) -> bool:
    """The pronoun's noun phrase is the question's own: a possessive after a noun phrase or a name ("How do I make
    the journal keep its logs?"; not after the wh-phrase, which is what is asked: "Which algorithm generalizes its
    technique?") or before its owner ("its first three elements of a vector"); a pronoun in a later clause than
    a noun phrase ("Who built the first machine, and who hosted it?")."""
    word = pointer.group(0).lower()
    before, after = question[: pointer.start()], question[pointer.end() :]
    if word in ("its", "their"):
        return (
            (_IDIOM_BEFORE.search(before) is not None and _IDIOM_AFTER.match(after) is not None)
            or _opens_noun_phrase(before)
            or bool(named_subject(before))
            or _OWNER_AFTER.match(after) is not None
        )
    if _ONE_ALONE.fullmatch(pointer.group(0)):
        contrast = _CONTRAST_BEFORE.search(before)
        return contrast is not None and _opens_noun_phrase(before[: contrast.start()])
    # An existential question's "it" keeps pointing at the conversation's topic; its "them" can stand for what
    # it names ("Is there a shortcut for every other column without typing them all?").
    if word not in ("it", "they", "them") or (word == "it" and _EXISTENTIAL.match(question)):
        return False
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if not breaks:
        return False
    earlier = before[: breaks[-1].start()]
    # A noun phrase needs no article ("Does if only work with test brackets, or can it ...", "Where do I put
    # software I build by hand so it ..."); "they"/"them" may stand for a bare plural ("objects ... them all").
    return (
        _opens_noun_phrase(earlier)
        or len(_content_phrase(earlier).split()) >= _CLAUSE_WORDS
        or (word != "it" and _BARE_PLURAL.search(earlier) is not None)
    )


def _alternative_inside(question: str, action: re.Match[str]) -> bool:
    """ "Where should I use -a and -o, and where && and || instead?": the question names what "instead" is set
    against in an earlier clause."""
    if not action.group(0).lower().startswith("instead"):
        return False
    breaks = list(_CLAUSE_BREAK.finditer(question, 0, action.start()))
    return bool(breaks) and len(_content_phrase(question[: breaks[-1].start()]).split()) >= _CLAUSE_WORDS


def _resolved_inside(question: str, pointer: re.Match[str]) -> bool:
    # A pronoun after a sentence of its own refers to it; "that"/"this" point back at the conversation even
    # then ("My data is skewed. Is there a variant for that?"). So does one in a later clause, even after a
    # preposition ("..., and how does checkpointing work with it?").
    own = bool(pointer.group(1)) or _ONE_ALONE.fullmatch(pointer.group(0)) is not None
    if own and (_has_setup(question, pointer.start()) or _antecedent_inside(question, pointer)):
        return True
    # "compare with it" points back; "from its cameras" is a possessive, the preposition governs its noun.
    if pointer.group(0).lower() not in ("its", "their") and _AFTER_PREPOSITION.search(
        question[: pointer.start()]
    ):
        return False
    return (
        bool(named_subject(question[: pointer.start()]))
        and len(_content_phrase(question).split()) >= _SELF_CONTAINED_WORDS
    )


def is_follow_up(question: str) -> bool:
    if _CONNECTIVE.match(question):
        return True
    action = _ACTION_REFERENCE.search(question)
    if action:  # "... instead?" after a sentence or a clause of its own contrasts with it
        return not (_has_setup(question, action.start()) or _alternative_inside(question, action))
    pointer = next(
        (m for m in _POINTER.finditer(question) if not _EXPLETIVE.match(question, m.start())), None
    )
    if pointer is not None:
        return not _resolved_inside(question, pointer)
    return len(_content_phrase(question).split()) < 2


def points_back(question: str) -> bool:
    """A follow-up by its words, not only by its brevity or a "one": a connective, a reference to the previous
    action, or a pronoun/determiner whose noun the question does not hold."""
    if _CONNECTIVE.match(question) or _ACTION_REFERENCE.search(question):
        return True
    return any(
        not _ONE_ALONE.fullmatch(m.group(0)) and not _resolved_inside(question, m)
        for m in _POINTER.finditer(question)
        if not _EXPLETIVE.match(question, m.start())
    )


def _with_context(question: str, context: str) -> str:
    return f"{question.rstrip('?')} ({context})?" if question.endswith("?") else f"{question} ({context})"


def rewrite(
    question: str, history: list[str] | tuple[str, ...], generic: frozenset[str] = frozenset()
) -> str:
    """A standalone version of ``question`` given earlier user turns (oldest first).

    ``generic``: lower-cased words that name the course's platform, never one thing (``CourseProfile``)."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    # Earlier turns may themselves be follow-ups: resolve them in order first.
    resolved: list[str] = []
    for turn in history:
        resolved.append(rewrite(turn, resolved, generic) if resolved else turn.strip())
    previous = resolved[-1]
    name = named_subject(previous, generic)
    context = _content_phrase(previous)
    if not name and not context:
        return question
    body = _CONNECTIVE.sub("", question)
    body = body[:1].upper() + body[1:] if body else body

    def substitute(m: re.Match[str]) -> str:
        return f"{name}'s" if m.group(0).lower() in ("its", "their", "theirs") else name

    # A name the follow-up already says is not what its pronoun stands for ("does it cover MLOps?").
    if name and name.lower() not in body.lower() and _PRONOUN.search(body):
        standalone = _PRONOUN.sub(substitute, body, count=1)
        if len(name.split()) > 1 or name.lower() == context.lower():
            return standalone
        # A one-word name ("Toolkit") is often too broad: keep the earlier question's terms too.
        return _with_context(standalone, context)
    return _with_context(body, context)


# How much less of the question's own words a rewritten query's best passage may hold than the question's
# own best passage and still be kept (ADR 0007: 0.2 chosen on the gate sets' conversations). Only for questions taken for follow-ups by their
# brevity or a "one": a pronoun with nothing to stand for in the question always keeps its rewrite.
KEEP_REWRITE_MARGIN = 0.2


def own_word_share(question: str, passage: ChunkRef, doc_freq: Mapping[str, int], n_chunks: int) -> float:
    """The IDF-weighted share of the question's own content words that ``passage`` (with its headings) holds."""
    weights = {t: math.log(n_chunks / (1 + doc_freq.get(t, 0))) + 1 for t in content_tokens(question)}
    total = sum(weights.values())
    if not total:
        return 0.0
    held = set(content_tokens(f"{passage.title} {passage.heading} {passage.text}"))
    return sum(w for t, w in weights.items() if t in held) / total


def keep_rewrite(
    question: str,
    own_best: ChunkRef | None,
    rewritten_best: ChunkRef | None,
    doc_freq: Mapping[str, int],
    n_chunks: int,
) -> bool:
    """Whether the search for the rewritten query found the question's own words about as well as the question
    alone: a question taken for a follow-up whose rewrite drifts to the previous topic ("What does cd - do
    (two-dimensional arrays)?") is searched as the learner wrote it."""
    if rewritten_best is None or own_best is None:
        return rewritten_best is not None
    if points_back(question):  # a pronoun with nothing to stand for in the question: a follow-up for sure
        return True
    return own_word_share(question, rewritten_best, doc_freq, n_chunks) >= (
        own_word_share(question, own_best, doc_freq, n_chunks) - KEEP_REWRITE_MARGIN
    )
