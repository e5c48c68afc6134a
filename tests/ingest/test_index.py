"""The index, for real: an embedded Chroma PersistentClient in a temp folder and the MiniLM embedder.

Incremental re-ingest (unchanged / changed / deleted files), no duplicates, a change of embedding model,
runs that die part-way (simulated in-process, and a real SIGKILL of ``python -m tutor ingest``), and
per-file errors that leave everything else alone.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.chunk import chunk_document
from ingest.clean import clean_document
from ingest.load import load_file
from ingest.pipeline import ChunkParams, IngestReport, ingest_paths, remove_document
from ingest.store import ChunkStore, make_client

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS_NAMES = sorted(
    p.name for p in (Path(__file__).resolve().parents[2] / "corpus").iterdir() if p.suffix != ".toml"
)


# -- helpers ----------------------------------------------------------------------------------------

_TOPICS = [
    "Amazon S3 stores training data",
    "Kinesis Data Streams carries events",
    "Glue crawlers build a catalog",
    "Athena queries data in place",
    "SageMaker trains the model",
    "XGBoost handles tabular data",
    "Model Monitor watches drift",
    "KMS encrypts the artifacts",
    "Lambda transforms records",
    "Ground Truth labels images",
    "Autopilot tries many pipelines",
    "Batch Transform scores files",
]


def study_text(i: int, version: int = 0, sections: int = 2, sentences: int = 6) -> str:
    """A small study document whose every sentence is unique to (document, version)."""
    lines = [f"# Study unit {i}", ""]
    for s in range(sections):
        lines += [f"## Part {s} of unit {i}", ""]
        para = [
            f"In unit {i} part {s} note {n}, {_TOPICS[(i + s + n) % len(_TOPICS)]} and revision {version} explains why it matters."
            for n in range(sentences)
        ]
        lines += [" ".join(para), ""]
    return "\n".join(lines)


def write_docs(folder: Path, n: int, **kwargs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"unit-{i:02d}.md"
        path.write_text(study_text(i, **kwargs))
        paths.append(path)
    return paths


def new_store(base: Path, embedder: Any) -> ChunkStore:
    return ChunkStore(make_client(base / "chroma"), embedder)


def stored(store: ChunkStore) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """doc_id -> [(id, text, metadata)] sorted by chunk index."""
    by_doc: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for got in store.records(["documents", "metadatas"]):
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            by_doc[meta["doc_id"]].append((cid, text, meta))
    return {d: sorted(rows, key=lambda r: r[2]["chunk_index"]) for d, rows in by_doc.items()}


def ids_of(store: ChunkStore) -> dict[str, list[str]]:
    return {d: [r[0] for r in rows] for d, rows in stored(store).items()}


def expected_chunks(path: Path, doc_id: str, params: ChunkParams | None = None) -> list[str]:
    p = params or ChunkParams()
    doc = clean_document(load_file(path, doc_id=doc_id))
    return [c.text for c in chunk_document(doc, p.max_tokens, p.overlap_tokens, p.min_tokens)]


def assert_index_matches(
    store: ChunkStore, files: dict[str, Path], params: ChunkParams | None = None
) -> None:
    """The index holds exactly ``files`` (doc_id -> path): each once, complete, current; nothing else."""
    got = store.collection.get(include=["metadatas"])
    assert len(got["ids"]) == len(set(got["ids"])), "duplicate ids"
    docs = stored(store)
    assert set(docs) == set(files), "orphans or missing documents"
    total = 0
    for doc_id, rows in docs.items():
        metas = [r[2] for r in rows]
        assert len({m["doc_hash"] for m in metas}) == 1, f"{doc_id}: more than one version indexed"
        n_chunks = metas[0]["n_chunks"]
        assert [m["chunk_index"] for m in metas] == list(range(n_chunks)), (
            f"{doc_id}: incomplete or duplicated"
        )
        assert [r[1] for r in rows] == expected_chunks(files[doc_id], doc_id, params), (
            f"{doc_id}: not the current text"
        )
        total += n_chunks
    assert store.count() == total


def top_doc(store: ChunkStore, embedder: Any, text: str) -> str:
    hits = store.query(embedder.embed([text])[0], 1)
    return hits[0].doc_id


def no_change(report: IngestReport) -> bool:
    return report.added == report.updated == report.removed == 0 and not report.errors


# -- incremental re-ingest on the real corpus ---------------------------------------------------------


def test_first_ingest_indexes_the_corpus_once(corpus_index: Any) -> None:
    report = corpus_index.report
    assert (report.added, report.updated, report.removed, report.unchanged) == (5, 0, 0, 0)
    files = {p.name: p for p in corpus_index.corpus.iterdir()}
    assert_index_matches(corpus_index.store, files)
    assert report.chunks == corpus_index.store.count() > 50
    titles = {d.doc_id: d.title for d in corpus_index.store.documents()}
    assert titles["aws-for-ml-engineers-blog.md"] == "AWS for Machine Learning Engineers"


def test_reingest_of_an_unchanged_corpus_does_nothing_and_is_fast(corpus_index: Any) -> None:
    before = ids_of(corpus_index.store)
    report = ingest_paths([corpus_index.corpus], corpus_index.store)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    assert not report.errors and not report.messages
    assert report.chunks == corpus_index.report.chunks
    assert ids_of(corpus_index.store) == before
    # The bar: a no-op re-ingest takes under a tenth of the first run.
    assert report.seconds < corpus_index.report.seconds / 10


def test_reingest_embeds_nothing_when_nothing_changed(
    corpus_index: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    embedder = corpus_index.store.embedder
    original = embedder.embed
    monkeypatch.setattr(embedder, "embed", lambda texts: calls.append(len(texts)) or original(texts))
    ingest_paths([corpus_index.corpus], corpus_index.store)
    assert calls == []


# -- incremental re-ingest on small documents --------------------------------------------------------


def test_changed_file_is_reembedded_alone(
    tmp_path: Path, minilm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 3)
    store = new_store(tmp_path, minilm)
    first = ingest_paths([folder], store)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    before = ids_of(store)

    changed = paths[1]
    changed.write_text(
        study_text(1, version=1) + "\nGradient clipping keeps exploding gradients in check during training.\n"
    )
    embedded: list[str] = []
    original = minilm.embed
    monkeypatch.setattr(minilm, "embed", lambda texts: embedded.extend(texts) or original(texts))
    report = ingest_paths([folder], store)
    monkeypatch.undo()

    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 2)
    after = ids_of(store)
    assert after["unit-00.md"] == before["unit-00.md"]
    assert after["unit-02.md"] == before["unit-02.md"]
    assert not set(after["unit-01.md"]) & set(before["unit-01.md"])  # the old version is gone
    # Only the changed document's chunks went through the embedder.
    assert embedded and all("unit 1 " in t or "Gradient clipping" in t for t in embedded)
    assert len(embedded) == len(after["unit-01.md"])
    assert_index_matches(store, {p.name: p for p in paths})
    assert top_doc(store, minilm, "How does gradient clipping help with exploding gradients?") == "unit-01.md"


def test_deleted_file_is_removed_from_the_index(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 3)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    paths[2].unlink()
    report = ingest_paths([folder], store)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 1, 2)
    assert "unit-02.md" not in store.manifest()
    assert_index_matches(store, {p.name: p for p in paths[:2]})
    # Removing is not repeated.
    assert no_change(ingest_paths([folder], store))


def test_files_outside_the_scanned_folder_are_kept(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 2)
    extra = tmp_path / "elsewhere" / "extra-notes.txt"
    extra.parent.mkdir()
    shutil.copy(FIXTURES / "study-note.txt", extra)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    assert ingest_paths([extra], store).added == 1
    report = ingest_paths([folder], store)
    assert (report.removed, report.unchanged) == (0, 2)
    assert_index_matches(store, {**{p.name: p for p in paths}, "extra-notes.txt": extra})


def test_no_duplicates_however_often_and_however_a_file_is_named(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 3)
    store = new_store(tmp_path, minilm)
    for _ in range(3):
        ingest_paths([folder], store)
    # The same file given directly, and the folder given twice.
    assert ingest_paths([paths[0]], store).unchanged == 1
    assert no_change(ingest_paths([folder, folder], store))
    paths[0].write_text(study_text(0, version=2))
    ingest_paths([folder], store)
    ingest_paths([folder], store)
    manifest = store.manifest()
    assert store.count() == sum(state.chunk_count for state in manifest.values())
    assert_index_matches(store, {p.name: p for p in paths})


def test_rebuild_starts_over_with_the_same_result(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 2)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    report = ingest_paths([folder], store, rebuild=True)
    assert report.added == 2 and any("Rebuilding" in m for m in report.messages)
    assert_index_matches(store, {p.name: p for p in paths})


def test_remove_document(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 2)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    version = store.version
    assert remove_document(store, "unit-00.md") is True
    assert store.version != version  # retrieval caches notice
    assert remove_document(store, "unit-00.md") is False
    assert_index_matches(store, {"unit-01.md": paths[1]})


def test_the_index_survives_a_new_client_on_the_same_path(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 2)
    ingest_paths([folder], new_store(tmp_path, minilm))
    reopened = new_store(tmp_path, minilm)
    assert no_change(ingest_paths([folder], reopened))
    assert_index_matches(reopened, {p.name: p for p in paths})


# -- a different embedding model -----------------------------------------------------------------------


@register_embedding_function
class TinyHashEmbedder(EmbeddingFunction[Documents]):
    """A stand-in 'other model': 16-dimensional hashed bag of words (MiniLM has 384)."""

    model_id = "test/tiny-hash-16"
    dim = 16

    def __init__(self) -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "tutor_test_tiny_hash_embedder"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> TinyHashEmbedder:
        return TinyHashEmbedder()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def is_legacy(self) -> bool:
        return False


def test_a_different_embedding_model_reembeds_everything_with_a_message(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 3)
    with paths[2].open("a") as f:
        f.write("\nSpot instances cut the cost of training jobs by up to ninety percent.\n")
    files = {p.name: p for p in paths}
    first = ingest_paths([folder], new_store(tmp_path, minilm))
    assert first.added == 3

    # Same folder, same index path, another model with another dimension: no dimension-mismatch crash.
    tiny = TinyHashEmbedder()
    other = new_store(tmp_path, tiny)
    report = ingest_paths([folder], other)
    assert report.added == 3 and report.unchanged == 0 and not report.errors
    assert any(tiny.model_id in m and "Re-embedding" in m for m in report.messages), report.messages
    assert (other.collection.metadata or {}).get("embedding_model") == tiny.model_id
    assert_index_matches(other, files)
    assert len(other.query(tiny.embed(["unit 2 part 1"])[0], 3)) == 3
    assert no_change(ingest_paths([folder], other))

    # And back again, through a fresh client as after a restart.
    back = new_store(tmp_path, minilm)
    report = ingest_paths([folder], back)
    assert report.added == 3
    assert any(minilm.model_id in m for m in report.messages)
    assert_index_matches(back, files)
    assert top_doc(back, minilm, "How can spot instances lower training costs?") == "unit-02.md"


# -- runs that die part-way, simulated in-process -------------------------------------------------------


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing on the way up swallows it."""


