"""The app's store while another process writes the same index (`tutor ingest` in a terminal while the UI
runs): the running process sees the change instead of failing with Chroma's "Error finding id"."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from tutor.rag.retrieve import Retriever
from tutor.store import get_embedder, get_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
Run = Callable[..., subprocess.CompletedProcess[str]]

GLACIER = (
    "# Amazon S3 Glacier\n\nAmazon S3 Glacier is a low-cost storage class for data archiving and long-term backup, "
    "with retrieval times from minutes to hours.\n"
)


def test_a_running_process_sees_what_another_process_ingested(
    tutor_home: Path, run_tutor: Run, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(FIXTURES / "study-note.txt", docs)
    first = run_tutor(["ingest", str(docs)], tutor_home)
    assert first.returncode == 0, first.stderr

    assert {d.doc_id for d in get_store().documents()} == {"study-note.txt"}
    retriever = Retriever(get_store(), get_embedder())
    before = retriever.search("What is Amazon S3 Glacier?", k=3)
    assert before.passages and all("Glacier" not in p.title for p in before.passages)

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "glacier.md").write_text(GLACIER)
    added = run_tutor(["ingest", str(extra)], tutor_home)
    assert added.returncode == 0, added.stderr
    # The document list (the Library page) sees it before any search has run.
    assert {d.doc_id for d in get_store().documents()} == {"study-note.txt", "glacier.md"}

    after = retriever.search("What is Amazon S3 Glacier?", k=3)
    assert after.passages[0].title == "Amazon S3 Glacier"
    assert "glacier.md" in {d.doc_id for d in get_store().documents()}

    # And a change of that file, made elsewhere, replaces the old text rather than erroring or duplicating.
    (extra / "glacier.md").write_text(GLACIER.replace("minutes to hours", "one to twelve hours"))
    updated = run_tutor(["ingest", str(extra)], tutor_home)
    assert updated.returncode == 0, updated.stderr
    texts = [
        p.text
        for p in retriever.search("How long does a Glacier retrieval take?", k=5).passages
        if p.doc_id == "glacier.md"
    ]
    assert len(texts) == 1 and "one to twelve hours" in texts[0]
