"""The hint ladder for a practice item: where to look, the key sentence as a cloze, then the answer.

Every step comes from the item's own citation, so a hint can never say more (or other) than the passage
the answer key was checked against. A correct answer after hints is a weaker recall in the review
schedule (``progress.quality_of``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.quiz.models import QuizItem

MAX_HINTS = 3
BLANK = "_____"


@dataclass(frozen=True)
class Hint:
    step: int  # 1: the section, 2: the key sentence with the answer blanked, 3: the answer with its citation
    label: str
    text: str


def section_of(item: QuizItem) -> str:
    c = item.citation
    parts = [c.title or c.doc_id, *(p.strip() for p in c.heading.split(" > ") if p.strip())]
    return " › ".join(dict.fromkeys(p for p in parts if p))


def _blanked_names(item: QuizItem) -> list[str]:
    # True/false keys are "True"/"False": what the learner must recall is the subject the sentence is about.
    names = [item.subject] if item.type == "true_false" else [item.answer, *item.accept, item.subject]
    return sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)


def cloze(item: QuizItem) -> str:
    """The supporting sentence with the answer (or, for true/false, the subject) replaced by a blank."""
    sentence = item.citation.support.strip()
    for name in _blanked_names(item):
        pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.I)
        if pattern.search(sentence):
            return pattern.sub(BLANK, sentence)
    # The key is always in its support sentence (the gate checks it); a differently spelled alias falls back here.
    words = [w for w in _blanked_names(item) for w in w.split() if len(w) > 3]
    for w in words:
        pattern = re.compile(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", re.I)
        if pattern.search(sentence):
            return pattern.sub(BLANK, sentence)
    return sentence


def hint(item: QuizItem, step: int) -> Hint:
    """Hint ``step`` (1-3) of ``item``'s ladder."""
    if step == 1:
        return Hint(1, "Where to look", f"The answer is in {section_of(item)}.")
    if step == 2:
        return Hint(2, "The key sentence", f"“{cloze(item)}”")
    if step == 3:
        return Hint(
            3,
            "The answer",
            f"{item.answer} — the material says: “{item.citation.support}” ({section_of(item)})",
        )
    raise ValueError(f"hint step {step} is not 1-{MAX_HINTS}")


def ladder(item: QuizItem, used: int) -> list[Hint]:
    """The hints shown so far (the first ``used`` steps)."""
    return [hint(item, s) for s in range(1, min(max(used, 0), MAX_HINTS) + 1)]
