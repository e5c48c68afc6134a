"""How a passage is named and which of its lines are headings (shared by the prompt, answers and refusals)."""

from __future__ import annotations

from tutor.schema import Passage


def label(p: Passage) -> str:
    """The topic a passage is shown under: in the prompt, and as a nearby topic in a refusal."""
    return p.heading.split(" > ")[-1] if p.heading else p.title


def is_heading(text: str, p: Passage) -> bool:
    """A line that is one of the passage's own headings says nothing by itself."""
    bare = text.rstrip(":").strip().lower()
    return any(bare == h.strip().lower() for h in p.heading.split(" > ")) if p.heading else False
