"""Compose step: the text the learner reads, from a grounded model answer, the extractive answer, or a refusal."""

from __future__ import annotations

import re

import numpy as np

from tutor.rag.extractive import extractive_answer
from tutor.rag.generate import prompt
from tutor.rag.grounding import SupportScorer, lexical_recall
from tutor.rag.passages import label
from tutor.schema import Citation, Passage

# How many of the notes' own sentences may follow a model-written answer
# (docs/decisions/0009-key-quotes-after-model-answers.md).
KEY_QUOTES = 3
# An answer is a lead sentence and at most two of support; more only for a list or steps
# (docs/decisions/0017-answer-composition.md).
ANSWER_SENTENCES = 3
LIST_SENTENCES = 6
_ASKS_FOR_LIST = re.compile(
    r"\b(list|enumerate|steps?|stages|phases|types|kinds|ways|examples|components|parts|options|"
    r"differences?|compare|advantages|disadvantages|pros|cons)\b",
    re.I,
)


def asks_for_list(question: str) -> bool:
    """The question wants a list, steps, kinds or a comparison: its items rarely repeat the question's words."""
    return _ASKS_FOR_LIST.search(question) is not None


def sentence_limit(question: str) -> int:
    """How many sentences the answer may have: a list or steps question gets room for its items."""
    return LIST_SENTENCES if asks_for_list(question) else ANSWER_SENTENCES


def refusal(passages: list[Passage], unknown: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """The refusal text and up to three nearby topics the learner could ask about instead."""
    topics: list[str] = []
    for p in passages:
        topic = label(p)
        if topic and topic not in topics:
            topics.append(topic)
    topics = topics[:3]
    hint = f" They never mention {', '.join(repr(u) for u in unknown[:3])}." if unknown else ""
    hint += f" The closest topics in your notes are: {'; '.join(topics)}." if topics else ""
    return prompt("refusal").strip().format(suggestions=hint), topics


def with_key_quote(
    query: str,
    qvec: np.ndarray,
    passages: list[Passage],
    scorer: SupportScorer,
    text: str,
    citations: list[Citation],
    room: int = KEY_QUOTES,
) -> tuple[str, list[Citation]]:
    """Add up to ``room`` of the notes' own best sentences the model's verified answer leaves out.

    Small local models often answer in a vague sentence; the learner is better served by the exact
    line from their notes next to it than by a fluent paraphrase that drops the key term.
    """
    quote, quote_citations = extractive_answer(query, qvec, passages, scorer, limit=KEY_QUOTES)
    kept = [
        part.strip()
        for part in re.split(r"(?<=\])\s+", quote)
        if part.strip() and lexical_recall(re.sub(r"\s*\[\d+\]", "", part), text) < 0.6
    ][: max(0, room)]
    if not kept:
        return text, citations
    used = {int(n) for part in kept for n in re.findall(r"\[(\d+)\]", part)}
    merged = {c.n: c for c in citations}
    for c in quote_citations:
        if c.n in used:
            merged.setdefault(c.n, c)
    return " ".join([text, *kept]), [merged[n] for n in sorted(merged)]
