"""Compose step: the text the learner reads, from a grounded model answer, the extractive answer, or a refusal."""

from __future__ import annotations

import re

import numpy as np

from ingest.words import STOPWORDS, wordset
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
# A question asks for several items by its own request ("List the ...", "Name three ...", "Can you compare ..."),
# by a plural wh-phrase ("What are the phases ...", "Which developer tools are ...", "What kinds of ...") or by a
# comparison; not when "list" or "compare" is the learner's own task ("How can I list the objects ...?").
_CLAUSE = r"(?:^|[,;:.?!]\s+|\band\s+)"
_REQUEST = re.compile(
    rf"{_CLAUSE}(?:(?:please|(?:can|could|would|will)\s+you(?:\s+please)?)\s+)?(?:list|enumerate|name|compare)\b",
    re.I,
)
_COMPARISON = re.compile(r"\bdifferences?\b|(?<!\bI )(?<!\bwe )(?<!\byou )\bcompare\b", re.I)
_WH_PHRASE = re.compile(
    rf"{_CLAUSE}(what|which)\s+(?:(are|were)\s+the\s+)?((?:[\w'-]+\s+){{0,4}}?)((?-i:[a-z]{{2,}}s))\b(\s+\w+)?",
    re.I,
)
# After a plural head, what shows it is a noun: "What types of ...", "Which tools are ...", "what other options do I ..."
_AFTER_PLURAL = wordset("of are were do did have had can could should would will might must that which does")
_MODIFIERS = wordset("the other main different two three four five six several")


def _plural_wh_phrase(question: str) -> bool:
    for m in _WH_PHRASE.finditer(question):
        between, head, after = m.group(3).split(), m.group(4), (m.group(5) or "").strip().lower()
        if head in STOPWORDS or head.endswith(("ss", "us", "is")):
            continue
        if any(w.lower() in STOPWORDS and w.lower() not in _MODIFIERS for w in between):
            continue
        # "What are the ..." says plural itself; otherwise "what happens if" is a verb, "what types of" a noun.
        if m.group(2) or after in _AFTER_PLURAL:
            return True
    return False


def asks_for_list(question: str) -> bool:
    """The question wants several items, steps, kinds or a comparison: its items rarely repeat its words."""
    return bool(_REQUEST.search(question) or _COMPARISON.search(question) or _plural_wh_phrase(question))


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
