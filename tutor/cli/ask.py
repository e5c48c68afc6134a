"""`tutor ask` (one cited answer) and `tutor chat` (a terminal conversation)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tutor.cli.common import add_backend_arg, print_json
from tutor.cli.quiz import run_interactive
from tutor.errors import TutorError
from tutor.rag.pipeline import Final, Token, Tutor, get_tutor
from tutor.schema import Answer
from tutor.study.explain import explain_again
from tutor.study.practice import check_yourself, practice_items
from tutor.study.route import route

HISTORY_TURNS = 6


def cmd_ask(args: argparse.Namespace) -> int:
    tutor = get_tutor()
    if args.json:
        answer = tutor.ask(args.question, args.history, args.backend, args.k, args.doc)
        print_json(answer.model_dump(mode="json"))
        return 0
    final = None
    streamed = False
    for event in tutor.ask_stream(args.question, args.history, args.backend, args.k, args.doc):
        if isinstance(event, Token) and sys.stdout.isatty():
            print(event.text, end="", flush=True)
            streamed = True
        elif isinstance(event, Final):
            final = event.answer
    assert final is not None
    if streamed:  # the streamed text is the whole answer (only checked sentences stream)
        print("\n")
    _print_answer(final, show_text=not streamed)
    return 0


def _print_answer(answer: Answer, show_text: bool = True) -> None:
    if answer.rewritten_query != answer.question:
        print(f"(searched for: {answer.rewritten_query})")
    if show_text:
        print(answer.answer)
    for c in answer.citations:
        where = f"{c.title} > {c.heading}" if c.heading else c.title
        print(f'  [{c.n}] {where}\n      "{c.support}"')
    if answer.unsupported:
        print(f"  (dropped {len(answer.unsupported)} sentence(s) no passage supports)")


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal conversation: questions get cited answers; "quiz me on X" runs practice items with hints;
    "explain that more simply" (or "why?", "an example", "how is that different from Z?") re-explains the
    last answer; /check asks one item from the passages the last answer cited."""
    tutor = get_tutor()
    history: list[str] = []
    last: Answer | None = None
    print(
        "Ask about your study material, or say 'quiz me on …'. /check: a question on the last answer's "
        "passages; /new starts over; empty line or Ctrl-D quits."
    )
    while True:
        try:
            message = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if not message:
            return 0
        if message == "/new":
            history.clear()
            last = None
            print("(new conversation)")
            continue
        try:
            if message == "/check":
                if last is None or not last.citations:
                    print("(ask a question first: /check asks about the passages its answer cites)")
                    continue
                items = [check_yourself(last.citations, learner=args.learner, question=last.question)]
                run_interactive(items, args.learner)
                continue
            decision = route(message, history[-HISTORY_TURNS:])
            if decision.route == "practice":
                cited = list(last.citations) if last is not None else []
                items = practice_items(
                    decision, history, cited=cited, learner=args.learner, backend=args.backend
                )
                run_interactive(items, args.learner)
            elif decision.route == "explain":
                again = explain_again(
                    message,
                    decision,
                    history[-HISTORY_TURNS:],
                    lambda q, h: tutor.ask(q, h, args.backend, args.k),
                )
                print(f"tutor> {again.answer}")
                _print_answer(again, show_text=False)
                last = again if again.citations else last
            else:
                last = _stream_answer(tutor, message, history, args) or last
        except TutorError as exc:
            print(f"\nerror: {exc}")
            continue
        history.append(message)


def _stream_answer(
    tutor: Tutor, question: str, history: list[str], args: argparse.Namespace
) -> Answer | None:
    print("tutor> ", end="", flush=True)
    final = None
    for event in tutor.ask_stream(question, history, args.backend, args.k):
        if isinstance(event, Token):
            print(event.text, end="", flush=True)
        elif isinstance(event, Final):
            final = event.answer
    print()
    if final is not None:
        # What streamed is the whole answer: only checked sentences stream, so nothing needs reprinting.
        _print_answer(final, show_text=False)
        if final.answerable and final.citations:
            print("  (/check: a question on these passages)")
    return final


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="one cited answer")
    p.add_argument("question")
    p.add_argument(
        "--history", nargs="*", default=[], metavar="TURN", help="earlier user turns, oldest first"
    )
    add_backend_arg(p)
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--doc", default=None, help="only search this document id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="terminal conversation (answers, practice with hints, check yourself)")
    add_backend_arg(p)
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--learner", default="default", help="whose progress practice is recorded in")
    p.set_defaults(func=cmd_chat)
