"""`tutor ingest` as a user runs it: a subprocess with its own TUTOR_HOME on a copy of corpus/."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS_NAMES = sorted(p.name for p in (ROOT / "corpus").iterdir() if p.suffix != ".toml")
REPORT_KEYS = {"added", "updated", "removed", "unchanged", "chunks", "seconds"}

Run = Callable[..., subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class FirstRun:
    home: Path
    corpus: Path
    result: subprocess.CompletedProcess[str]
    report: dict[str, Any]


def parse(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert "Traceback" not in result.stderr, result.stderr
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"not JSON (exit {result.returncode}):\nstdout: {result.stdout}\nstderr: {result.stderr}")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, run_tutor: Run) -> FirstRun:
    base = tmp_path_factory.mktemp("cli_ingest")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    home = base / "home"
    result = run_tutor(["ingest", "--json", str(corpus)], home)
    return FirstRun(home, corpus, result, parse(result))


def test_first_run_indexes_the_five_documents(first_run: FirstRun) -> None:
    report = first_run.report
    assert first_run.result.returncode == 0, first_run.result.stderr
    assert set(report) >= REPORT_KEYS
    assert (report["added"], report["updated"], report["removed"], report["unchanged"]) == (5, 0, 0, 0)
    assert report["chunks"] > 50
    assert report["errors"] == []
    assert (first_run.home / "chroma" / "chroma.sqlite3").exists()


def test_second_run_reports_nothing_to_do_and_is_ten_times_faster(
    first_run: FirstRun, run_tutor: Run
) -> None:
    result = run_tutor(["ingest", "--json", str(first_run.corpus)], first_run.home)
    assert result.returncode == 0, result.stderr
    report = parse(result)
    assert set(report) >= REPORT_KEYS
    assert (report["added"], report["updated"], report["removed"], report["unchanged"]) == (0, 0, 0, 5)
    assert report["chunks"] == first_run.report["chunks"]
    assert report["errors"] == []
    assert isinstance(report["seconds"], float | int) and report["seconds"] >= 0
    assert report["seconds"] < first_run.report["seconds"] / 10


def _bad_folder(base: Path) -> Path:
    bad = base / "inbox"
    bad.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "binary-image.txt", bad / "binary-image.txt")
    shutil.copy(FIXTURES / "empty.txt", bad / "empty.txt")
    shutil.copy(FIXTURES / "encrypted.pdf", bad / "encrypted.pdf")
    (bad / "huge-notes.md").write_text(
        "# Huge\n\n" + "Feature stores keep features consistent. " * 3000
    )  # ~120 kB
    (bad / "slides.pptx").write_bytes(b"PK\x03\x04 slides")
    return bad


EXPECTED_REASONS = {
    "binary-image.txt": "binary",
    "empty.txt": "empty",
    "encrypted.pdf": "encrypted",
    "huge-notes.md": "limit",
    "slides.pptx": "unsupported",
}


def test_files_that_cannot_be_read_are_listed_and_the_exit_code_is_3(
    first_run: FirstRun, run_tutor: Run, tmp_path: Path
) -> None:
    bad = _bad_folder(tmp_path)
    # 0.06 MB: over the huge file, under every corpus file (the largest is ~50 kB).
    result = run_tutor(
        ["ingest", "--json", str(first_run.corpus), str(bad)], first_run.home, TUTOR_MAX_FILE_MB="0.06"
    )
    assert result.returncode == 3, result.stderr
    report = parse(result)
    assert (report["added"], report["updated"], report["removed"], report["unchanged"]) == (0, 0, 0, 5)
    assert report["chunks"] == first_run.report["chunks"]  # what was indexed before is intact
    reasons = {e["file"]: e["reason"] for e in report["errors"]}
    assert set(reasons) == set(EXPECTED_REASONS)
    for name, word in EXPECTED_REASONS.items():
        assert word in reasons[name], (name, reasons[name])

    # Once the bad files are gone the same command succeeds again.
    shutil.rmtree(bad)
    bad.mkdir()
    ok = run_tutor(["ingest", "--json", str(first_run.corpus), str(bad)], first_run.home)
    assert ok.returncode == 0, ok.stderr
    assert parse(ok)["errors"] == []


def test_plain_output_prints_a_summary_and_each_skipped_file(
    first_run: FirstRun, run_tutor: Run, tmp_path: Path
) -> None:
    bad = _bad_folder(tmp_path)
    result = run_tutor(["ingest", str(first_run.corpus), str(bad)], first_run.home, TUTOR_MAX_FILE_MB="0.06")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in result.stdout
    assert f"{first_run.report['chunks']} chunks in the index" in result.stdout
    for name, word in EXPECTED_REASONS.items():
        line = next((ln for ln in result.stderr.splitlines() if f"skipped {name}:" in ln), None)
        assert line is not None and word in line, (name, result.stderr)


def test_a_missing_path_is_reported_not_a_traceback(
    first_run: FirstRun, run_tutor: Run, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    result = run_tutor(["ingest", "--json", str(missing)], first_run.home)
    assert result.returncode == 3
    report = parse(result)
    assert [e["file"] for e in report["errors"]] == [str(missing)]
    assert report["removed"] == 0 and report["chunks"] == first_run.report["chunks"]


def test_an_unreachable_chroma_server_is_one_line_naming_chroma_host(tmp_path: Path, run_tutor: Run) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    result = run_tutor(
        ["ingest", "--json", str(FIXTURES)],
        tmp_path / "home",
        timeout=120,
        CHROMA_HOST="127.0.0.1",
        CHROMA_PORT=str(port),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and "CHROMA_HOST" in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr
    assert result.stdout == ""
