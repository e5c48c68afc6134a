"""Citations that name what they cite: a chip is labelled with the deepest heading holding the sentence that
backs the claim (not the chunk's first heading), and its support span is that sentence.

A short section shares a chunk with the one before it, so one chunk can hold two headings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from ingest.chunk import chunk_document
from ingest.models import Document
from tutor.rag.passages import label
from tutor.schema import Passage, citation_from_passage
from ui.components import short_label, support_span

NOTES = """# Garden tools

## Pruning shears

Pruning shears cut stems up to two centimetres thick with a scissor action.

## Loppers

Loppers have long handles that give leverage for cutting branches up to five centimetres thick.
"""
BACKING = "Loppers have long handles that give leverage for cutting branches up to five centimetres thick."


def _chunk() -> Any:
    chunks = chunk_document(Document("garden.md", "garden.md", "md", "Garden tools", NOTES))
    assert len(chunks) == 1, "both short sections share one chunk"
    return chunks[0]


def test_a_chunk_records_the_sections_that_start_inside_it() -> None:
    chunk = _chunk()
    assert chunk.heading.split(" > ")[-1] != "Loppers"
    assert [path.split(" > ")[-1] for _, path in chunk.sections] == ["Pruning shears", "Loppers"]
    for offset, path in chunk.sections:
        assert NOTES[offset:].startswith("## " + path.split(" > ")[-1])
    at = NOTES.index(BACKING)
    assert chunk.heading_at(at).endswith("Loppers")
    assert chunk.heading_at(NOTES.index("Pruning shears cut")).endswith("Pruning shears")
    assert chunk.heading_at(chunk.start) == chunk.heading


def test_the_chip_names_the_heading_over_the_backing_sentence() -> None:
    chunk = _chunk()
    passage = Passage(
        **chunk.model_dump(exclude={"tokens", "index"}), sections=chunk.sections, rank=1, score=0.9
    )
    citation = citation_from_passage(passage, 1, BACKING)
    assert citation.heading.split(" > ")[-1] == "Loppers"
    assert label(citation) == "Loppers" and short_label(citation) == "Loppers"
    assert label(passage, passage.start + passage.text.index(BACKING)) == "Loppers"
    span = support_span(citation.text, citation.support)
    assert span is not None and citation.text[span[0] : span[1]] == BACKING
    # A support sentence under the chunk's first heading keeps that heading.
    first = citation_from_passage(
        passage, 1, "Pruning shears cut stems up to two centimetres thick with a scissor action."
    )
    assert label(first) == "Pruning shears"


@pytest.fixture
def garden(tutor_home: Path, minilm: Any) -> Any:
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor

    corpus = tutor_home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "garden.md").write_text(NOTES)
    report = ingest()
    assert report.added == 1 and not report.errors
    return get_tutor()


def test_an_answer_cites_the_sub_heading_it_uses(garden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the index (the sections survive Chroma) and the answer pipeline: a model's sentence grounded
    on the Loppers sentence gets a chip named "Loppers", whose support is that sentence."""
    passages = garden.retriever.search("What are loppers?", k=3).passages
    assert passages[0].sections, "the sections are read back from the index"
    model = GenericFakeChatModel(
        messages=iter(
            [AIMessage(content="Loppers have long handles for leverage when cutting thick branches [1].")]
        )
    )
    monkeypatch.setattr(
        "tutor.rag.pipeline.get_chat_model",
        lambda backend, settings=None: None if backend == "extractive" else model,
    )
    answer = garden.ask("What are loppers?", backend="local")
    assert answer.citations, answer
    c = answer.citations[0]
    assert short_label(c) == "Loppers" and c.title == "Garden tools"
    assert c.support == BACKING
    # Whichever sentence the extractive answer takes as a passage's support, the chip names its section.
    extractive = garden.ask("What are loppers?", backend="extractive")
    for c in extractive.citations:
        p = next(p for p in extractive.passages if p.rank == c.n)
        assert c.heading == p.heading_at(p.start + p.text.index(c.support.strip()))


def test_corpus_citations_are_labelled_by_the_section_holding_their_support(tutor) -> None:  # type: ignore[no-untyped-def]
    """The study notes put "Athena:" and its bullets in the same chunk as "Glue:": a chip for the Athena
    bullets must not read "Glue"."""
    for question in ("What is Amazon Athena?", "Which service is an interactive query service?"):
        answer = tutor.ask(question, backend="extractive")
        for c in answer.citations:
            p = next(p for p in answer.passages if p.rank == c.n)
            at = p.text.index(c.support.strip())
            assert c.heading == p.heading_at(p.start + at)
            if "interactive query service" in c.support or c.support.strip() == "Athena:":
                assert short_label(c) == "Athena", c
