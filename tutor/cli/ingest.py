"""`tutor ingest [PATH ...] [--rebuild]`: index files or folders, incrementally."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tutor.cli.common import print_json
from tutor.documents import ingest


def cmd_ingest(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or None
    if args.json or not sys.stderr.isatty():
        report = ingest(paths, rebuild=args.rebuild)
    else:
        with Progress(
            TextColumn("[bold]Indexing[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=name)

            report = ingest(paths, rebuild=args.rebuild, progress=progress)
    if args.json:
        print_json(report.to_json())
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


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="index files or folders (default: the corpus folder), incrementally")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--rebuild", action="store_true", help="drop the index and re-embed everything")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)
