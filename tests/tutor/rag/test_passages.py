"""A passage's section, named as the subject of a sentence, loses its number but keeps its words."""

import pytest

from ingest.models import ChunkRef
from tutor.rag.passages import subject


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Chapter 11. Loops > 11.4. Testing and Branching", "Testing and Branching"),
        ("Chapter 1. Shell Programming!", "Shell Programming!"),
        ("Appendix A. Glossary", "Glossary"),
        ("Part IV. Advanced Topics", "Advanced Topics"),
        ("Part of speech tagging", "Part of speech tagging"),  # "Part" as a word, not a numbered part
        ("2021 Releases", "2021 Releases"),  # a year names the section
        ("Chapter Summary", "Chapter Summary"),
    ],
)
def test_a_section_name_loses_only_its_number(heading: str, expected: str) -> None:
    chunk = ChunkRef(doc_id="d", title="Guide", heading=heading, text="Some text.", start=0, end=10)
    assert subject(chunk) == expected
