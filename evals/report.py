"""report.json and report.md for an eval run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.harness import CaseResult, lead_keyword_ok, missing_groups, off_topic_sentences, repeats_itself

_METRIC_ROWS = [
    ("hit@1", "Retrieval hit@1"),
    ("hit@3", "Retrieval hit@3"),
    ("hit@5", "Retrieval hit@5"),
    ("mrr", "Retrieval MRR"),
    ("citation_marker_validity", "[n] markers resolving to given passages"),
    ("citation_verbatim", "Cited text verbatim at its offsets"),
    ("citation_support_present", "Citations with a support span"),
    ("keyword_pass", "Keyword pass rate (answerable)"),
    ("lead_keyword_pass", "First sentence holds every key term"),
    ("repetition_rate", "Answers saying one thing twice"),
    ("off_topic_rate", "Answers with an off-topic sentence"),
    ("answer_words_p50", "Answer length p50 (words)"),
    ("refusal_precision", "Refusal precision"),
    ("refusal_recall", "Refusal recall (unanswerable refused)"),
    ("false_refusal_rate", "Answerable questions refused"),
    ("quiz_validity", "Quiz items passing the independent check"),
    ("latency_retrieve_p50_ms", "Retrieve p50 (ms)"),
    ("latency_retrieve_p95_ms", "Retrieve p95 (ms)"),
    ("latency_generate_p50_ms", "Generate p50 (ms)"),
    ("latency_generate_p95_ms", "Generate p95 (ms)"),
    ("latency_first_token_p50_ms", "First token p50 (ms)"),
    ("latency_total_p50_s", "Total per answer p50 (s)"),
    ("latency_total_p95_s", "Total per answer p95 (s)"),
]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.0f}"
    return str(value)


def _problems(r: CaseResult) -> list[str]:
    out: list[str] = []
    if r.case.answerable and not r.answer.answerable:
        out.append("refused an answerable question")
    if not r.case.answerable and r.answer.answerable:
        out.append("answered an unanswerable question")
    if r.case.answerable and r.case.gold and r.hit_rank is None:
        out.append("gold passage not retrieved")
    elif r.hit_rank and r.hit_rank > 1:
        out.append(f"gold passage at rank {r.hit_rank}")
    if r.case.answerable and r.answer.answerable and not r.keyword_ok:
        missing = missing_groups(r.answer.answer, r.case.expect)
        out.append("answer lacks " + ", ".join("/".join(g) for g in missing))
    if (
        r.case.answerable
        and r.answer.answerable
        and r.keyword_ok
        and not lead_keyword_ok(r.answer.answer, r.case.expect)
    ):
        out.append("first sentence lacks a key term")
    if r.answer.answerable and repeats_itself(r.answer.answer):
        out.append("says one thing twice")
    if r.answer.answerable and (stray := off_topic_sentences(r.case, r.answer.answer)):
        out.append(f"off-topic sentence: {stray[0][:60]!r}")
    if r.checks["markers_valid"] < r.checks["markers"]:
        out.append("dangling [n] marker")
    if r.checks["verbatim"] < r.checks["citations"]:
        out.append("cited text not verbatim")
    return out


def write_reports(
    out_dir: Path,
    backend: str,
    metrics: dict[str, Any],
    results: list[CaseResult],
    baseline_metrics: dict[str, float] | None,
    gate_failures: list[str] | None,
    dataset: str,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "metrics": metrics,
        "backend": backend,
        "dataset": dataset,
        "quickstart_baseline": baseline_metrics,
        "cases": [{"id": r.case.id, "answer": r.answer.model_dump(mode="json")} for r in results],
    }
    (out_dir / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))

    lines = [f"# Eval report: `{backend}` backend", "", f"Dataset: `{dataset}`, {len(results)} cases.", ""]
    if gate_failures is not None:
        lines += ["## Gate", ""]
        lines += (
            [f"- FAIL: {f}" for f in gate_failures]
            if gate_failures
            else ["- PASS: every metric at or above its floor and within tolerance of the baseline."]
        )
        lines.append("")
    lines += [
        "## Metrics",
        "",
        "| metric | ours |" + (" LangChain quickstart |" if baseline_metrics else ""),
        "| --- | --- |" + (" --- |" if baseline_metrics else ""),
    ]
    for key, label in _METRIC_ROWS:
        if key in metrics:
            value = round(metrics[key]) if key.endswith("_ms") else metrics[key]
            row = f"| {label} | {_fmt(value)} |"
            if baseline_metrics:
                row += f" {_fmt(baseline_metrics[key])} |" if key in baseline_metrics else " – |"
            lines.append(row)
    lines.append("")
    worst = [(r, _problems(r)) for r in results]
    worst = [(r, p) for r, p in worst if p]
    worst.sort(key=lambda rp: (-len(rp[1]), rp[0].case.id))
    lines += [
        "## Cases that went wrong",
        "",
        f"{len(worst)} of {len(results)} cases have at least one problem.",
        "",
    ]
    lines += ["| case | question | what went wrong | answer |", "| --- | --- | --- | --- |"]
    for r, problems in worst[:40]:
        q = r.case.question.replace("|", "\\|")
        a = r.answer.answer.replace("|", "\\|").replace("\n", " ")[:160]
        lines.append(f"| {r.case.id} | {q} | {'; '.join(problems)} | {a} |")
    (out_dir / "report.md").write_text("\n".join(lines) + "\n")