def test_death_between_upsert_and_cleanup_is_repaired(
    tmp_path: Path, minilm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 3)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    paths[0].write_text(study_text(0, version=1))

    def die(*args: Any, **kwargs: Any) -> None:
        raise Killed

    monkeypatch.setattr(store, "delete_versions", die)
    with pytest.raises(Killed):
        ingest_paths([folder], store)
    monkeypatch.undo()
    # Both versions of unit-00 are in the index now; the next run sweeps the old one.
    assert len(store.manifest()["unit-00.md"].versions) == 2
    report = ingest_paths([folder], store)
    assert report.errors == ()
    assert_index_matches(store, {p.name: p for p in paths})


@pytest.mark.parametrize("change_first", [False, True], ids=["first-ingest", "update"])
def test_death_in_the_middle_of_an_upsert_is_repaired(
    tmp_path: Path, minilm: Any, monkeypatch: pytest.MonkeyPatch, change_first: bool
) -> None:
    folder = tmp_path / "docs"
    paths = write_docs(folder, 4, sections=3)
    store = new_store(tmp_path, minilm)
    if change_first:
        ingest_paths([folder], store)
        for i, p in enumerate(paths):
            p.write_text(study_text(i, version=1, sections=3))
    real_upsert = store.collection.upsert

    def half_then_die(**kwargs: Any) -> None:
        # Write up to the second chunk of the first document, so that document is half there.
        cut = next(i for i, meta in enumerate(kwargs["metadatas"]) if meta["chunk_index"] == 1)
        real_upsert(**{k: v[:cut] for k, v in kwargs.items()})
        raise Killed

    monkeypatch.setattr(store.collection, "upsert", half_then_die)
    with pytest.raises(Killed):
        ingest_paths([folder], store)
    monkeypatch.undo()
    partial = store.manifest()
    half_written = {
        d for d, state in partial.items() if any(have < want for want, have in state.versions.values())
    }
    assert half_written
    # A document whose only version is half written is not listed as if it were complete.
    listed = {d.doc_id for d in store.documents()}
    assert listed == {d for d, state in partial.items() if state.complete_hash()}
    if not change_first:
        assert not listed & half_written

    ingest_paths([folder], store)
    assert_index_matches(store, {p.name: p for p in paths})


