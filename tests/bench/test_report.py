"""docs/BENCHMARKS.md keeps what a partial `bench.run` did not measure."""

from __future__ import annotations

from pathlib import Path

from bench.report import BEGIN, END, TITLES, write_report


def _retrieval_section() -> dict[str, object]:
    row = {"load": 0.1, "dense": 5.0, "bm25": 3.0, "fuse": 0.2, "sentences": 1.0, "total": 9.5}
    return {
        "ok": True,
        "rows": [row] * 20,
        "chunks": 11_000,
        "build_ms": 3000.0,
        "measured": "2026-12-07 11:00",
    }


def test_a_partial_run_keeps_the_sections_it_did_not_measure(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    old_quiz = [f"### {TITLES['quiz']}", "", "20 items in 3.1 s (kept from the last full run).", ""]
    old_retrieval = [f"### {TITLES['retrieval']}", "", "p95 84.5 ms (old).", ""]
    report.write_text(
        "\n".join(
            [
                "# Benchmarks",
                "",
                BEGIN,
                "",
                "## Results",
                "",
                *old_retrieval,
                *old_quiz,
                END,
                "",
                "Hand notes.",
            ]
        ),
        encoding="utf-8",
    )

    write_report({"sections": {"retrieval": _retrieval_section()}, "meta": {}}, report)

    text = report.read_text(encoding="utf-8")
    assert "20 items in 3.1 s (kept from the last full run)." in text  # not measured: kept
    assert "p95 84.5 ms (old)." not in text  # measured: replaced
    assert "fused search, end to end" in text
    assert text.index(TITLES["retrieval"]) < text.index(TITLES["quiz"])  # canonical order
    assert text.rstrip().endswith("Hand notes.")
