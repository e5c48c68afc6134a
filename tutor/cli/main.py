"""The ``tutor`` command: an explicit list of sub-commands; errors a user can cause print as one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from tutor.cli import ask, ingest, models, quiz, ui
from tutor.errors import TutorError

# Each module adds its sub-commands to the parser; the order is the order of `tutor --help`.
COMMANDS: tuple[Callable[[Any], None], ...] = (
    ingest.register,
    ask.register,
    models.register,
    quiz.register,
    ui.register,
)
# Packages built on the tutor (the eval harness in evals/) add commands through this entry-point group,
# declared in pyproject.toml, so the core never imports its clients.
PLUGIN_GROUP = "tutor.commands"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutor", description="Offline study tutor for your documents.")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    for plugin in entry_points(group=PLUGIN_GROUP):
        plugin.load()(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TutorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
