"""The data passed between tutor stages and printed by ``--json``: the fields below are that contract."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ingest.models import ChunkRef


class Passage(ChunkRef):
    """A retrieved chunk: its place in the ranking and how it scored."""

    rank: int
    score: float
    chunk_id: str = Field(default="", exclude=True)
    # Retrieval diagnostics; not part of the JSON contract.
    dense: float = Field(default=0.0, exclude=True)
    sentence: float = Field(default=0.0, exclude=True)  # best sentence's similarity
    lexical: float = Field(default=0.0, exclude=True)


class Citation(ChunkRef):
    """A passage the answer cites as [n], with the sentence of it that backs the claim."""

    n: int
    score: float
    support: str


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    rewritten_query: str
    answer: str
    answerable: bool
    backend: str
    citations: list[Citation]
    passages: list[Passage]
    timings_ms: dict[str, int]
    # Sentences the model wrote that no passage supports; removed from ``answer`` and listed for transparency.
    unsupported: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


def citation_from_passage(p: Passage, n: int, support: str) -> Citation:
    """Passage ``p`` cited as [n] for ``support`` (its sentence that backs the claim). The citation's heading is
    the deepest heading holding that sentence, which can be a later sub-heading inside the chunk."""
    at = p.text.find(support.strip()) if support.strip() else -1
    return Citation(
        n=n,
        doc_id=p.doc_id,
        title=p.title,
        heading=p.heading_at(p.start + at) if at >= 0 else p.heading,
        text=p.text,
        start=p.start,
        end=p.end,
        score=p.score,
        support=support,
        page=p.page,
    )
