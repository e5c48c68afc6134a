"""Grade one answer and explain the grade with the cited passage.

Multiple choice and true/false are graded by rule. Short answers are right when they match the key or one
of its spellings after normalisation ("data store" = "Acme Data Store" when "Acme" is a name prefix of the
course), when they are a near-miss spelling of it, or when their meaning is close to the key (embedding
similarity); an answer that names a *different* term from the material is wrong whatever its similarity
(``apt-get`` is not ``apt-cache``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher

import numpy as np

from ingest.text import normalise
from tutor.errors import TutorError
from tutor.quiz.facts import FactBank
from tutor.quiz.generate_rules import why_wrong
from tutor.quiz.models import GradeResult, QuizItem
from tutor.quiz.naming import PLAIN, Naming

Embed = Callable[[list[str]], np.ndarray]
SIMILARITY = 0.8  # cosine (MiniLM) above which a free-text short answer counts as the key
SPELLING = 0.85  # character similarity above which a short answer is a misspelling of the key
LETTERS = "ABCD"
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def source_of(item: QuizItem) -> str:
    c = item.citation
    return " › ".join(p for p in (c.title or c.doc_id, c.heading) if p)


def parse_choice(item: QuizItem, response: str, naming: Naming = PLAIN) -> str | None:
    """The option a response picks (letter, number or text), or None when it picks none."""
    r = response.strip()
    if item.type == "true_false":
        low = r.lower().rstrip(".")
        return "True" if low in _TRUE else "False" if low in _FALSE else None
    m = re.fullmatch(r"\(?([A-Da-d1-4])[).]?", r)
    if m:
        ch = m.group(1).upper()
        idx = LETTERS.index(ch) if ch in LETTERS else int(ch) - 1
        return item.options[idx] if idx < len(item.options) else None
    for opt in item.options:
        key = naming.canonical(opt)
        if normalise(opt) == normalise(r) or (key and key == naming.canonical(r)):
            return opt
    return None


def _quote(item: QuizItem) -> str:
    return f"The material says: “{item.citation.support}” ({source_of(item)})."


def _result(item: QuizItem, response: str, correct: bool, score: float, feedback: str) -> GradeResult:
    return GradeResult(
        correct=correct,
        score=round(score, 3),
        expected=item.answer,
        response=response,
        feedback=feedback,
        quote=item.citation.support,
        source=source_of(item),
    )


def _grade_choice(item: QuizItem, response: str, naming: Naming) -> GradeResult:
    choice = parse_choice(item, response, naming)
    if choice is None:
        hint = "True or False" if item.type == "true_false" else "a letter A-D or the option's text"
        raise TutorError(f"'{response}' is not one of the options; answer with {hint}.")
    if choice == item.answer:
        return _result(item, choice, True, 1.0, f"Correct: {item.answer}. {_quote(item)}")
    why = item.why_wrong.get(choice, f"The material does not say this about {choice}.")
    lead = (
        f"Not quite: the statement is {item.answer}."
        if item.type == "true_false"
        else f"Not quite: the answer is {item.answer}."
    )
    return _result(item, choice, False, 0.0, f"{lead} {why} {_quote(item)}")


def _names(item: QuizItem) -> list[str]:
    return [item.answer, *item.accept]


def _matches_key(item: QuizItem, response: str, naming: Naming) -> float:
    r = naming.canonical(response)
    if not r:
        return 0.0
    best = 0.0
    for name in _names(item):
        k = naming.canonical(name)
        if not k:
            continue
        if r == k:
            return 1.0
        best = max(best, SequenceMatcher(None, r, k).ratio())
    return best


def _other_term(item: QuizItem, response: str, bank: FactBank | None) -> str | None:
    if bank is None:
        return None
    term = bank.lookup(response)
    if term is None:
        return None
    answer = bank.lookup(item.answer)
    return None if answer is not None and term.key == answer.key else term.name


def _grade_short(item: QuizItem, response: str, bank: FactBank | None, embed: Embed | None) -> GradeResult:
    if not response.strip():
        raise TutorError("The answer is empty; type a few words (or press Ctrl-C to stop).")
    match = _matches_key(item, response, bank.naming if bank else PLAIN)
    if match >= 1.0:
        return _result(item, response, True, 1.0, f"Correct: {item.answer}. {_quote(item)}")
    other = _other_term(item, response, bank)
    if other is not None:
        answer_term = bank.lookup(item.answer) if bank else None
        why = (
            why_wrong(bank, other_term, answer_term)
            if bank and answer_term and (other_term := bank.lookup(other))
            else ""
        )
        return _result(
            item,
            response,
            False,
            0.0,
            f"Not quite: the answer is {item.answer}, not {other}. {why} {_quote(item)}",
        )
    if match >= SPELLING:
        return _result(
            item, response, True, match, f"Correct (check the spelling): {item.answer}. {_quote(item)}"
        )
    score = match
    if embed is not None:
        vecs = embed([response, *_names(item)])
        score = max(score, float(np.max(vecs[1:] @ vecs[0])))
    if score >= SIMILARITY:
        return _result(item, response, True, score, f"Correct: close enough to {item.answer}. {_quote(item)}")
    return _result(item, response, False, score, f"Not quite: the answer is {item.answer}. {_quote(item)}")


def grade(
    item: QuizItem, response: str, bank: FactBank | None = None, embed: Embed | None = None
) -> GradeResult:
    """Grade ``response`` to ``item``; TutorError when the response picks no option at all."""
    if item.type in ("mcq", "true_false"):
        return _grade_choice(item, response, bank.naming if bank else PLAIN)
    return _grade_short(item, response, bank, embed)
