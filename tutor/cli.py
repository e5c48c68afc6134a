"""The ``tutor`` command. Errors a user can cause are printed as one line, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tutor.config import BACKENDS
from tutor.errors import TutorError


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tutor.ingest_service import ingest

    paths = [Path(p) for p in args.paths] or None
    if args.json or not sys.stderr.isatty():
        report = ingest(paths, rebuild=args.rebuild)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("[bold]Indexing[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), transient=True,
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=name)

            report = ingest(paths, rebuild=args.rebuild, progress=progress)
    if args.json:
        _print_json(report.to_json())
    else:
        for message in report.messages:
            print(message)
        print(
            f"Indexed in {report.seconds:.1f}s: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged; {report.chunks} chunks in the index."
        )
        for error in report.errors:
            print(f"  skipped {error.file}: {error.reason}", file=sys.stderr)
    return 0 if not report.errors else 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutor", description="Offline study tutor for your documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index files or folders (default: the corpus folder), incrementally")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--rebuild", action="store_true", help="drop the index and re-embed everything")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _backend_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS, default=None, help="LLM backend (default: TUTOR_BACKEND)")


# Other modules add their sub-commands here so this file stays a thin dispatcher.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def main(argv: list[str] | None = None) -> int:
    from tutor import commands  # noqa: F401  (registers the remaining sub-commands)

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TutorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
