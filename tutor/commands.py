"""Sub-commands beyond ingest, registered into the CLI parser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor import ui_command as _ui_command  # noqa: F401
from tutor.cli import _EXTRA_COMMANDS, _backend_arg, _print_json
from tutor.quiz import cli as _quiz_cli  # noqa: F401


def cmd_models(args: argparse.Namespace) -> int:
    from tutor.config import get_settings
    from tutor.model_files import MODELS, ensure_model, verify_model

    s = get_settings()
    keys = [args.only] if args.only else list(MODELS)
    for key in keys:
        path = ensure_model(key, s.models_dir)
        if args.verify:
            verify_model(key, s.models_dir)
        print(f"{key}: {path} (sha256 verified)")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from tutor.answer import Final, Token, get_tutor

    tutor = get_tutor()
    if args.json:
        answer = tutor.ask(args.question, args.history, args.backend, args.k, args.doc)
        _print_json(answer.model_dump(mode="json"))
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


def _print_answer(answer, show_text: bool = True) -> None:  # type: ignore[no-untyped-def]
    if answer.rewritten_query != answer.question:
        print(f"(searched for: {answer.rewritten_query})")
    if show_text:
        print(answer.answer)
    for c in answer.citations:
        where = f"{c.title} > {c.heading}" if c.heading else c.title
        print(f"  [{c.n}] {where}\n      \"{c.support}\"")
    if answer.unsupported:
        print(f"  (dropped {len(answer.unsupported)} sentence(s) no passage supports)")


def cmd_chat(args: argparse.Namespace) -> int:
    from tutor.answer import Final, Token, get_tutor
    from tutor.errors import TutorError

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


def cmd_eval(args: argparse.Namespace) -> int:
    from tutor.eval_command import run_eval_command

    return run_eval_command(args)


def _register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("models", help="assemble and hash-check the local model files")
    p.add_argument("--only", choices=["local", "local-large"], default=None)
    p.add_argument("--verify", action="store_true", help="re-hash the assembled files")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("ask", help="one cited answer")
    p.add_argument("question")
    p.add_argument("--history", nargs="*", default=[], metavar="TURN", help="earlier user turns, oldest first")
    _backend_arg(p)
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--doc", default=None, help="only search this document id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="terminal conversation")
    _backend_arg(p)
    p.add_argument("--k", type=int, default=None)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("eval", help="run the regression eval set")
    p.add_argument("--dataset", type=Path, default=None)
    _backend_arg(p)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--subset", default=None, help="'all' or 'every:N' (every Nth case); default per backend")
    p.add_argument("--gate", action="store_true", help="exit non-zero when a metric regresses")
    p.add_argument("--write-baseline", action="store_true", help="record these metrics in evals/baseline.json")
    p.add_argument("--no-quickstart", action="store_true", help="skip the LangChain quickstart comparison")
    p.add_argument("--quiz-sample", type=int, default=10, help="quiz items generated for the validity metric (0: skip)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)


_EXTRA_COMMANDS.append(_register)
