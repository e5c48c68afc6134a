"""A learner's practice: new checked items they have not seen, reviews that are due, graded and recorded."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.config import Settings
from tutor.errors import TutorError
from tutor.quiz.grade import grade
from tutor.quiz.models import ITEM_TYPES, GradeResult, QuizItem
from tutor.quiz.service import check_args, iter_quiz, quiz_context
from tutor.store import get_embedder
from tutor.study.progress import Attempt, Progress


def generate_quiz(
    topic: str | None = None,
    doc_id: str | None = None,
    domain: str | None = None,
    n: int = 5,
    types: Sequence[str] = ITEM_TYPES,
    backend: str | None = None,
    learner: str = "default",
    remember: bool = True,
    seed: int | None = None,
    settings: Settings | None = None,
) -> list[QuizItem]:
    """Up to ``n`` checked items for ``learner``; TutorError when none can be made (with what to do)."""
    check_args(n, types)
    progress = Progress(settings=settings)
    served = progress.served(learner)
    items = list(
        iter_quiz(
            topic=topic,
            doc_id=doc_id,
            domain=domain,
            n=n,
            types=types,
            backend=backend,
            learner=learner,
            served=served,
            served_per_doc=progress.served_per_document(learner),
            seed=seed,
            settings=settings,
        )
    )
    if not items:
        raise TutorError(
            "No new questions left for this selection: you have seen every item it can make. Review what is due "
            "(`tutor review`), pick another topic, document or domain, or use another --learner name."
        )
    if remember:
        progress.mark_served(learner, items)
    return items


def start_quiz(
    topic: str | None = None,
    doc_id: str | None = None,
    domain: str | None = None,
    n: int = 5,
    types: Sequence[str] = ITEM_TYPES,
    backend: str | None = None,
    learner: str = "default",
    review_first: bool = True,
    settings: Settings | None = None,
) -> tuple[list[QuizItem], int]:
    """(items, how many of them are reviews): due items first (up to ``n``), then new checked items."""
    check_args(n, types)
    due = [d.item for d in Progress(settings=settings).due(learner, limit=n)] if review_first else []
    items = list(due)
    if len(items) < n:
        try:
            items += generate_quiz(
                topic, doc_id, domain, n - len(items), types, backend, learner, settings=settings
            )
        except TutorError:
            if not items:
                raise
    return items, len(due)


def answer_item(
    item: QuizItem, response: str, learner: str = "default", settings: Settings | None = None
) -> tuple[GradeResult, Attempt]:
    """Grade ``response`` (TutorError when it picks no option) and record the attempt and its review schedule."""
    result = grade(item, response, bank=quiz_context(settings).bank, embed=get_embedder().embed)
    attempt = Progress(settings=settings).record_attempt(learner, item, response, result)
    return result, attempt
