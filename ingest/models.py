"""Plain data passed between ingest stages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class RawDocument:
    """What a loader read: text segments (one per PDF page, one for other formats) and a title hint."""

    doc_id: str
    source: str
    format: str
    segments: tuple[str, ...]
    title: str | None = None
    # First page number of segments[0]; only PDFs have pages.
    paged: bool = False


@dataclass(frozen=True)
class Document:
    """A cleaned document. Every chunk offset indexes ``text``."""

    doc_id: str
    source: str
    format: str
    title: str
    text: str
    # (start offset in text, page number) for each page, ascending; empty when the format has no pages.
    page_starts: tuple[tuple[int, int], ...] = field(default=())

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start <= offset:
                page = number
            else:
                break
        return page


class ChunkRef(BaseModel):
    """The fields that locate a passage in a cleaned document: ``text == cleaned_text[start:end]``.

    One record type for every stage that carries a chunk: ``Chunk`` (chunker), ``StoredChunk`` (the index),
    and the tutor's ``Passage`` and ``Citation``.
    """

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    heading: str  # the heading path the chunk starts under ("Chapter > Section")
    text: str
    start: int
    end: int
    page: int | None = None
    # Sections that start inside the chunk after its first: (offset in the cleaned document where the section's
    # heading line starts, its heading path), ascending. Not part of the JSON contract.
    sections: tuple[tuple[int, str], ...] = Field(default=(), exclude=True)

    def heading_at(self, offset: int) -> str:
        """The heading path of the deepest section holding document offset ``offset`` (a sentence's start):
        the chunk's own heading unless a later heading inside the chunk comes before it."""
        heading = self.heading
        for start, path in self.sections:
            if start > offset:
                break
            heading = path
        return heading


class Chunk(ChunkRef):
    """A token-sized, sentence-aligned slice of a cleaned document."""

    tokens: int
    index: int

    def embedding_text(self) -> str:
        """What gets embedded: the passage with its title and heading path, so short passages keep context."""
        context = " > ".join(part for part in (self.title, self.heading) if part)
        return f"{context}\n{self.text}" if context else self.text


class StoredChunk(ChunkRef):
    """A chunk as the index returns it, with its id; ``similarity`` is set by a vector query."""

    id: str
    source: str = ""
    chunk_index: int = 0
    similarity: float | None = None

    @classmethod
    def from_row(
        cls, cid: str, text: str, meta: dict[str, Any], similarity: float | None = None
    ) -> StoredChunk:
        return cls(
            id=cid,
            doc_id=str(meta["doc_id"]),
            title=str(meta.get("title", "")),
            heading=str(meta.get("heading", "")),
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            page=int(meta["page"]) if meta.get("page") is not None else None,
            sections=tuple((int(o), str(h)) for o, h in json.loads(str(meta.get("sections") or "[]"))),
            source=str(meta.get("source", "")),
            chunk_index=int(meta.get("chunk_index", 0)),
            similarity=similarity,
        )
