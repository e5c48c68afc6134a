"""What a chat message asks for: practice items, a fresh explanation of the last answer, or an answer.

Decided by rules, without a model or network call, so routing costs no answer latency. A message is
*practice* when it asks to be questioned ("quiz me on X", "give me 3 questions about Y", "see if I
remember this"); *explain* when it follows an answer and asks for it again in another form ("simpler",
"an example", "why?", "how is that different from Z?"); anything else is a *question*, including the
many questions whose subject is a test, a quiz or a practice ("what does the test builtin return?").
Measured on evals/datasets/routing/ (``tutor eval`` gates it at 95%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.words import QUESTION_OPENERS

RouteName = Literal["practice", "question", "explain"]
ExplainKind = Literal["", "simpler", "example", "why", "different"]
Scope = Literal["", "topic", "conversation", "everything"]
DEFAULT_COUNT = 3
MAX_COUNT = 10

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "couple": 2,
    "pair": 2,
    "three": 3,
    "few": 3,
    "some": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

# Being asked questions: a verb aimed at the learner ("quiz me", "test my knowledge", "be examined").
_AT_ME = re.compile(
    r"\b(qu?i?u?z+|quizz?|test|drill|examine|exercise|question|grill|check|assess|ask)\s+me\b"
    r"|\b(test|check|assess|gauge|probe)\s+(my|whether i|if i)\b"
    r"|\bbe\s+(quizzed|tested|examined|drilled|questioned)\b"
    r"|\b(see|find out|check)\s+(if|whether)\s+(i|that)\b.{0,30}\b(remember|understood|know|stuck|got)\b"
    r"|\b(see|find out)\s+if\s+(that|this|it)\s+(stuck|sank in)\b"
    r"|\b(you|your turn to)\s+ask\b.{0,30}\b(i|me)\b"
    r"|\byour turn to ask\b"
    r"|\b(turn|make)\s+(that|this|it|what you (just )?said)\b.{0,30}\bquestions?\b",
    re.I,
)
# Words naming practice material.
_ITEMS = (
    r"(questions?|quiz(zes)?|qiuz|mcqs?|multiple[- ]choice|true/false|true or false|flash ?cards?|"
    r"practice (set|round|questions?|problems?)|problems?|exercises?|tests?|round|mock exam)"
)
# Asking for practice material: a request verb, then (within a few words) the material.
_REQUEST = re.compile(
    r"^(?:\W*(?:ok(?:ay)?|so|now|right|alright|please|hey|hi)\b[,\s]*)*"
    r"(?:(?:can|could|would|will)\s+(?:you|u|we|i)\s+|i(?:'d| would)?\s+(?:like|want|need)(?:\s+to)?\s+|"
    r"let'?s\s+|let us\s+|please\s+|i'?m\s+|time for\s+)?"
    r"(?:give|get|make|throw|hit me with|send|set|generate|create|prepare|do|have|play|start|run|"
    r"some|ready for|pose|fire)\b"
    rf"(?:\W+\w+){{0,6}}?\W+{_ITEMS}\b",
    re.I,
)
# Short requests that name the material up front ("pop quiz on X", "flashcards: X", "rapid fire ...").
_NOUN_FIRST = re.compile(
    r"^\W*(?:(?:\d+|a|an|one|some|few|couple|of|quick|short|little|more|true/false|true or false|"
    r"multiple[- ]choice|exam[- ]style|practice)\s+)*"
    r"(pop quiz|quiz time|flash ?cards?|rapid[- ]fire|mock exam|quiz|practice (round|set|questions?|problems?)|"
    r"(?<=\s)(?:questions?|mcqs?))"  # a bare "questions" only after a count or kind ("3 questions on X")
    r"(?:\s+(?:questions?|round|mcqs?))?\b\s*(?:on|about|for|over|:|!|time|please|pls|[-—–]|$)",
    re.I,
)
# Practising as the learner's own activity ("practise the last topic", "I want to drill X").
_PRACTISE = re.compile(
    r"^(?:\W*(?:ok(?:ay)?|so|now|right|alright|please|hey)\b[,\s]*)*"
    r"(?:let'?s\s+|let us\s+|i(?:'d| would)?\s+(?:like|want|need)\s+to\s+|can we\s+|could we\s+|time to\s+)?"
    r"(practi[cs]e|drill|revise|rehearse|review)\b(?!\s+(of|is|are)\b)",
    re.I,
)
# Questions about something (including tests or quizzes as subject matter) start like this.
_QUESTION_START_WORDS = (
    *QUESTION_OPENERS,
    *("what's", "whats", "whom", "whose", "was", "were", "did", "shall", "in", "on"),
)
_QUESTION_START = re.compile(rf"^\W*({'|'.join(_QUESTION_START_WORDS)})\b", re.I)
# "Again" after a practice request: one more round.
_MORE = re.compile(
    r"^\W*(again|another|more|next|one more|harder|keep going|continue|go on|same again)\b", re.I
)
_POINTER = re.compile(
    r"\b(that|this|it|its|those|these|them|above|the same|what you (just )?said|just discussed|"
    r"we (just )?(discussed|covered|talked about)|the last (topic|answer|one)|any of this|the stuff)\b",
    re.I,
)

_SIMPLER = re.compile(
    r"\b(simpl\w*|plain (english|words|language)|eli5|layman|rephrase|reword|another way|other words|"
    r"again|slower|more slowly|shorter|break (it|that|this) down|jargon|lost you|lost me|"
    r"(don'?t|do not|didn'?t|did not|still (don'?t|do not)) (get|understand|follow)|confus\w*|over my head|"
    r"analogy|say (it|that)|explain (it|that|this)|clarify|what do you mean|huh|wait what)\b",
    re.I,
)
_EXAMPLE = re.compile(
    r"\b(examples?|for instance|e\.g\.|look like|in code|concrete|illustrat\w*|in practice|use case|case)\b",
    re.I,
)
# "Show me." asks the tutor for an example only when it is all the message says: in "is there a tool that will
# show me the warnings ...?" the tool shows.
_SHOW_ME = re.compile(r"\b(show)\s+(me|us)\b", re.I)
# "Give me an example", "can you show one": asked of the tutor; "what examples does the author give" is a question.
_ASKED_OF_TUTOR = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|now|please)\W+)*(give|show)\b|\b(give|show)\s+(me|us)\b"
    r"|\b(can|could|would|will)\s+you\s+(give|show)\b",
    re.I,
)
_WHY = re.compile(r"^\W*(?:(?:but|and|ok(?:ay)?|so|hmm+)\W+)*why\b", re.I)
_DIFFERENT = re.compile(
    r"\b(?:different|differ|difference|compare[sd]?|comparison|versus|vs\.?)\b"
    r"(?:\s+(?:from|to|with|than|between))?\s+(?P<other>[^?!]+?)\s*[?!.]*\s*$",
    re.I,
)
_TOPIC_LEAD = re.compile(
    r"\b(?:on|about|of|for|regarding|covering|around|topic:|:)\s+(?P<topic>.+)$|(?:^|\s)(?:—|-|:)\s*(?P<tail>.+)$",
    re.I,
)
_TOPIC_TRAIL = re.compile(
    r"(?:\s*[,;—–-]+\s*|\s+)(?:please|pls|plz|thanks|thank you|now|go|lol|again|"
    r"(?:just\s+)?\d+\s+questions?|(?:just\s+)?(?:a\s+)?(?:couple|few)(?:\s+of)?\s+questions?|"
    r"need to practi[cs]e.*|before .*|my exam .*|with (?:a|an|some|\d+)\b.*)\s*[.!?]*\s*$",
    re.I,
)
_TOPIC_FILLER = re.compile(
    r"^(?:me\s+)?(?:(?:a|an|some|\d+|few|couple|the)\s+)*(?:(?:quick|short|little)\s+)?"
    r"(?:questions?|quiz(?:zes)?|mcqs?|problems?|exercises?|flash ?cards?)\s+(?:on|about|for|of)\s+",
    re.I,
)
_DIGITS = re.compile(r"\b(\d{1,2})\b")
_COUNT_WORD = re.compile(
    r"\b(" + "|".join(_NUMBERS) + r")\b(?=(?:\s+of)?\s+(?:[\w/-]+\s+){0,3}?" + _ITEMS + ")", re.I
)
_ONE = re.compile(
    r"\b(a|an|one|single)\s+(?:[\w/-]+\s+){0,2}?(question|problem|exercise|flash ?card|mcq)\b", re.I
)


@dataclass(frozen=True)
class Route:
    """The decision for one message: what to do, about what, and (for practice) how many items."""

    route: RouteName
    topic: str = ""
    scope: Scope = ""
    count: int = 0
    kind: ExplainKind = ""


def _count(message: str) -> int:
    m = _DIGITS.search(message)
    if m and 0 < int(m.group(1)) <= 50:
        return min(int(m.group(1)), MAX_COUNT)
    words = [
        m.group(1).lower() for m in _COUNT_WORD.finditer(message) if m.group(1).lower() not in ("a", "an")
    ]
    if words:
        return max(_NUMBERS[w] for w in words)
    return 1 if _ONE.search(message) else DEFAULT_COUNT


def _clean_topic(text: str) -> str:
    t = text.strip()
    for _ in range(3):
        t = _TOPIC_TRAIL.sub("", t).strip()
    t = _TOPIC_FILLER.sub("", t).strip()
    t = re.sub(r"^(?:the\s+)?topic\s*[:=]\s*", "", t, flags=re.I)
    return t.strip(" \t.,;:!?—–-\"'")


def practice_topic(message: str) -> str:
    """What a practice request is about ("quiz me on lapply vs sapply" -> "lapply vs sapply"), or ""."""
    named = re.search(r"\btopic\s*[:=]\s*(.+)$", message, re.I)
    end, takes_object = _trigger_end(message)
    rest = message[end:]
    known = re.match(r"^\W*(?:\w+\s+){0,2}?(understood|know|remember|recall|got)\b", rest, re.I)
    if known:
        rest, takes_object = rest[known.end() :], True
    if named:
        topic = _clean_topic(named.group(1))
    elif takes_object and not re.match(r"^\s*(on|about|for|:)\b", rest, re.I):
        topic = _clean_topic(re.split(r"[.!?;]\s", rest, maxsplit=1)[0])
    else:
        m = _TOPIC_LEAD.search(rest)
        if not m:
            return ""
        topic = _clean_topic(m.group("topic") or m.group("tail") or "")
    if (
        not topic
        or _POINTER.fullmatch(topic)
        or re.fullmatch(r"(it|that|this|them|me|my knowledge)", topic, re.I)
    ):
        return ""
    if re.match(r"^(what|the stuff|the last|any of|everything|all of)\b", topic, re.I):
        return ""
    return topic


def is_practice(message: str, previous: RouteName | None = None) -> bool:
    text = message.strip()
    asking = _QUESTION_START.search(text) and not re.match(r"^\W*(can|could|would|will)\b", text, re.I)
    if asking:
        # A question can mention being tested ("why does debconf ask me questions?"); it is a request for
        # practice only when it asks the tutor to do it ("why don't you quiz me on it?").
        at_me = _AT_ME.search(text)
        return bool(at_me and re.search(r"\b(you|why not|how about)\b", text[: at_me.start()], re.I))
    if _AT_ME.search(text) or _PRACTISE.search(text):
        return True
    if _REQUEST.search(text) or _NOUN_FIRST.search(text):
        return True
    return previous == "practice" and bool(_MORE.search(text)) and len(text.split()) <= 8


def _trigger_end(message: str) -> tuple[int, bool]:
    """Where the words asking for practice end, and whether what follows is their object ("drill X")."""
    for pattern, takes_object in (
        (_AT_ME, False),
        (_PRACTISE, True),
        (_REQUEST, False),
        (_NOUN_FIRST, False),
    ):
        m = pattern.search(message)
        if m:
            obj = takes_object or bool(re.search(r"(on|about|for|over|[:—–-])\s*$", m.group(0), re.I))
            return m.end(), obj
    return 0, False


def explain_kind(message: str) -> ExplainKind:
    """Which kind of re-explanation a follow-up asks for, or "" when it is not one."""
    text = message.strip()
    words = len(text.split())
    diff = _DIFFERENT.search(text)
    if diff and _POINTER.search(text[: diff.start()] or "") and words <= 14:
        return "different"
    if _WHY.search(text) and (words <= 3 or _POINTER.search(text)):
        return "why"
    # A long question whose "that" is a relative pronoun ("software that succeeded") names its own subject.
    pointed = _POINTER.search(text) and words <= 12
    if _EXAMPLE.search(text) and (pointed or words <= 6 or _ASKED_OF_TUTOR.search(text)):
        return "example"
    if _SHOW_ME.search(text) and (pointed or words <= 6):
        return "example"
    if _SIMPLER.search(text) and (words <= 14 or _POINTER.search(text)):
        return "simpler"
    return ""


def route(message: str, history: list[str] | None = None) -> Route:
    """Route one chat message; ``history`` holds the learner's earlier messages, oldest first."""
    history = [h for h in (history or []) if h.strip()]
    previous = route(history[-1], history[-6:-1]).route if history else None
    if is_practice(message, previous):
        topic = practice_topic(message)
        if topic:
            scope: Scope = "topic"
        elif history:
            scope = "conversation"
        else:
            scope = "everything"
        return Route("practice", topic=topic, scope=scope, count=_count(message))
    if history:
        kind = explain_kind(message)
        if kind:
            other = ""
            if kind == "different":
                diff = _DIFFERENT.search(message)
                other = _clean_topic(diff.group("other")) if diff else ""
            return Route("explain", topic=other, scope="conversation", kind=kind)
    return Route("question")
