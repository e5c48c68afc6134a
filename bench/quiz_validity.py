"""Quiz validity benchmark: generate N items per backend and check them independently.

    .venv/bin/python bench/quiz_validity.py [--backends extractive local] [--n 50] [--timeout 1800] [--json]

For each backend it prints: items made, share passing the independent check (tutor/quiz/validity.py:
key in / entailed by the cited passage, 4 distinct options with the key among them, no duplicates),
documents covered, how many stems the LLM reworded, and the median seconds per validated item. Each
backend runs in its own child process with a time limit, so a crashing or stuck model cannot hang the
run; everything is offline (the index is built from corpus/ first if it is empty).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _ensure_index() -> None:
    from tutor.config import get_settings
    from tutor.documents import ingest
    from tutor.store import get_store

    if get_store().count() == 0:
        ingest([get_settings().corpus_dir])


def _child(backend: str, n: int, out: Any) -> None:
    try:
        from evals.quiz_validity import quiz_validity_sample

        _ensure_index()
        out.put(quiz_validity_sample(backend, n))
    except Exception as exc:  # report, do not hang the parent
        out.put({"backend": backend, "error": f"{exc.__class__.__name__}: {exc}"})


def run_backend(backend: str, n: int, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(backend, n, queue), daemon=True)
    started = time.perf_counter()
    proc.start()
    try:
        result: dict[str, Any] = queue.get(timeout=timeout)
    except Exception:
        result = {"backend": backend, "error": f"no result within {timeout:.0f} s"}
    proc.join(5)
    if proc.is_alive():
        proc.kill()
    elif proc.exitcode not in (0, None) and "error" not in result and "items" not in result:
        result = {"backend": backend, "error": f"child exited with code {proc.exitcode}"}
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def describe(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['backend']:<11} FAILED: {r['error']} ({r['wall_seconds']} s)"
    median = r["median_seconds_per_valid_item"]
    lines = [
        f"{r['backend']:<11} items {r['items']:>3}  valid {r['valid']:>3} ({r['validity']:.0%})  "
        f"duplicates {r['duplicates']}  documents {r['documents_covered']}/{r['documents']}  "
        f"LLM-reworded {r['reworded_by_llm']}  median {median if median is not None else '-'} s/valid item  "
        f"types {r['types']}  ({r['wall_seconds']} s)"
    ]
    for f in r["failures"][:10]:
        lines.append(f"    x [{f['type']}] {f['question'][:90]} -> {'; '.join(f['problems'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", nargs="+", default=["extractive", "local"])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per backend")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    results = [run_backend(b, args.n, args.timeout) for b in args.backends]
    if args.json:
        print(json.dumps({"results": results}, indent=2))
    else:
        for r in results:
            print(describe(r))
    return 0 if all("error" not in r and r["validity"] >= 0.95 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
