"""Helpers every sub-command shares."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tutor.config import BACKENDS


def print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def add_backend_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS, default=None, help="LLM backend (default: TUTOR_BACKEND)")