# -- a real SIGKILL of `python -m tutor ingest` --------------------------------------------------------


def _sqlite_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as con:
            return int(con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        return -1


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"the ingest ended (exit {proc.returncode}) before it could be killed: {err[-2000:]}")
        if ready():
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(30) == -signal.SIGKILL
            return
        time.sleep(0.02)
    proc.kill()
    pytest.fail("the ingest never wrote anything")


@pytest.mark.slow
def test_sigkilled_ingest_leaves_an_index_the_next_run_repairs(
    tmp_path: Path, minilm: Any, make_env: Callable[..., dict[str, str]]
) -> None:
    folder = tmp_path / "docs"
    # 40 documents of ~15 small chunks: two upsert batches of 256 and a remainder, so the kill lands
    # between batches. Small chunks keep the embedding work (and the test) short.
    paths = write_docs(folder, 40, sections=5, sentences=3)
    files = {p.name: p for p in paths}
    params = ChunkParams(max_tokens=48, overlap_tokens=0, min_tokens=10)
    home = tmp_path / "home"
    db = home / "chroma" / "chroma.sqlite3"
    env = make_env(home, TUTOR_CHUNK_TOKENS="48", TUTOR_CHUNK_OVERLAP="0", TUTOR_CHUNK_MIN_TOKENS="10")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "tutor", "ingest", "--json", str(folder)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    # 1. Killed during the first ingest, once some chunks are in.
    _kill_when(start(), lambda: db.exists() and _sqlite_count(db) > 0)
    store = ChunkStore(make_client(home / "chroma"), minilm)
    killed_at = store.count()
    assert killed_at > 0
    report = ingest_paths([folder], store, params=params)
    assert not report.errors
    assert report.added + report.updated + report.unchanged == 40 and report.removed == 0
    assert report.added > 0  # some documents were not written before the kill
    assert_index_matches(store, files, params)
    complete = store.count()
    assert complete > 2 * 256

    # 2. Killed while re-embedding changed documents: old and new versions side by side at the kill.
    for i, p in enumerate(paths[:30]):
        p.write_text(study_text(i, version=1, sections=5, sentences=3))
    _kill_when(start(), lambda: _sqlite_count(db) not in (-1, complete))
    store = ChunkStore(make_client(home / "chroma"), minilm)
    report = ingest_paths([folder], store, params=params)
    assert not report.errors and report.removed == 0
    assert report.added + report.updated + report.unchanged == 40
    assert report.updated > 0
    assert_index_matches(store, files, params)
    # And the run after that has nothing left to do.
    assert no_change(ingest_paths([folder], store, params=params))


