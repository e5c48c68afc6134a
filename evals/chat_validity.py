"""Are the items the chat serves valid? The independent checker (evals/quiz_validity.py) on every corpus.

Two kinds of chat items: practice requests ("quiz me on <topic>", here each of the corpus's topics) and
check-yourself items (from the passages an answer to each of the first gate questions cites). Nothing is
recorded in anyone's progress. Run: ``python -m evals.chat_validity [corpus ...]``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from evals.corpora import load_corpora, prepare
from evals.harness import load_dataset
from evals.quiz_validity import summarise
from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.quiz.models import ITEM_TYPES, QuizItem, Served
from tutor.quiz.service import iter_quiz, quiz_context, served_as
from tutor.rag.pipeline import Tutor
from tutor.store import get_store
from tutor.study.practice import passage_items

TOPICS = 6
QUESTIONS = 12
PER_TOPIC = 3
COVERAGE: Counter[str] = Counter()  # where each check-yourself item came from (per run)


def chat_items(settings: Settings, dataset: Path) -> tuple[list[QuizItem], list[QuizItem]]:
    """(practice-request items, check-yourself items) for the corpus indexed under ``settings``."""
    ctx = quiz_context(settings)
    served: list[Served] = []
    practice: list[QuizItem] = []
    for topic in ctx.topics.names[:TOPICS]:
        try:
            got = list(
                iter_quiz(topic=topic, n=PER_TOPIC, backend="extractive", served=served, settings=settings)
            )
        except TutorError:
            continue
        practice += got
        served += [served_as(i) for i in got]
    return practice, check_items(settings, dataset, served)


def check_items(settings: Settings, dataset: Path, served: list[Served]) -> list[QuizItem]:
    """One check-yourself item per answered gate question, from the passages its answer cites."""
    ctx = quiz_context(settings)
    tutor = Tutor(settings)
    items: list[QuizItem] = []
    cases = [c for c in load_dataset(dataset) if c.answerable][:QUESTIONS]
    for case in cases:
        answer = tutor.ask(case.question, case.history, "extractive")
        # As the chat does: from the cited passages only; when they make none, the chat says so (no item).
        got = passage_items(ctx, answer.citations, 1, ITEM_TYPES, served, case.question)
        COVERAGE["cited" if got else "none"] += 1
        items += got
        served += [served_as(i) for i in got]
    return items


def main(names: list[str]) -> int:
    base = get_settings()
    report: dict[str, Any] = {}
    for name, corpus in load_corpora().items():
        if names and name not in names:
            continue
        settings = prepare(corpus, base)  # a fresh machine's first run indexes the corpus (incremental after)
        COVERAGE.clear()
        practice, check = chat_items(settings, corpus.dataset("gate"))
        chunks = {(c.doc_id, c.start): c.text for c in get_store(settings).all_chunks()}
        doc_ids = quiz_context(settings).doc_ids
        both = summarise(practice + check, chunks, doc_ids, [], "extractive")
        report[name] = {
            "practice_items": len(practice),
            "check_items": len(check),
            "valid": both["valid"],
            "validity": both["validity"],
            "practice_validity": summarise(practice, chunks, doc_ids, [], "extractive")["validity"],
            "check_validity": summarise(check, chunks, doc_ids, [], "extractive")["validity"],
            "check_source": dict(COVERAGE),
            # Share of the answers whose check-yourself item cites one of the passages the answer cited.
            "check_yourself_cited": round(COVERAGE["cited"] / max(sum(COVERAGE.values()), 1), 4),
            "failures": both["failures"],
        }
        print(name, {k: v for k, v in report[name].items() if k != "failures"}, flush=True)
    print(json.dumps(report, indent=1))
    return 0 if all(r["validity"] >= 0.95 for r in report.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
