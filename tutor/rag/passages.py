"""How a passage is named and which of its lines are headings (shared by the prompt, answers and refusals)."""

from __future__ import annotations

import re

from ingest.models import ChunkRef
from tutor.schema import Passage


def label(p: ChunkRef, at: int | None = None) -> str:
    """The topic a passage is shown under (in the prompt, as a nearby topic in a refusal, on a citation chip):
    its deepest heading, else its document's title. With ``at`` (a document offset, e.g. where the sentence
    an answer uses starts), the deepest heading holding that offset, which can be a sub-heading inside the
    chunk. A Citation's own heading already is the one holding its support sentence."""
    heading = p.heading if at is None else p.heading_at(at)
    return heading.split(" > ")[-1].strip() if heading else p.title


# "11.4. ", "Chapter 7. ", "Section 2 ": where a heading sits in the book, not what it is about.
_SECTION_NUMBER = re.compile(
    r"^(?:(?:chapter|section|part|appendix)\s+(?:\d+|(?-i:[IVXLC]+|[A-Z]))\b\.?|\d+(?:\.\d+)*\.)\s+(?=\S)",
    re.I,
)


def subject(p: ChunkRef, at: int | None = None) -> str:
    """The passage's topic as the subject of a sentence ("Testing and Branching: ..."), without its number."""
    name = label(p, at)
    return _SECTION_NUMBER.sub("", name) or name


def is_heading(text: str, p: Passage) -> bool:
    """A line that is one of the passage's own headings says nothing by itself."""
    bare = text.rstrip(":").strip().lower()
    return any(bare == h.strip().lower() for h in p.heading.split(" > ")) if p.heading else False
