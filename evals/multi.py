"""The multi-corpus gate: every eval corpus scored the same way, reported side by side with the macro mean.

A change is kept when the macro mean improves and no corpus loses more than ``TOLERANCE`` on a gated metric
(docs/decisions/0015-multi-corpus-gate.md). The committed baseline (evals/baseline.json, ``corpora``) holds
each corpus's figures per backend; ``floors`` there are absolute minimums for every corpus.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.corpora import EvalCorpus, prepare
from evals.harness import (
    BASELINE_FILE,
    CaseResult,
    EvalCase,
    compute_metrics,
    first_hit_rank,
    load_dataset,
    rank_metrics,
    run_cases,
)
from evals.quickstart import QuickstartPipeline
from evals.quiz_validity import quiz_validity_sample
from evals.report import write_reports
from tutor.config import Settings
from tutor.documents import list_documents
from tutor.errors import TutorError
from tutor.rag.pipeline import Tutor

# Metrics where higher is better, compared with the baseline corpus by corpus; one that falls more than the
# tolerance fails the gate.
GATED = (
    "hit@1",
    "hit@3",
    "mrr",
    "keyword_pass",
    "refusal_recall",
    "citation_marker_validity",
    "citation_verbatim",
    "quiz_validity",
    "lead_keyword_pass",
)
# Lower is better.
GATED_DOWN = ("false_refusal_rate", "repetition_rate", "off_topic_rate", "answer_words_p50")
TOLERANCE = 0.02
# Answer length is in words, not a rate: a median may grow by this many words before the gate fails.
WORDS_TOLERANCE = 5.0
# The local model's gate runs every 4th question (about 11 answerable ones a corpus): one question is ~0.09, so
# its tolerance is one question's worth; extractive answers every question deterministically.
BACKEND_TOLERANCE = {"extractive": TOLERANCE}
SUBSET_TOLERANCE = 0.1
SUMMARY_COLUMNS = (
    ("hit@1", "hit@1"),
    ("quickstart_hit@1", "quickstart hit@1"),
    ("hit@3", "hit@3"),
    ("quickstart_hit@3", "quickstart hit@3"),
    ("refusal_recall", "refusal recall"),
    ("false_refusal_rate", "answerable refused"),
    ("keyword_pass", "key terms"),
    ("citation_verbatim", "citations verbatim"),
    ("lead_keyword_pass", "lead sentence has key terms"),
    ("repetition_rate", "repeats"),
    ("off_topic_rate", "off-topic"),
    ("answer_words_p50", "words p50"),
    ("quiz_validity", "quiz valid"),
)


@dataclass
class CorpusRun:
    corpus: EvalCorpus
    dataset: Path
    metrics: dict[str, float]
    results: list[CaseResult]
    quickstart: dict[str, float] | None


def quickstart_metrics(cases: list[EvalCase], corpus_dir: Path, k: int) -> dict[str, float]:
    """Retrieval of the LangChain quickstart pipeline on the same questions and documents."""
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = QuickstartPipeline.build([corpus_dir], Path(tmp))
        ranks = []
        for c in (c for c in cases if c.answerable and c.gold):
            query = c.question if not c.history else " ".join([*c.history, c.question])
            ranks.append(first_hit_rank([t for t, _ in pipeline.retrieve(query, k)], c.gold))
        return rank_metrics(ranks)


def score_cases(
    tutor: Tutor,
    cases: list[EvalCase],
    sources: dict[str, str],
    backend: str,
    k: int,
    label: str = "",
) -> tuple[list[CaseResult], dict[str, float]]:
    """Every case asked of ``tutor`` and scored; progress on a terminal, prefixed with ``label``."""

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{label}{done}/{total} cases", end="", file=sys.stderr, flush=True)

    results = run_cases(cases, lambda q, h: tutor.ask(q, h, backend, k), sources, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return results, compute_metrics(results)


def run_corpus(
    corpus: EvalCorpus,
    base: Settings,
    backend: str,
    select: Callable[[list[EvalCase]], list[EvalCase]],
    which: str = "gate",
    k: int | None = None,
    quiz_sample: int = 20,
    with_quickstart: bool = True,
) -> CorpusRun:
    settings = prepare(corpus, base)
    tutor = Tutor(settings)
    dataset = corpus.dataset(which)
    cases = select(load_dataset(dataset))
    sources = {d.doc_id: d.source for d in list_documents(settings)}
    k = k or settings.top_k
    results, metrics = score_cases(tutor, cases, sources, backend, k, label=f"{corpus.name}: ")
    if quiz_sample:
        try:
            metrics["quiz_validity"] = float(quiz_validity_sample(backend, quiz_sample, settings)["validity"])
        except TutorError as exc:  # no items at all for this course: that scores 0, and the report says why
            print(f"{corpus.name}: no quiz items ({exc})", file=sys.stderr)
            metrics["quiz_validity"] = 0.0
    quick = quickstart_metrics(cases, settings.corpus_dir, k) if with_quickstart else None
    if quick:
        metrics["quickstart_hit@1"] = quick["hit@1"]
        metrics["quickstart_hit@3"] = quick["hit@3"]
    return CorpusRun(corpus, dataset, metrics, results, quick)


def macro_mean(runs: list[CorpusRun]) -> dict[str, float]:
    keys = sorted({k for r in runs for k in r.metrics})
    return {k: statistics.fmean(r.metrics[k] for r in runs if k in r.metrics) for k in keys}


def load_corpus_baseline(path: Path = BASELINE_FILE) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return dict(data.get("corpora", {}))


def gate_corpora(
    runs: list[CorpusRun], backend: str, baseline: dict[str, Any], floors: dict[str, Any]
) -> list[str]:
    """Readable failures: a corpus below a floor, or more than TOLERANCE worse than its baseline."""
    failures: list[str] = []
    tolerance = BACKEND_TOLERANCE.get(backend, SUBSET_TOLERANCE)
    for run in runs:
        name = run.corpus.name
        for metric, floor in floors.get(backend, {}).items():
            value = run.metrics.get(metric)
            if value is not None and value + 1e-9 < floor:
                failures.append(f"{name}: {metric} = {value:.3f} is below its floor {floor:.3f}")
        ref = baseline.get(name, {}).get(backend, {})
        for metric in GATED:
            if (
                metric in ref
                and metric in run.metrics
                and run.metrics[metric] + tolerance + 1e-9 < ref[metric]
            ):
                failures.append(
                    f"{name}: {metric} = {run.metrics[metric]:.3f} fell more than {tolerance} below "
                    f"the baseline {ref[metric]:.3f}"
                )
        for metric in GATED_DOWN:
            slack = WORDS_TOLERANCE if metric == "answer_words_p50" else tolerance
            if metric in ref and metric in run.metrics and run.metrics[metric] > ref[metric] + slack + 1e-9:
                failures.append(
                    f"{name}: {metric} = {run.metrics[metric]:.3f} rose more than {slack} above "
                    f"the baseline {ref[metric]:.3f}"
                )
    return failures


def write_corpus_baseline(
    runs: list[CorpusRun], backend: str, subset: str, path: Path = BASELINE_FILE
) -> None:
    data = json.loads(path.read_text()) if path.exists() else {}
    corpora = data.setdefault("corpora", {})
    for run in runs:
        entry = corpora.setdefault(run.corpus.name, {})
        entry[backend] = {k: round(v, 4) for k, v in run.metrics.items() if k in (*GATED, *GATED_DOWN)}
        entry.setdefault("subsets", {})[backend] = subset
    data["corpus_tolerance"] = TOLERANCE
    path.write_text(json.dumps(data, indent=2) + "\n")


def write_summary(out_dir: Path, backend: str, runs: list[CorpusRun], failures: list[str] | None) -> str:
    """summary.md / summary.json beside the per-corpus reports; returns the markdown table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    macro = macro_mean(runs)
    head = "| corpus | cases | " + " | ".join(label for _, label in SUMMARY_COLUMNS) + " |"
    rows = [head, "|" + " --- |" * (len(SUMMARY_COLUMNS) + 2)]

    def cells(metrics: dict[str, float]) -> str:
        return " | ".join(f"{metrics[k]:.3f}" if k in metrics else "–" for k, _ in SUMMARY_COLUMNS)

    for run in runs:
        rows.append(f"| {run.corpus.name} | {int(run.metrics['cases'])} | {cells(run.metrics)} |")
    rows.append(f"| **macro mean** | | {cells(macro)} |")
    table = "\n".join(rows)
    lines = [f"# Eval summary: `{backend}` backend, {len(runs)} corpora", "", table, ""]
    if failures is not None:
        lines += ["## Gate", ""] + ([f"- FAIL: {f}" for f in failures] if failures else ["- PASS"]) + [""]
    (out_dir / "summary.md").write_text("\n".join(lines))
    (out_dir / "summary.json").write_text(
        json.dumps(
            {
                "backend": backend,
                "macro": macro,
                "corpora": {r.corpus.name: r.metrics for r in runs},
                "datasets": {r.corpus.name: str(r.dataset) for r in runs},
                "failures": failures,
            },
            indent=2,
        )
    )
    for run in runs:
        write_reports(
            out_dir / run.corpus.name,
            backend,
            run.metrics,
            run.results,
            run.quickstart,
            None,
            str(run.dataset),
        )
    return table
