"""Follow-up questions -> standalone queries, without a model call.

A question that points back ("does it need servers?", "and which one is cheaper?") gets the subject of
the conversation substituted for its pronoun, or the earlier question's key terms appended; a question
that stands on its own is left untouched. Deterministic and instant, so it never costs answer latency.
"""

from __future__ import annotations

import re

from tutor.text import STOPWORDS

# "that"/"this" count only at the end ("which variant fits that?"); elsewhere they are usually relative words.
_PRONOUN = re.compile(r"\b(it|its|it's|they|them|their|theirs|one|ones|those|these)\b|\b(that|this)(?=\s*[?.!]*\s*$)", re.I)
# "could I do that serverless instead?": refers back to the previous question's action, not to a noun.
_ACTION_REFERENCE = re.compile(r"\b(do|does|did|doing|try|use)\s+(that|this)\b|\binstead\s*[?.!]*\s*$", re.I)
_CONNECTIVE = re.compile(r"^\s*(and|so|also|then|okay|ok|what about|how about|but|or)\b[,\s]*", re.I)
_LEAD = re.compile(
    r"^\s*(what|which|who|how|why|when|where|is|are|does|do|can|could|should|would|tell me about|explain|describe)"
    r"(\s+(is|are|does|do|was|were|can|should|the|a|an|of|kinds?|types?))*\s+",
    re.I,
)
_ENTITY = re.compile(
    r"\b(?:[A-Z][\w\-/.()]*[A-Za-z0-9)]|[A-Z]{2,}\w*)(?:\s+(?:for|of|on|and|&)?\s*(?:[A-Z][\w\-/.()]*[A-Za-z0-9)]|[A-Z]{2,}\w*))*"
)
_GENERIC = {"ml", "aws", "ai", "amazon", "i", "what", "which", "how", "is", "the", "okay", "so", "and"}
_WORD = re.compile(r"[A-Za-z0-9][\w\-/.]*")


def _content_phrase(question: str) -> str:
    body = _LEAD.sub("", question.strip().rstrip("?.! "))
    words = [w for w in _WORD.findall(body) if w.lower() not in STOPWORDS]
    return " ".join(words)


def subject_of(question: str) -> str:
    """The thing a question is about: its most specific named entity, else its content words."""
    body = _CONNECTIVE.sub("", question.strip())
    candidates = []
    for m in _ENTITY.finditer(body):
        span = m.group(0).strip()
        first = span.split()[0].lower()
        if first in ("what", "which", "how", "who", "why", "when", "where", "is", "are", "does", "do", "can", "should", "i", "besides", "apart", "except", "other", "than"):
            span = " ".join(span.split()[1:])
        if span and span.lower() not in _GENERIC:
            candidates.append(span)
    if candidates:
        return max(candidates, key=len)
    return _content_phrase(body)


def is_follow_up(question: str) -> bool:
    if _CONNECTIVE.match(question) or _PRONOUN.search(question) or _ACTION_REFERENCE.search(question):
        return True
    return len(_content_phrase(question).split()) < 2


def rewrite(question: str, history: list[str] | tuple[str, ...]) -> str:
    """A standalone version of ``question`` given earlier user turns (oldest first)."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    # Earlier turns may themselves be follow-ups: resolve them in order first.
    resolved: list[str] = []
    for turn in history:
        resolved.append(rewrite(turn, resolved) if resolved else turn.strip())
    previous = resolved[-1]
    subject = subject_of(previous)
    if not subject:
        return question
    body = _CONNECTIVE.sub("", question)
    body = body[:1].upper() + body[1:] if body else body

    def substitute(m: re.Match[str]) -> str:
        word = m.group(0).lower()
        return f"{subject}'s" if word in ("its", "their", "theirs") else subject

    context = _content_phrase(previous)
    if _PRONOUN.search(body):
        standalone = _PRONOUN.sub(substitute, body, count=1)
        if len(subject.split()) > 1 or subject.lower() == context.lower():
            return standalone
        # A one-word subject ("SageMaker") is often too broad: keep the earlier question's terms too.
        return f"{standalone.rstrip('?')} ({context})?" if standalone.endswith("?") else f"{standalone} ({context})"
    return f"{body.rstrip('?')} ({context})?" if body.endswith("?") else f"{body} ({context})"
