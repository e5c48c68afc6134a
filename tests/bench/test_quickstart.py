"""The LangChain quickstart baseline (tutor/quickstart.py) builds on the real corpus and retrieves from it."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from evals.quickstart import CHUNK_OVERLAP, CHUNK_SIZE, build_quickstart, load_directory, split_documents

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    return build_quickstart([CORPUS], tmp_path_factory.mktemp("quickstart-chroma"))


def test_loads_every_corpus_file_and_splits_1000_200() -> None:
    docs = load_directory([CORPUS])
    assert {Path(d.metadata["source"]).name for d in docs} == {
        p.name
        for p in CORPUS.iterdir()
        if p.is_file() and p.suffix != ".toml"  # the course profile is no document
    }
    chunks = split_documents(docs)
    assert len(chunks) > len(docs)
    assert max(len(c.page_content) for c in chunks) <= CHUNK_SIZE
    # Neighbouring chunks of a document overlap where the splitter could carry text over (<= 200 characters).
    pairs = [(a, b) for a, b in pairwise(chunks) if a.metadata["source"] == b.metadata["source"]]
    overlaps = [a.metadata["start_index"] + len(a.page_content) - b.metadata["start_index"] for a, b in pairs]
    assert any(0 < o <= CHUNK_OVERLAP for o in overlaps)


def test_builds_a_persisted_chroma_store(index) -> None:
    assert index.documents == 5
    assert index.chunks > 50
    assert index.store._collection.count() == index.chunks


def test_retrieves_relevant_text_with_its_source(index) -> None:
    hits = index.retrieve("What is Amazon SageMaker Ground Truth used for?", k=4)
    assert len(hits) == 4
    assert all(isinstance(text, str) and text and Path(source).parent == CORPUS for text, source in hits)
    assert any("ground truth" in text.lower() for text, _ in hits)
