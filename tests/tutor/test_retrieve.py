"""Sentence rescoring in retrieval, on a real index (Chroma + MiniLM) of two small documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.pipeline import ingest_paths
from ingest.store import ChunkStore, make_client
from tutor.rag.retrieve import FusionParams, Retriever

# One sentence answers the question; the rest of its passage is about other S3 features, which dilutes the
# passage's vector below that of an off-topic passage sharing the question's everyday words.
STORAGE = """# Storage for machine learning

Amazon S3 is object storage with eleven nines of durability. Buckets hold objects of any type, and lifecycle
rules move old objects to cheaper storage classes. Versioning keeps every revision of an object, and
replication copies objects to another Region. S3 Select reads part of an object with SQL. Access points give
each application its own permissions on a shared bucket. If your team already keeps its data on Amazon EFS,
training jobs can read it in place without copying it to S3 first.
"""
ONBOARDING = """# Onboarding a data team

New data scientists get a laptop, a training budget and a mentor in their first week. The team keeps its
coding standards, review checklists and onboarding notes in a shared wiki. Training sessions on the team's
tools run every month, and everyone reads the security policy before touching data.
"""
QUESTION = "Can training read data straight from the team's shared file system without copying it?"


def _store(tmp_path: Path, minilm: Any) -> ChunkStore:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "storage.md").write_text(STORAGE)
    (docs / "onboarding.md").write_text(ONBOARDING)
    store = ChunkStore(make_client(tmp_path / "chroma"), minilm)
    ingest_paths([docs], store)
    return store


def test_the_passage_with_the_answering_sentence_wins_on_meaning(tmp_path: Path, minilm: Any) -> None:
    store = _store(tmp_path, minilm)
    dense_only = {"method": "linear", "linear_alpha": 1.0}  # no BM25: the embedding signals alone
    passage_vectors = Retriever(store, minilm, FusionParams(**dense_only, sentence_weight=0.0)).search(
        QUESTION, k=2
    )
    assert (
        passage_vectors.passages[0].doc_id == "onboarding.md"
    )  # what a passage-level embedding alone ranks first

    result = Retriever(store, minilm, FusionParams(**dense_only)).search(QUESTION, k=2)
    top = result.passages[0]
    assert top.doc_id == "storage.md"
    assert top.sentence > top.dense + 0.1  # its EFS sentence is much closer to the question than the passage
    assert "sentences" in result.timings_ms


def test_default_retrieval_ranks_it_first_and_reuses_sentence_vectors(
    tmp_path: Path, minilm: Any, monkeypatch: Any
) -> None:
    store = _store(tmp_path, minilm)
    retriever = Retriever(store, minilm)
    assert retriever.search(QUESTION, k=2).passages[0].doc_id == "storage.md"
    calls: list[int] = []
    original = minilm.embed
    monkeypatch.setattr(minilm, "embed", lambda texts: calls.append(len(texts)) or original(texts))
    retriever.search(QUESTION, k=2)
    assert calls == [1]  # only the query: the passages' sentence vectors are cached
