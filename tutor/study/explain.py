"""Explain it again: "more simply", "an example", "why?", "how is that different from Z?" after an answer.

The earlier question is asked again through the answer pipeline (so the same passages come back), and for
"different from Z" Z is asked too; the new answer is then made of sentences of those passages, each cited,
chosen for what was asked: the key sentence alone (simpler), sentences that give an example or a reason, or
what the notes say about each side. Nothing is written that a passage does not say, and when the passages
hold no example (or no reason) the answer says so instead of inventing one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ingest.text import content_tokens, split_sentences
from tutor.errors import TutorError
from tutor.schema import Answer, Citation, Passage, citation_from_passage
from tutor.study.practice import last_topic
from tutor.study.route import Route

Ask = Callable[[str, list[str]], Answer]
MAX_SENTENCES = 3
_EXAMPLE = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|example|examples|consider|suppose|imagine|"
    r"like this|as follows|the following)\b|```|^\s*\$ |^\s*> ",
    re.I | re.M,
)
_REASON = re.compile(
    r"\b(because|since|so that|in order to|therefore|this means|which means|the reason|reasons?|"
    r"to avoid|to prevent|to ensure|to make sure|otherwise|as a result|thus|hence|helps?|allows?|lets)\b",
    re.I,
)


def _sentences(p: Passage) -> list[str]:
    return [p.text[s:e].strip() for s, e in split_sentences(p.text) if p.text[s:e].strip()]


def _cited_first(answer: Answer) -> list[Passage]:
    cited = {c.n for c in answer.citations}
    return sorted(answer.passages, key=lambda p: (p.rank not in cited, p.rank))


def _support(answer: Answer, passage: Passage) -> str:
    for c in answer.citations:
        if c.n == passage.rank and c.support.strip():
            return c.support.strip()
    sentences = _sentences(passage)
    return sentences[0] if sentences else passage.text.strip()


def _relevance(sentence: str, words: set[str]) -> int:
    return len(set(content_tokens(sentence)) & words)


class _Builder:
    """Collects (passage, sentence) pairs and numbers the passages as they are first cited."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.passages: list[Passage] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, passage: Passage, sentence: str, lead: str = "") -> None:
        key = (passage.doc_id, passage.start, passage.end)
        n = self._numbers.get(key)
        if n is None:
            n = len(self._numbers) + 1
            self._numbers[key] = n
            renumbered = passage.model_copy(update={"rank": n})
            self.passages.append(renumbered)
            self.citations.append(citation_from_passage(renumbered, n, sentence))
        self.parts.append(f"{lead}{sentence} [{n}]")

    def say(self, text: str) -> None:
        self.parts.append(text)

    def answer(self, question: str, query: str, backend: str) -> Answer:
        return Answer(
            question=question,
            rewritten_query=query,
            answer=" ".join(self.parts).strip(),
            answerable=bool(self.citations),
            backend=backend,
            citations=self.citations,
            passages=self.passages,
            timings_ms={},
        )


def _matching(answer: Answer, pattern: re.Pattern[str], words: set[str]) -> list[tuple[Passage, str]]:
    found = [
        (p, s, _relevance(s, words))
        for p in _cited_first(answer)
        for s in _sentences(p)
        if pattern.search(s) and (_relevance(s, words) or p.rank in {c.n for c in answer.citations})
    ]
    found.sort(key=lambda t: -t[2])
    return [(p, s) for p, s, _ in found[:MAX_SENTENCES]]


def explain_again(message: str, decision: Route, history: Sequence[str], ask: Ask) -> Answer:
    """A new cited answer for an explain-again follow-up; ``ask(question, history)`` runs the answer pipeline."""
    earlier = last_topic(history)
    if not earlier:
        raise TutorError("There is no earlier answer to explain again; ask a question first.")
    before = ask(earlier, [h for h in history if h != earlier][-5:])
    words = set(content_tokens(earlier))
    out = _Builder()
    passages = _cited_first(before)
    if not before.answerable or not passages:
        out.say(f"Your notes do not answer “{earlier}”, so there is nothing to explain again.")
        return out.answer(message, earlier, before.backend)
    top = passages[0]
    if decision.kind == "example":
        examples = _matching(before, _EXAMPLE, words)
        if examples:
            out.say("From your notes:")
            for p, s in examples:
                out.cite(p, s)
        else:
            out.say("Your notes give no example of this. What they say is:")
            out.cite(top, _support(before, top))
    elif decision.kind == "why":
        reasons = _matching(before, _REASON, words)
        if reasons:
            for p, s in reasons:
                out.cite(p, s)
        else:
            out.say("Your notes do not say why. What they say is:")
            out.cite(top, _support(before, top))
    elif decision.kind == "different" and decision.topic:
        other = ask(f"What is {decision.topic}?", [])
        out.cite(top, _support(before, top), lead="On your earlier question: ")
        others = _cited_first(other)
        if other.answerable and others:
            out.cite(others[0], _support(other, others[0]), lead=f"On {decision.topic}: ")
        else:
            out.say(f"Your notes say nothing about {decision.topic} to compare it with.")
    else:
        # Simpler: the one sentence that best backs the answer, on its own, then the next one if it is short.
        out.say("In short:")
        out.cite(top, _support(before, top))
        if len(passages) > 1 and before.citations and len(before.citations) > 1:
            second = passages[1]
            sentence = _support(before, second)
            if len(sentence.split()) <= 30 and sentence != _support(before, top):
                out.cite(second, sentence)
    return out.answer(message, earlier, before.backend)
