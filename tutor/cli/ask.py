"""`tutor ask` (one cited answer) and `tutor chat` (a terminal conversation)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tutor.cli.common import add_backend_arg, print_json
from tutor.errors import TutorError
from tutor.rag.pipeline import Final, Token, get_tutor
from tutor.schema import Answer


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
    if streamed:
        print("\n")
    _print_answer(final, show_text=True)
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
    tutor = get_tutor()
    history: list[str] = []
    print("Ask about your study material. Empty line or Ctrl-D to quit; /new starts over.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        if question == "/new":
            history.clear()
            print("(new conversation)")
            continue
        print("tutor> ", end="", flush=True)
        try:
            final = None
            for event in tutor.ask_stream(question, history, args.backend, args.k):
                if isinstance(event, Token):
                    print(event.text, end="", flush=True)
                elif isinstance(event, Final):
                    final = event.answer
            print()
            if final is not None:
                if final.answer.strip() and final.citations:
                    print(f"\n{final.answer}")
                _print_answer(final, show_text=False)
        except TutorError as exc:
            print(f"\nerror: {exc}")
            continue
        history.append(question)


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

    p = sub.add_parser("chat", help="terminal conversation")
    add_backend_arg(p)
    p.add_argument("--k", type=int, default=None)
    p.set_defaults(func=cmd_chat)