# -- per-file errors -----------------------------------------------------------------------------------

GOOD = [
    "study-note.txt",
    "front-matter-notes.md",
    "scraped-page.html",
    "section-page.htm",
    "two-pages.pdf",
    "legacy-encoding.html",
]


def test_bad_files_are_reported_by_name_and_the_rest_is_indexed(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(FIXTURES / "binary-image.txt", folder / "binary-image.txt")
    shutil.copy(FIXTURES / "empty.txt", folder / "empty.txt")
    shutil.copy(FIXTURES / "encrypted.pdf", folder / "encrypted.pdf")
    (folder / "broken.pdf").write_bytes((FIXTURES / "two-pages.pdf").read_bytes()[:300])
    (folder / "huge.txt").write_text("A very long note about feature stores. " * 2000)  # ~80 kB
    (folder / "lecture.docx").write_bytes(b"PK\x03\x04 a word file")
    (folder / ".hidden-notes.txt").write_text("Hidden files are skipped quietly.")

    store = new_store(tmp_path, minilm)
    report = ingest_paths([folder], store, max_bytes=50_000)
    assert report.added == len(GOOD)
    reasons = {e.file: e.reason for e in report.errors}
    assert set(reasons) == {
        "binary-image.txt",
        "empty.txt",
        "encrypted.pdf",
        "broken.pdf",
        "huge.txt",
        "lecture.docx",
    }
    assert "binary" in reasons["binary-image.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "encrypted" in reasons["encrypted.pdf"]
    assert "PDF" in reasons["broken.pdf"]
    assert "limit" in reasons["huge.txt"]
    assert "unsupported" in reasons["lecture.docx"] and ".docx" in reasons["lecture.docx"]
    assert_index_matches(store, {name: folder / name for name in GOOD})
    assert top_doc(store, minilm, "What does one-hot encoding create?") == "two-pages.pdf"
    pdf_pages = {r[2].get("page") for r in stored(store)["two-pages.pdf"]}
    assert pdf_pages == {1, 2}

    # The same bad files on the next run: reported again, nothing else touched.
    again = ingest_paths([folder], store, max_bytes=50_000)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, len(GOOD))
    assert {e.file for e in again.errors} == set(reasons)


def test_a_file_that_goes_bad_keeps_its_previous_chunks(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    store = new_store(tmp_path, minilm)
    ingest_paths([folder], store)
    before = ids_of(store)

    shutil.copy(FIXTURES / "binary-image.txt", folder / "study-note.txt")  # overwritten by an image
    (folder / "front-matter-notes.md").write_bytes(b"")  # emptied
    shutil.copy(FIXTURES / "encrypted.pdf", folder / "two-pages.pdf")  # replaced by a protected copy
    (folder / "scraped-page.html").unlink()  # really gone

    report = ingest_paths([folder], store)
    assert {e.file for e in report.errors} == {"study-note.txt", "front-matter-notes.md", "two-pages.pdf"}
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 1, 2)
    after = ids_of(store)
    for name in (
        "study-note.txt",
        "front-matter-notes.md",
        "two-pages.pdf",
        "section-page.htm",
        "legacy-encoding.html",
    ):
        assert after[name] == before[name], name
    assert "scraped-page.html" not in after
    # What was indexed before still answers.
    assert top_doc(store, minilm, "What does K-fold cross-validation do?") == "study-note.txt"
    assert top_doc(store, minilm, "What does one-hot encoding create?") == "two-pages.pdf"


def test_missing_path_is_an_error_not_a_crash(tmp_path: Path, minilm: Any) -> None:
    folder = tmp_path / "docs"
    write_docs(folder, 1)
    store = new_store(tmp_path, minilm)
    report = ingest_paths([folder, tmp_path / "no-such-folder"], store)
    assert report.added == 1
    assert [e.file for e in report.errors] == [str(tmp_path / "no-such-folder")]


# -- a Chroma server instead of the embedded store ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _use_chroma_server(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    from tutor.config import get_settings
    from tutor.store import _store_for

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    get_settings.cache_clear()
    _store_for.cache_clear()


@pytest.mark.slow
def test_ingest_and_ask_through_a_chroma_server(
    tmp_path: Path, tutor_home: Path, minilm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from tutor.documents import ingest, list_documents
    from tutor.rag.pipeline import get_tutor
    from tutor.rag.retrieve import Retriever
    from tutor.store import get_store

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[2] / "corpus", corpus)
    server_path = tmp_path / "server-data"
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(server_path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "chroma run exited"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "chroma run did not start listening"
            time.sleep(0.2)
        _use_chroma_server(monkeypatch, port)

        report = ingest([corpus])
        assert (report.added, report.errors) == (5, ())
        again = ingest([corpus])
        assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
        assert {d.doc_id for d in list_documents()} == set(CORPUS_NAMES)
        # The chunks live in the server, not in the local TUTOR_HOME.
        assert not (tutor_home / "chroma").exists()
        direct = chromadb.HttpClient(
            host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
        )
        assert direct.get_collection("study_chunks").count() == report.chunks

        result = Retriever(get_store(), minilm).search("What does Amazon Kinesis Data Firehose do?", k=5)
        assert result.passages and result.passages[0].doc_id == "aws-ml-specialty-exam-notes.txt"
        assert "Firehose" in result.passages[0].text

        answer = get_tutor().ask("What does Amazon Kinesis Data Firehose do?", backend="extractive")
        assert answer.answerable and answer.citations
        assert answer.citations[0].doc_id == "aws-ml-specialty-exam-notes.txt"
        assert "Firehose" in answer.answer
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    assert server_path.exists()


def test_an_unreachable_chroma_server_names_chroma_host(
    tutor_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor.documents import ingest
    from tutor.errors import TutorError

    port = _free_port()  # nothing listens there
    _use_chroma_server(monkeypatch, port)
    with pytest.raises(TutorError, match="CHROMA_HOST") as info:
        ingest([FIXTURES / "study-note.txt"])
    assert f"127.0.0.1:{port}" in str(info.value)
