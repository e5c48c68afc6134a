"""`make bench`: run the benchmarks side by side and rewrite docs/BENCHMARKS.md.

    python -m bench.run                    # everything except the profile (~20-25 min on 2 cores)
    python -m bench.run --quick            # smoke run: 1 rep, 40-file large corpus, fewer questions
    python -m bench.run --only retrieval   # one or more sections; the others keep their last results
    python -m bench.run --only profile     # pyinstrument profile of our ingest on the large corpus

Raw results go to bench/out/results.json (merged across runs by section), logs to bench/out/logs/.
Scratch indexes live in a temporary folder used as TUTOR_HOME (never ./.tutor), removed afterwards
unless --work DIR is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bench.child import ChildResult, child_env, run_task
from bench.config import (
    CHANGED_FILE,
    DOCS_QUERIES,
    EVAL_DATASET,
    FULL,
    OUT_DIR,
    QUICK,
    REPORT,
    Plan,
)
from bench.corpora import Corpus, CorpusMissing, large_corpus, study_corpus
from bench.machine import describe, load_average
from bench.report import write_report

SECTIONS = ("ingest-small", "ingest-large", "reingest", "retrieval", "answers", "memory", "quiz", "profile")
DEFAULT_SECTIONS = tuple(s for s in SECTIONS if s != "profile")


@dataclass
class Context:
    plan: Plan
    work: Path
    log_dir: Path
    env: dict[str, str]
    study: Corpus | None = None
    large: Corpus | None = None
    large_index: Path | None = None
    large_full_s: float | None = None
    large_full_source: str = ""
    home_ready: bool = False

    def child(self, task: str, args: dict[str, Any], timeout_s: float | None = None) -> ChildResult:
        print(f"  - {task} {json.dumps({k: v for k, v in args.items() if k != 'queries'})[:140]}", flush=True)
        result = run_task(task, args, self.env, self.log_dir, timeout_s or self.plan.child_timeout_s)
        status = "ok" if result.ok else f"FAILED: {result.error}"
        print(f"    {result.wall_s:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB, {status}", flush=True)
        return result

    def index_dir(self, name: str) -> Path:
        path = self.work / "indexes" / name
        if path.exists():
            shutil.rmtree(path)
        return path

    def study_corpus(self) -> Corpus:
        if self.study is None:
            self.study = study_corpus(self.work / "corpora")
        return self.study

    def large_corpus(self) -> Corpus:
        if self.large is None:
            self.large = large_corpus(self.work / "corpora", self.plan.large_files)
        return self.large


def _run_record(result: ChildResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "wall_s": result.wall_s,
        "cpu_s": result.cpu_s,
        "peak_rss_mb": result.peak_rss_mb,
        "error": result.error,
        **result.data,
    }


def _corpus_record(c: Corpus) -> dict[str, Any]:
    return {"name": c.name, "files": c.files, "bytes": c.bytes, "description": c.description}


def bench_ingest(ctx: Context, corpus: Corpus, reps: int) -> dict[str, Any]:
    """Full ingest, ours vs quickstart, alternating so machine noise hits both alike."""
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "quickstart": []}
    for rep in range(reps):
        ours_dir = ctx.index_dir(f"{corpus.name}-ours-{rep}")
        ours = ctx.child("ingest-ours", {"corpus": str(corpus.path), "chroma": str(ours_dir)})
        runs["ours"].append(_run_record(ours))
        qs = ctx.child(
            "ingest-quickstart",
            {"corpus": str(corpus.path), "chroma": str(ctx.index_dir(f"{corpus.name}-qs-{rep}"))},
        )
        runs["quickstart"].append(_run_record(qs))
        shutil.rmtree(ctx.work / "indexes" / f"{corpus.name}-qs-{rep}", ignore_errors=True)
        if corpus is ctx.large and ours.ok:
            if ctx.large_index and ctx.large_index != ours_dir:
                shutil.rmtree(ctx.large_index, ignore_errors=True)
            ctx.large_index, ctx.large_full_s = ours_dir, float(ours.data["seconds"])
            ctx.large_full_source = "the large-corpus ingest run above, same run"
    return {"corpus": _corpus_record(corpus), "reps": reps, "runs": runs}


def ensure_large_index(ctx: Context) -> Path:
    if ctx.large_index is None:
        corpus = ctx.large_corpus()
        path = ctx.index_dir(f"{corpus.name}-ours-setup")
        result = ctx.child("ingest-ours", {"corpus": str(corpus.path), "chroma": str(path)})
        if not result.ok:
            raise RuntimeError(f"could not build the large index: {result.error}")
        ctx.large_index, ctx.large_full_s = path, float(result.data["seconds"])
        ctx.large_full_source = "a full ingest of the same index built for this section"
    return ctx.large_index


def bench_reingest(ctx: Context) -> dict[str, Any]:
    index = ensure_large_index(ctx)
    corpus = ctx.large_corpus()
    changed = (
        CHANGED_FILE
        if (corpus.path / CHANGED_FILE).exists()
        else sorted(p.relative_to(corpus.path).as_posix() for p in corpus.path.rglob("*.html"))[0]
    )
    nochange = [
        _run_record(ctx.child("reingest", {"corpus": str(corpus.path), "chroma": str(index)}))
        for _ in range(ctx.plan.reingest_reps)
    ]
    change = [
        _run_record(
            ctx.child(
                "reingest",
                {"corpus": str(corpus.path), "chroma": str(index), "changed": changed, "marker": rep},
            )
        )
        for rep in range(ctx.plan.reingest_reps)
    ]
    return {
        "corpus": _corpus_record(corpus),
        "full_s": ctx.large_full_s,
        "full_source": ctx.large_full_source,
        "changed_file": changed,
        "nochange": nochange,
        "change": change,
    }


def bench_retrieval(ctx: Context) -> dict[str, Any]:
    index = ensure_large_index(ctx)
    result = ctx.child(
        "retrieval",
        {
            "chroma": str(index),
            "queries": list(DOCS_QUERIES),
            "n": ctx.plan.retrieval_queries,
            "budget_s": 300,
        },
    )
    return {"corpus": _corpus_record(ctx.large_corpus()), **_run_record(result)}


def ensure_home(ctx: Context) -> None:
    """TUTOR_HOME for the answer/quiz benchmarks: the study corpus indexed, the model files linked in."""
    if ctx.home_ready:
        return
    home = Path(ctx.env["TUTOR_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    real_models = Path(os.environ.get("TUTOR_HOME", ".tutor")).resolve() / "models"
    if real_models.is_dir() and not (home / "models").exists():
        (home / "models").symlink_to(real_models, target_is_directory=True)
    result = ctx.child("ingest-home", {"corpus": str(ctx.study_corpus().path)})
    if not result.ok:
        raise RuntimeError(f"could not index the study corpus into the bench TUTOR_HOME: {result.error}")
    ctx.home_ready = True


def answer_questions(n: int) -> list[str]:
    """The first ``n`` answerable, single-turn questions of the eval set (deterministic)."""
    out: list[str] = []
    for line in EVAL_DATASET.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case.get("answerable") and not case.get("history"):
            out.append(case["question"])
        if len(out) >= n:
            break
    return out


def bench_answers(ctx: Context) -> dict[str, Any]:
    ensure_home(ctx)
    questions = answer_questions(ctx.plan.answer_questions)
    backends: dict[str, Any] = {}
    for backend in ctx.plan.answer_backends:
        args = {"backend": backend, "questions": questions, "budget_s": ctx.plan.answer_budget_s}
        backends[backend] = _run_record(ctx.child("answers", args, timeout_s=ctx.plan.answer_budget_s + 240))
    return {"questions": questions, "backends": backends}


def bench_memory(ctx: Context) -> dict[str, Any]:
    """`tutor ui` with the default local backend, one question asked in a headless browser."""
    ensure_home(ctx)
    args = {
        "backend": "local",
        "question": answer_questions(1)[0],
        "log": str(ctx.log_dir / "app-memory-ui.log"),
    }
    return _run_record(ctx.child("app-memory", args, timeout_s=600))


def bench_quiz(ctx: Context) -> dict[str, Any]:
    ensure_home(ctx)
    backends: dict[str, Any] = {}
    for backend in ctx.plan.quiz_backends:
        args = {"backend": backend, "n": ctx.plan.quiz_items}
        backends[backend] = _run_record(ctx.child("quiz", args, timeout_s=ctx.plan.quiz_budget_s + 240))
    return {"backends": backends}


def bench_profile(ctx: Context) -> dict[str, Any]:
    corpus = ctx.large_corpus()
    out = OUT_DIR / "ingest_profile"
    result = ctx.child(
        "profile", {"corpus": str(corpus.path), "chroma": str(ctx.index_dir("profile")), "out": str(out)}
    )
    return {"corpus": _corpus_record(corpus), **_run_record(result)}


def _load_results(path: Path) -> dict[str, Any]:
    try:
        results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return results
    except (OSError, ValueError):
        return {}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="smoke run: fewer reps, a 40-file large corpus")
    p.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        metavar="NAME",
        help=f"run only these sections: {', '.join(SECTIONS)}",
    )
    p.add_argument(
        "--large-reps", type=int, help="repetitions of the large-corpus ingest (default 1; ~10 min each)"
    )
    p.add_argument(
        "--child-timeout", type=float, help="seconds before a benchmark process is stopped (default 1500)"
    )
    p.add_argument("--work", type=Path, help="scratch folder to use and keep (default: a temp dir, removed)")
    p.add_argument(
        "--large-index",
        type=Path,
        help="an index of the large corpus built earlier by this code (e.g. --work DIR's indexes/python-docs-ours-0): "
        "the retrieval and reingest sections use it instead of ingesting the corpus again",
    )
    p.add_argument("--no-report", action="store_true", help="do not rewrite docs/BENCHMARKS.md")
    p.add_argument(
        "--report-only",
        action="store_true",
        help="only re-render docs/BENCHMARKS.md from bench/out/results.json",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.report_only:
        write_report(_load_results(OUT_DIR / "results.json"), REPORT)
        return 0
    plan = QUICK if args.quick else FULL
    if args.large_reps:
        plan = replace(plan, large_ingest_reps=args.large_reps)
    if args.child_timeout:  # a loaded machine can need more than the default for the large ingest
        plan = replace(plan, child_timeout_s=args.child_timeout)
    selected = [s for s in SECTIONS if s in (args.only or DEFAULT_SECTIONS)]
    work = args.work or Path(tempfile.mkdtemp(prefix="tutor-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ctx = Context(plan=plan, work=work, log_dir=OUT_DIR / "logs", env=child_env(work / "home"))
    if args.large_index:
        if not (args.large_index / "chroma.sqlite3").exists():
            raise SystemExit(
                f"--large-index {args.large_index}: no Chroma index there; run without it to build one."
            )
        ctx.large_index = args.large_index
        ctx.large_full_source = f"the index given with --large-index ({args.large_index})"
    results_path = OUT_DIR / "results.json"
    results = _load_results(results_path)
    started = time.time()
    results["meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": describe(),
        "plan": asdict(plan),
        "quick": args.quick,
        "argv": ["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)],
        "load_before": load_average(),
    }
    runners = {
        "ingest-small": lambda: bench_ingest(ctx, ctx.study_corpus(), plan.small_ingest_reps),
        "ingest-large": lambda: bench_ingest(ctx, ctx.large_corpus(), plan.large_ingest_reps),
        "reingest": lambda: bench_reingest(ctx),
        "retrieval": lambda: bench_retrieval(ctx),
        "answers": lambda: bench_answers(ctx),
        "memory": lambda: bench_memory(ctx),
        "quiz": lambda: bench_quiz(ctx),
        "profile": lambda: bench_profile(ctx),
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    try:
        for name in selected:
            print(f"[bench] {name}", flush=True)
            t0 = time.perf_counter()
            load_before = load_average()
            try:
                section = runners[name]()
            except (CorpusMissing, RuntimeError) as exc:
                # A section that could not run keeps its last results (and its text in the report).
                results.setdefault("errors", {})[name] = str(exc)
                print(f"  ! {exc} (the last results of {name!r} are kept)", flush=True)
                continue
            section["measured"] = time.strftime("%Y-%m-%d %H:%M")
            section["quick"] = args.quick
            section["section_s"] = round(time.perf_counter() - t0, 1)
            section["load"] = f"{load_before} before, {load_average()} after"
            results.setdefault("sections", {})[name] = section
            results.get("errors", {}).pop(name, None)
            results_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["load_after"] = load_average()
    results["meta"]["duration_s"] = round(time.time() - started)
    results_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if not args.no_report:
        write_report(results, REPORT)
        print(f"[bench] wrote {REPORT.relative_to(REPORT.parent.parent)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
