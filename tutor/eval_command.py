"""`tutor eval`: run the dataset through the real pipeline, score, compare, report, gate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.cli import _print_json
from tutor.config import get_settings
from tutor.errors import TutorError
from tutor.eval_report import write_reports
from tutor.evaluation import (
    DEFAULT_DATASET,
    EvalCase,
    compute_metrics,
    first_hit_rank,
    gate,
    load_baseline,
    load_dataset,
    rank_metrics,
    run_cases,
    write_baseline,
)

# The local model answers ~5 s a question on 2 cores: CI runs a fixed, stated subset to stay in budget.
DEFAULT_SUBSETS = {"extractive": "all", "local": "every:4", "local-large": "every:4", "tiny": "every:4"}


def select(cases: list[EvalCase], subset: str) -> list[EvalCase]:
    if subset == "all":
        return cases
    if subset.startswith("every:"):
        step = int(subset.split(":", 1)[1])
        if step < 1:
            raise TutorError("--subset every:N needs N >= 1")
        return cases[::step]
    raise TutorError(f"Unknown --subset '{subset}'. Use 'all' or 'every:N'.")


def quickstart_metrics(cases: list[EvalCase], corpus: Path, k: int) -> dict[str, float] | None:
    try:
        from tutor.quickstart import QuickstartPipeline
    except ImportError:
        return None
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = QuickstartPipeline.build([corpus], Path(tmp))
        answerable = [c for c in cases if c.answerable and c.gold]
        ranks = []
        for c in answerable:
            query = c.question if not c.history else " ".join([*c.history, c.question])
            ranks.append(first_hit_rank([t for t, _ in pipeline.retrieve(query, k)], c.gold))
        return rank_metrics(ranks)


def run_eval_command(args: argparse.Namespace) -> int:
    from tutor.answer import get_tutor
    from tutor.ingest_service import list_documents

    settings = get_settings()
    backend = args.backend or settings.backend
    dataset = args.dataset or DEFAULT_DATASET
    cases = select(load_dataset(dataset), args.subset or DEFAULT_SUBSETS.get(backend, "all"))
    out_dir = args.out or Path("evals/out") / backend
    tutor = get_tutor()
    if tutor.retriever.store.count() == 0:
        raise TutorError("The index is empty. Run `tutor ingest` first (the eval scores whatever TUTOR_HOME holds).")
    sources = {d.doc_id: d.source for d in list_documents()}
    k = args.k or settings.top_k

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} cases", end="", file=sys.stderr, flush=True)

    results = run_cases(cases, lambda q, h: tutor.ask(q, h, backend, k), sources, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    metrics = compute_metrics(results)
    if args.quiz_sample:
        try:
            from tutor.quiz.service import quiz_validity_sample
        except ImportError:
            pass
        else:
            metrics["quiz_validity"] = float(quiz_validity_sample(backend, args.quiz_sample)["validity"])
    quick = None if args.no_quickstart else quickstart_metrics(cases, settings.corpus_dir, k)
    baseline = load_baseline()
    failures = gate(metrics, backend, baseline) if args.gate else None
    write_reports(out_dir, backend, metrics, results, quick, failures, str(dataset))
    if args.write_baseline:
        write_baseline(metrics, backend, args.subset or DEFAULT_SUBSETS.get(backend, "all"))
    if args.json:
        _print_json(metrics)
    else:
        for key in ("hit@1", "hit@3", "mrr", "keyword_pass", "refusal_recall", "false_refusal_rate",
                    "citation_marker_validity", "citation_verbatim", "latency_total_p50_s"):
            print(f"{key:28s} {metrics[key]:.3f}")
        print(f"report: {out_dir / 'report.md'}")
    if failures:
        print("EVAL GATE FAILED:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    return 0
