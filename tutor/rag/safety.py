"""What the learner and the documents may send to a model: a sane question, no instructions to the model."""

from __future__ import annotations

import re

from tutor.errors import TutorError

MAX_QUESTION_CHARS = 2000

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above|previous)\b|\byou are now\b|\bsystem prompt\b|"
    r"\bnew instructions?\b|\bdo not follow\b|\bact as\b",
    re.I,
)


def is_instruction_like(sentence: str) -> bool:
    """Text in a document that addresses the model rather than the learner; never shown to the LLM or cited."""
    return bool(_INJECTION.search(sentence))


def validate_question(question: str) -> str:
    if question is None or not question.strip():
        raise TutorError(
            "The question is empty. Type what you want to know, e.g. 'What does this term mean?'."
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise TutorError(
            f"The question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}. Ask about one thing at a time."
        )
    return re.sub(r"\s+", " ", question).strip()
