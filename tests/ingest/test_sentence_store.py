"""Sentence vectors stored with the index at ingest: reused by later ingests, dropped with their documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.pipeline import ingest_paths, remove_document
from ingest.store import SENTENCE_DB, ChunkStore, SentenceVectorStore, make_client, sentence_texts

GLACIER = """# Archival storage

Amazon S3 Glacier keeps archives for years at a very low price. Retrieval takes minutes to hours depending
on the tier you choose. Vault lock policies stop anyone from deleting archives before their retention ends.
"""
KINESIS = """# Streaming data

Kinesis Data Streams ingests records from many producers in real time. Each shard accepts a fixed number of
writes per second. Consumers read records in order within a shard and can replay them for a day.
"""
SHARED = "Every service in these notes bills by the hour of use."


@pytest.fixture
def embedded(minilm: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the shared embedder is asked to embed during the test (call ``.clear()`` to start over)."""
    texts: list[str] = []
    original = minilm.embed

    def counting(batch: list[str]) -> np.ndarray:
        texts.extend(batch)
        result: np.ndarray = original(batch)
        return result

    monkeypatch.setattr(minilm, "embed", counting)
    return texts


def _store(root: Path, embedder: Any) -> ChunkStore:
    chroma = root / "chroma"
    sentences = SentenceVectorStore(chroma / SENTENCE_DB, embedder.model_id, embedder.dimension)
    return ChunkStore(make_client(chroma), embedder, sentences=sentences)


def _sentences(store: ChunkStore, doc_id: str) -> list[str]:
    return [t for c in store.all_chunks() if c.doc_id == doc_id for t in sentence_texts(c.text)]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "glacier.md").write_text(GLACIER + "\n" + SHARED + "\n")
    return folder


def test_ingest_stores_every_sentence_once(
    docs: Path, tmp_path: Path, minilm: Any, embedded: list[str]
) -> None:
    store = _store(tmp_path, minilm)
    ingest_paths([docs], store)
    sentences = _sentences(store, "glacier.md")
    assert sentences and store.sentences is not None
    stored = store.sentences.get(sentences)
    assert set(stored) == set(sentences)
    embedded_sentences = [t for t in embedded if t in set(sentences)]
    assert len(embedded_sentences) == len(set(embedded_sentences))  # none embedded twice
    # the stored vector is the embedder's vector of that sentence
    text = sentences[1]
    assert float(stored[text] @ minilm.embed([text])[0]) > 0.999


def test_ingesting_another_file_reuses_the_stored_vectors(
    docs: Path, tmp_path: Path, minilm: Any, embedded: list[str]
) -> None:
    ingest_paths([docs], _store(tmp_path, minilm))
    (docs / "kinesis.md").write_text(KINESIS + "\n" + SHARED + "\n")
    embedded.clear()
    store = _store(tmp_path, minilm)  # a later run: a new store object over the same folder
    report = ingest_paths([docs], store)
    assert report.added == 1 and report.unchanged == 1
    assert not set(embedded) & set(
        _sentences(store, "glacier.md")
    )  # the first file's sentences are not redone
    assert store.sentences is not None
    assert set(store.sentences.get(_sentences(store, "glacier.md"))) == set(_sentences(store, "glacier.md"))


def test_a_rebuild_reuses_the_stored_vectors(
    docs: Path, tmp_path: Path, minilm: Any, embedded: list[str]
) -> None:
    ingest_paths([docs], _store(tmp_path, minilm))
    embedded.clear()
    store = _store(tmp_path, minilm)
    ingest_paths([docs], store, rebuild=True)
    sentences = set(_sentences(store, "glacier.md"))
    assert not set(embedded) & sentences  # only the chunks were embedded again
    assert store.sentences is not None and store.sentences.referenced_by("glacier.md") == len(sentences)


def test_removing_a_document_drops_the_sentences_only_it_used(
    docs: Path, tmp_path: Path, minilm: Any
) -> None:
    (docs / "kinesis.md").write_text(KINESIS + "\n" + SHARED + "\n")
    store = _store(tmp_path, minilm)
    ingest_paths([docs], store)
    assert store.sentences is not None
    kinesis = _sentences(store, "kinesis.md")
    assert SHARED in kinesis
    assert remove_document(store, "kinesis.md")
    left = store.sentences.get(kinesis)
    assert set(left) == {SHARED}  # still used by glacier.md
    assert store.sentences.referenced_by("kinesis.md") == 0


def test_an_edited_document_keeps_only_its_new_version(docs: Path, tmp_path: Path, minilm: Any) -> None:
    store = _store(tmp_path, minilm)
    ingest_paths([docs], store)
    old = set(_sentences(store, "glacier.md")) - {SHARED}
    (docs / "glacier.md").write_text(KINESIS + "\n" + SHARED + "\n")
    ingest_paths([docs], store)
    assert store.sentences is not None
    assert not store.sentences.get(sorted(old))
    assert set(store.sentences.get(_sentences(store, "glacier.md"))) == set(_sentences(store, "glacier.md"))


def test_an_index_built_without_sentence_vectors_gets_them_on_the_next_ingest(
    docs: Path, tmp_path: Path, minilm: Any
) -> None:
    ingest_paths([docs], ChunkStore(make_client(tmp_path / "chroma"), minilm))
    store = _store(tmp_path, minilm)
    report = ingest_paths([docs], store)
    assert report.unchanged == 1
    assert store.sentences is not None
    sentences = _sentences(store, "glacier.md")
    assert set(store.sentences.get(sentences)) == set(sentences)


def test_another_embedding_model_empties_the_store(tmp_path: Path) -> None:
    path = tmp_path / SENTENCE_DB
    first = SentenceVectorStore(path, "model-a", 3)
    first.put({"A sentence.": np.ones(3, dtype=np.float32)})
    assert first.count() == 1
    first.close()
    assert SentenceVectorStore(path, "model-a", 3).get(["A sentence."])
    assert not SentenceVectorStore(path, "model-b", 3).get(["A sentence."])


def test_an_unreadable_store_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / SENTENCE_DB
    path.write_bytes(b"this is not a database" * 100)
    store = SentenceVectorStore(path, "model-a", 3)
    assert store.get(["A sentence."]) == {}
    store.put({"A sentence.": np.ones(3, dtype=np.float32)})  # logged, not raised: it is only a cache
