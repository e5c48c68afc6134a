"""A course without a profile (no vendor, no exam): checked items, topics from its documents, --domain."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from test_quiz_mining import HISTORY, MANUAL

from evals.quiz_validity import check_item
from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.quiz.gate import validate
from tutor.quiz.service import iter_quiz, list_topics, quiz_context

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = """# Appendix B. Glossary

- cache: a temporary storage area used to speed up frequent access to data that is expensive to fetch;
- mirror: a server that keeps a complete copy of the package archive for users close to it;
- daemon: a program that runs in the background and answers requests from other programs;
- tarball: a compressed archive of source files as published by the original developers;

A checksum is a short value computed from a file so that corruption or tampering can be detected.
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tutor.documents import ingest

    base = tmp_path_factory.mktemp("any-course")
    corpus = base / "corpus"
    corpus.mkdir()
    for name, text in (("manual.md", MANUAL), ("history.md", HISTORY), ("glossary.md", GLOSSARY)):
        (corpus / name).write_text(text, encoding="utf-8")
    models = ROOT / ".tutor" / "models"
    settings = get_settings().model_copy(
        update={
            "home": base / "home",
            "corpus_dir": corpus,
            "models_home": models if models.is_dir() else None,
        }
    )
    report = ingest(settings=settings)
    assert report.chunks > 0 and not report.errors
    return settings


def test_items_pass_the_gate_and_the_independent_check_and_cover_every_document(course: Settings) -> None:
    ctx = quiz_context(course)
    items = list(iter_quiz(n=12, backend="extractive", learner="any", seed=1, settings=course))
    assert len(items) >= 9
    chunks = {(c.doc_id, c.start): c.text for c in ctx.rows}
    for item in items:
        assert validate(item, ctx.bank).ok
        assert check_item(item, chunks.get((item.citation.doc_id, item.citation.start))) == []
    assert set(Counter(i.citation.doc_id for i in items)) == {"manual.md", "history.md", "glossary.md"}
    # No vendor's vocabulary leaks into a course that has none.
    assert not any("service" in i.question.lower() for i in items)


def test_topics_are_the_document_titles_and_domain_selects_one(course: Settings) -> None:
    topics = list_topics(course)
    assert topics.label == "topic" and len(topics.names) == 3
    glossary = next(n for n in topics.names if "Glossary" in n)
    items = list(iter_quiz(domain="glossary", n=3, backend="extractive", learner="dom", settings=course))
    assert (
        items
        and {i.domain for i in items} == {glossary}
        and {i.citation.doc_id for i in items} == {"glossary.md"}
    )
    with pytest.raises(TutorError, match=r"Unknown topic 'cooking'\. Use one of: 1 "):
        list(iter_quiz(domain="cooking", n=3, backend="extractive", settings=course))
