"""`tutor models`: assemble and hash-check the local model files."""

from __future__ import annotations

import argparse
from typing import Any

from tutor.config import get_settings
from tutor.llm.model_files import MODELS, ensure_model, verify_model


def cmd_models(args: argparse.Namespace) -> int:
    s = get_settings()
    keys = [args.only] if args.only else list(MODELS)
    for key in keys:
        path = ensure_model(key, s.models_dir)
        if args.verify:
            verify_model(key, s.models_dir)
        print(f"{key}: {path} (sha256 verified)")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="assemble and hash-check the local model files")
    p.add_argument("--only", choices=["local", "local-large"], default=None)
    p.add_argument("--verify", action="store_true", help="re-hash the assembled files")
    p.set_defaults(func=cmd_models)
