"""A learner's practice: new checked items they have not seen, reviews that are due, graded and recorded."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.models import ChunkRef
from tutor.config import Settings
from tutor.errors import TutorError
from tutor.quiz.cloze import item_types, passage_blanks, passage_facts
from tutor.quiz.gate import validate
from tutor.quiz.grade import grade
from tutor.quiz.models import ITEM_TYPES, Fact, GradeResult, QuizItem, Served
from tutor.quiz.service import (
    NextKey,
    QuizContext,
    check_args,
    iter_quiz,
    key_counts,
    quiz_context,
    served_as,
)
from tutor.store import get_embedder
from tutor.study.progress import Attempt, Progress
from tutor.study.route import Route, route

MAX_CHAT_ITEMS = 10


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
    item: QuizItem,
    response: str,
    learner: str = "default",
    settings: Settings | None = None,
    hints_used: int = 0,
) -> tuple[GradeResult, Attempt]:
    """Grade ``response`` (TutorError when it picks no option) and record the attempt and its review schedule.

    ``hints_used`` (0-3) makes a correct answer a weaker recall, so the item comes back sooner.
    """
    result = grade(item, response, bank=quiz_context(settings).bank, embed=get_embedder().embed)
    attempt = Progress(settings=settings).record_attempt(learner, item, response, result, hints_used)
    return result, attempt


def items_from_passages(
    passages: Sequence[ChunkRef],
    n: int = 1,
    types: Sequence[str] = ITEM_TYPES,
    learner: str = "default",
    remember: bool = True,
    settings: Settings | None = None,
    repeat_ok: bool = False,
    question: str = "",
) -> list[QuizItem]:
    """Up to ``n`` checked items whose citation is one of ``passages`` (an answer's citations), in their order.

    The same generator and validity gate as every other quiz: facts mined from the passages first, then
    questions made from their own sentences (a citation's support sentence first, terms ``question`` asked
    about first). ``repeat_ok``: when every item the passages make was served already, serve them again
    (checking yourself twice is fine). TutorError when the passages hold nothing a question can be made from.
    """
    kinds = check_args(n, types)
    ctx = quiz_context(settings)
    progress = Progress(settings=settings)
    served = list(progress.served(learner))
    items = passage_items(ctx, passages, n, kinds, served, question)
    if not items and repeat_ok and served:
        items = passage_items(ctx, passages, n, kinds, [], question)
    if not items:
        raise TutorError(
            "The passages this answer cites name no term of your material a question can be checked against "
            "(or you have seen them all); ask to be quizzed on the topic instead."
        )
    if remember:
        progress.mark_served(learner, items)
    return items


def check_yourself(
    cited: Sequence[ChunkRef],
    learner: str = "default",
    settings: Settings | None = None,
    question: str = "",
) -> QuizItem:
    """One item for "check yourself" under the answer to ``question``, from the passages it cited (an item seen
    before rather than none); TutorError, saying so, when none of them holds a sentence a question can be
    checked against (never an item from a passage the answer did not show)."""
    if cited:
        try:
            return items_from_passages(
                cited, n=1, learner=learner, settings=settings, repeat_ok=True, question=question
            )[0]
        except TutorError:
            pass
    raise TutorError(
        "No question could be made from the passages this answer cites: none of their sentences says something "
        "a question can be checked against. Ask to be quizzed on the topic instead (e.g. 'quiz me on ...')."
    )


def passage_items(
    ctx: QuizContext,
    passages: Sequence[ChunkRef],
    n: int,
    kinds: Sequence[str],
    served: Sequence[Served],
    question: str = "",
) -> list[QuizItem]:
    """Up to ``n`` gated items from facts in ``passages`` (first passages first), new against ``served``;
    when the mined facts there make too few, from the passages' own sentences (``tutor.quiz.cloze``)."""
    seen = list(served)
    items = _gated(ctx, _facts_in(ctx.bank.facts, passages), n, kinds, seen)
    if len(items) < n:
        taken = {i.subject for i in items}
        more = [f for f in passage_facts(ctx.bank, passages, question) if f.term.name not in taken]
        items += _gated(ctx, more, n - len(items), kinds, seen, cloze=True)
    if len(items) < n:  # no "which" question reads well: a blank in one of their sentences, typed
        taken = {i.subject for i in items}
        blanks = [f for f in passage_blanks(ctx.bank, passages, question) if f.term.name not in taken]
        items += _gated(ctx, blanks, n - len(items), kinds, seen, cloze=True)
    return items


def _gated(
    ctx: QuizContext,
    facts: Sequence[Fact],
    n: int,
    kinds: Sequence[str],
    seen: list[Served],
    cloze: bool = False,
) -> list[QuizItem]:
    """Up to ``n`` items from ``facts`` in order, one a term, each passing the gate; ``seen`` grows with them.
    ``cloze``: the facts were made from a passage's sentences, and some make only some types well."""
    rng = random.Random(len(seen))  # deterministic per learner history, varied across calls
    items: list[QuizItem] = []
    subjects: set[str] = set()
    for fact in facts:
        if len(items) >= n:
            break
        if fact.term.key in subjects:
            continue
        # Rotate the preferred type so a run of check-yourself items is not all one kind (a sentence fact's
        # types come best first).
        types = item_types(ctx.bank, fact, kinds) if cloze else tuple(kinds)
        if not types:
            continue
        start = 0 if cloze else (len(seen) + len(items)) % len(types)
        # A true/false item has the key the learner's true/false items are short of (the other only while even):
        # a fact that can only be stated true gives way to its other types, or to the next fact.
        keys = NextKey.after(key_counts(seen), idle_round=False).keys()
        variants = [
            (k, t)
            for k in (*types[start:], *types[:start])
            for t in (keys if k == "true_false" else keys[:1])
        ]
        for kind, key in variants:
            item = ctx.generator.make(fact, kind, rng, truth=key)
            if item is not None and validate(item, ctx.bank, seen).ok:
                items.append(item)
                subjects.add(fact.term.key)
                seen.append(served_as(item))
                break
    return items


def _facts_in(facts: Sequence[Fact], passages: Sequence[ChunkRef]) -> list[Fact]:
    """Facts whose sentence lies in one of ``passages`` (first passages first), cited as that passage.

    Chunks overlap, and a fact is mined from one of the chunks holding its sentence: a fact from the
    neighbouring chunk is re-pointed to the passage the answer cited."""
    out: list[Fact] = []
    taken: set[str] = set()
    for p in passages:
        for f in facts:
            if f.doc_id != p.doc_id or f.key in taken:
                continue
            if (f.start, f.end) != (p.start, p.end):
                if not (f.start < p.end and p.start < f.end):
                    continue
                at = re.search(r"\s+".join(map(re.escape, f.sentence.split())), p.text)
                if at is None:
                    continue
                f = replace(
                    f,
                    passage=p.text,
                    start=p.start,
                    end=p.end,
                    heading=p.heading_at(p.start + at.start()),
                    chunk_id=str(getattr(p, "chunk_id", "") or getattr(p, "id", "") or f.chunk_id),
                )
            taken.add(f.key)
            out.append(f)
    return out


def practice_items(
    decision: Route,
    history: Sequence[str] = (),
    cited: Sequence[ChunkRef] = (),
    learner: str = "default",
    backend: str | None = None,
    settings: Settings | None = None,
) -> list[QuizItem]:
    """Items for a chat practice request: its topic; else what the conversation last discussed (the passages
    the last answer cited, else its question); else anything in the material."""
    n = min(max(decision.count, 1), MAX_CHAT_ITEMS)
    if decision.topic:
        return generate_quiz(topic=decision.topic, n=n, backend=backend, learner=learner, settings=settings)
    if decision.scope == "conversation":
        if cited:
            try:
                return items_from_passages(
                    cited, n=n, learner=learner, settings=settings, question=last_topic(history)
                )
            except TutorError:
                pass  # nothing checkable in those passages: fall back to the question's topic
        last = last_topic(history)
        if last:
            return generate_quiz(topic=last, n=n, backend=backend, learner=learner, settings=settings)
    return generate_quiz(n=n, backend=backend, learner=learner, settings=settings)


def last_topic(history: Sequence[str]) -> str:
    """The learner's latest message that was a question (what "the last topic" means), or ""."""
    turns = list(history)
    for i in range(len(turns) - 1, -1, -1):
        if route(turns[i], turns[max(0, i - 5) : i]).route == "question":
            return turns[i]
    return ""
