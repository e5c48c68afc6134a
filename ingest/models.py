"""Plain data passed between ingest stages."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Chunk:
    """A token-sized, sentence-aligned slice of a cleaned document: ``text == doc.text[start:end]``."""

    doc_id: str
    title: str
    heading: str
    text: str
    start: int
    end: int
    tokens: int
    index: int
    page: int | None = None

    def embedding_text(self) -> str:
        """What gets embedded: the passage with its title and heading path, so short passages keep context."""
        context = " > ".join(part for part in (self.title, self.heading) if part)
        return f"{context}\n{self.text}" if context else self.text
