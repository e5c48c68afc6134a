"""``tutor quiz``, ``tutor review`` and ``tutor export``: listed in ``tutor.cli.main.COMMANDS``.

Interactive unless ``--json``: answers are read line by line from stdin (so a terminal or a pipe both
work), graded with cited feedback, and recorded in the progress database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tutor.cli.common import add_backend_arg, print_json
from tutor.errors import TutorError
from tutor.quiz.grade import LETTERS, grade
from tutor.quiz.models import ITEM_TYPES, QuizItem
from tutor.quiz.service import quiz_context
from tutor.store import get_embedder
from tutor.study.export import export_learner
from tutor.study.hints import MAX_HINTS, hint
from tutor.study.practice import generate_quiz
from tutor.study.progress import Progress, to_json

MAX_RETRIES = 3
HINT_WORDS = ("?", "/hint", "hint?")


def _ask(item: QuizItem, number: int, total: int) -> None:
    print(f"\nQ{number}/{total} [{item.type}] {item.question}")
    for letter, option in zip(LETTERS, item.options, strict=False):
        if item.type == "mcq":
            print(f"  {letter}) {option}")
    if item.type == "true_false":
        print("  (answer True or False; ? for a hint)")
    elif item.type == "short":
        print("  (type a short answer; ? for a hint)")
    else:
        print("  (answer with a letter; ? for a hint)")


def _read(prompt: str = "> ") -> str | None:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")


def run_interactive(items: Sequence[QuizItem], learner: str) -> int:
    """Ask, grade, explain and record each item; returns the number answered correctly."""
    progress = Progress()
    bank = quiz_context().bank
    embed = get_embedder().embed
    right = answered = 0
    for n, item in enumerate(items, start=1):
        _ask(item, n, len(items))
        result = None
        hints = tries = 0
        while tries < MAX_RETRIES:
            response = _read()
            if response is None:  # end of input: stop quietly, keep what was recorded
                print()
                return _summary(progress, learner, right, answered)
            if response.strip() in HINT_WORDS:
                if hints < MAX_HINTS:
                    hints += 1
                    h = hint(item, hints)
                    print(f"  hint {h.step}/{MAX_HINTS} ({h.label.lower()}): {h.text}")
                else:
                    print("  (no more hints: the answer was shown)")
                continue
            tries += 1
            try:
                result = grade(item, response, bank=bank, embed=embed)
                break
            except TutorError as exc:
                print(exc)
        if result is None or response is None:  # response is never None here (checked above); for mypy
            print("Skipped.")
            continue
        attempt = progress.record_attempt(learner, item, response, result, hints_used=hints)
        answered += 1
        right += int(result.correct)
        print(("✔ " if result.correct else "✘ ") + result.feedback)
        if result.correct and hints:
            print(f"  (after {hints} hint(s): it comes back for review sooner)")
        if not result.correct:
            print(
                f"  (this item comes back for review in {max(1, round((attempt.next_due - attempt.answered_at) / 3600))} h)"
            )
    return _summary(progress, learner, right, answered)


def _summary(progress: Any, learner: str, right: int, answered: int) -> int:
    if answered:
        print(f"\n{right}/{answered} correct.")
        for m in progress.mastery(learner):
            if m.scope == "domain":
                print(f"  {m.name}: {m.mastery:.0%} of {m.items} item(s)")
    return right


def cmd_quiz(args: argparse.Namespace) -> int:
    items = generate_quiz(
        topic=args.topic,
        doc_id=args.doc,
        domain=args.domain,
        n=args.n,
        types=args.type or ITEM_TYPES,
        backend=args.backend,
        learner=args.learner,
    )
    if args.json:
        print_json({"items": [json.loads(i.model_dump_json()) for i in items]})
        return 0
    if len(items) < args.n:
        print(f"(Only {len(items)} new question(s) could be made for this selection.)")
    run_interactive(items, args.learner)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    progress = Progress()
    due = progress.due(args.learner, limit=args.n)
    if args.json:
        print_json({"due": to_json(due), "mastery": [m.to_json() for m in progress.mastery(args.learner)]})
        return 0
    if not due:
        print("Nothing is due for review. Take a quiz with `tutor quiz`.")
        return 0
    if args.practice:
        run_interactive([d.item for d in due], args.learner)
        return 0
    print(f"{len(due)} item(s) due for review:")
    for d in due:
        print(f"  [{d.item.type}] {d.item.question}  (missed {d.lapses}x)")
    print("Practise them with `tutor review --practice`.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out = (
        Path(args.out)
        if args.out
        else Path(
            f"tutor-{'missed' if args.missed else 'items'}.{'apkg' if args.format == 'anki' else 'csv'}"
        )
    )
    path, count = export_learner(out, learner=args.learner, missed_only=args.missed, fmt=args.format)
    if args.json:
        print_json({"path": str(path), "items": count})
    else:
        print(f"Wrote {count} item(s) to {path}")
    return 0


def _learner_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--learner", default="default", help="whose progress to use (default: default)")


def register(sub: Any) -> None:
    p = sub.add_parser("quiz", help="practice questions with checked answer keys; interactive unless --json")
    p.add_argument(
        "--topic", default=None, help="what to be asked about (default: spread over all documents)"
    )
    p.add_argument("--doc", default=None, help="only this document (id or file name)")
    p.add_argument("--domain", default=None, help="only this topic (or exam domain): a number or a name")
    p.add_argument("--n", type=int, default=5, help="number of questions (default 5)")
    p.add_argument(
        "--type",
        action="extend",
        nargs="+",
        choices=ITEM_TYPES,
        default=None,
        help="question types (default: all)",
    )
    add_backend_arg(p)
    _learner_arg(p)
    p.add_argument("--json", action="store_true", help='print {"items": [...]} instead of asking')
    p.set_defaults(func=cmd_quiz)

    r = sub.add_parser("review", help="list (or --practice) items due for spaced review")
    r.add_argument("--n", type=int, default=None, help="at most this many")
    r.add_argument("--practice", action="store_true", help="ask the due items now")
    _learner_arg(r)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_review)

    e = sub.add_parser("export", help="export quiz items as an Anki deck (.apkg) or CSV")
    e.add_argument("--out", default=None, help="file to write (.apkg or .csv)")
    e.add_argument("--format", choices=("anki", "csv"), default=None, help="default: from --out, else csv")
    e.add_argument("--missed", action="store_true", help="only items answered wrong at least once")
    _learner_arg(e)
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_export)
