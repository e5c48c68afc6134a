"""`tutor eval`: run the dataset through the real pipeline, score, compare, report, gate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from evals.corpora import select_corpora
from evals.harness import (
    DEFAULT_DATASET,
    EvalCase,
    gate,
    load_baseline,
    load_dataset,
    write_baseline,
)
from evals.multi import (
    gate_corpora,
    load_corpus_baseline,
    macro_mean,
    quickstart_metrics,
    run_corpus,
    score_cases,
    write_corpus_baseline,
    write_summary,
)
from evals.quiz_validity import quiz_validity_sample
from evals.report import write_reports
from evals.routing import run_routing
from tutor.cli.common import add_backend_arg, print_json
from tutor.config import get_settings
from tutor.documents import list_documents
from tutor.errors import TutorError
from tutor.rag.pipeline import get_tutor

# Local models answer ~5 s a question on 2 cores: CI runs a fixed subset (docs/decisions/0013-eval-gate-and-baseline.md).
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


def run_corpora_command(args: argparse.Namespace) -> int:
    """`tutor eval --corpus NAME|all`: each corpus in its own index, a summary with the macro mean, one gate."""
    settings = get_settings()
    backend = args.backend or settings.backend
    subset = args.subset or DEFAULT_SUBSETS.get(backend, "all")
    out_dir = args.out or Path("evals/out") / backend
    runs = []
    for corpus in select_corpora(args.corpus):
        run = run_corpus(
            corpus,
            settings,
            backend,
            lambda cases: select(cases, subset),
            args.set,
            args.k,
            args.quiz_sample,
            not args.no_quickstart,
        )
        runs.append(run)
        print(
            f"{corpus.name}: " + ", ".join(f"{k} {run.metrics[k]:.3f}" for k in _SHOWN if k in run.metrics),
            flush=True,
        )
    baseline = load_baseline() or {}
    failures = (
        gate_corpora(runs, backend, load_corpus_baseline(), baseline.get("corpus_floors", {}))
        if args.gate
        else None
    )
    table = write_summary(out_dir, backend, runs, failures)
    if args.write_baseline:
        write_corpus_baseline(runs, backend, subset)
    if args.json:
        print_json({"macro": macro_mean(runs), "corpora": {r.corpus.name: r.metrics for r in runs}})
    else:
        print(table)
        print(f"report: {out_dir / 'summary.md'}")
    if report_failures(failures):
        return 1
    return 0


def report_failures(failures: list[str] | None) -> bool:
    """Prints the gate's failures, if any, to stderr; True when there were some."""
    if not failures:
        return False
    print("EVAL GATE FAILED:", file=sys.stderr)
    for f in failures:
        print(f"  - {f}", file=sys.stderr)
    return True


_SHOWN = ("hit@1", "hit@3", "keyword_pass", "refusal_recall", "false_refusal_rate", "quiz_validity")


def run_eval_command(args: argparse.Namespace) -> int:
    routed = run_routing(args.gate)  # chat routing needs no index: scored (and gated) with every run
    if args.corpus:
        return max(run_corpora_command(args), routed)
    settings = get_settings()
    backend = args.backend or settings.backend
    dataset = args.dataset or DEFAULT_DATASET
    cases = select(load_dataset(dataset), args.subset or DEFAULT_SUBSETS.get(backend, "all"))
    out_dir = args.out or Path("evals/out") / backend
    tutor = get_tutor()
    if tutor.retriever.store.count() == 0:
        raise TutorError(
            "The index is empty. Run `tutor ingest` first (the eval scores whatever TUTOR_HOME holds)."
        )
    sources = {d.doc_id: d.source for d in list_documents()}
    k = args.k or settings.top_k
    results, metrics = score_cases(tutor, cases, sources, backend, k)
    if args.quiz_sample:
        metrics["quiz_validity"] = float(quiz_validity_sample(backend, args.quiz_sample)["validity"])
    quick = None if args.no_quickstart else quickstart_metrics(cases, settings.corpus_dir, k)
    baseline = load_baseline()
    failures = gate(metrics, backend, baseline) if args.gate else None
    write_reports(out_dir, backend, metrics, results, quick, failures, str(dataset))
    if args.write_baseline:
        write_baseline(metrics, backend, args.subset or DEFAULT_SUBSETS.get(backend, "all"))
    if args.json:
        print_json(metrics)
    else:
        for key in (
            "hit@1",
            "hit@3",
            "mrr",
            "keyword_pass",
            "refusal_recall",
            "false_refusal_rate",
            "citation_marker_validity",
            "citation_verbatim",
            "latency_total_p50_s",
        ):
            print(f"{key:28s} {metrics[key]:.3f}")
        print(f"report: {out_dir / 'report.md'}")
    if report_failures(failures):
        return 1
    return routed


def register(sub: Any) -> None:
    """Adds `tutor eval` (entry point `tutor.commands` in pyproject.toml)."""
    p = sub.add_parser("eval", help="run the regression eval set")
    p.add_argument("--dataset", type=Path, default=None, help="one JSONL file, scored on the current index")
    p.add_argument(
        "--corpus",
        default=None,
        help="'all' or eval corpus names (evals/corpora.toml), each in its own index",
    )
    p.add_argument("--set", default="gate", help="with --corpus: 'gate' (default), 'unseen' or a file name")
    add_backend_arg(p)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--subset", default=None, help="'all' or 'every:N' (every Nth case); default per backend")
    p.add_argument("--gate", action="store_true", help="exit non-zero when a metric regresses")
    p.add_argument(
        "--write-baseline", action="store_true", help="record these metrics in evals/baseline.json"
    )
    p.add_argument("--no-quickstart", action="store_true", help="skip the LangChain quickstart comparison")
    p.add_argument(
        "--quiz-sample", type=int, default=10, help="quiz items generated for the validity metric (0: skip)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_eval_command)
