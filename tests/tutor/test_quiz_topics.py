"""Course topics: from the profile when it lists them, else from the documents; parsing --domain; assignment."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.models import StoredChunk
from tutor.course import EMPTY, CourseProfile, Topic
from tutor.errors import TutorError
from tutor.quiz.topics import TopicClassifier, course_topics, parse_topic

PROFILE = CourseProfile(
    exam_domains=True,
    topics=(
        Topic(
            name="Storage",
            description="disks, files and backups",
            aliases=("1", "first", "disks"),
            headings=(r"Part 1\b",),
        ),
        Topic(
            name="Networking", description="addresses, routes and firewalls", aliases=("2", "second", "net")
        ),
    ),
)


def chunk(doc: str, heading: str, start: int, title: str = "") -> StoredChunk:
    return StoredChunk(
        id=f"{doc}::{start}",
        doc_id=doc,
        title=title or doc,
        heading=heading,
        text="x",
        start=start,
        end=start + 1,
    )


def fake_embed(texts: list[str]) -> np.ndarray:
    """One axis per word family, enough to tell the topics apart."""
    axes = ("disk", "route")
    out = np.array([[float(a in t.lower()) for a in axes] for t in texts], dtype=np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_parse_topic_accepts_a_number_a_name_an_alias_or_an_ordinal() -> None:
    topics = PROFILE.topics
    for value in ("1", "Storage", "storage", "first", "disks", "Domain 1", "stor"):
        assert parse_topic(value, topics, "exam domain") == "Storage"
    assert parse_topic("net", topics) == "Networking"
    with pytest.raises(
        TutorError, match=r"Unknown exam domain '9'\. Use one of: 1 \(Storage\), 2 \(Networking\)"
    ):
        parse_topic("9", topics, "exam domain")
    with pytest.raises(TutorError, match="Unknown topic 'cooking'"):
        parse_topic("cooking", topics)


def test_profile_topics_win_and_are_exam_domains_when_it_says_so() -> None:
    course = course_topics(PROFILE, [chunk("a.md", "Intro", 0)])
    assert course.names == ["Storage", "Networking"] and course.label == "exam domain"


def test_without_a_profile_topics_are_document_titles_or_top_level_headings() -> None:
    several = course_topics(EMPTY, [chunk("b.html", "", 0, "Routing"), chunk("a.html", "", 0, "Backups")])
    assert (
        several.names == ["Backups", "Routing"] and several.label == "topic" and several.source == "documents"
    )
    assert parse_topic("b", several.topics) == "Routing"  # the file name is an alias
    one = course_topics(
        EMPTY,
        [
            chunk("m.pdf", "1 Disks > 1.1 Partitions", 0),
            chunk("m.pdf", "2 Routes", 10),
            chunk("m.pdf", "1 Disks", 5),
        ],
    )
    assert one.names == ["1 Disks", "2 Routes"] and one.source == "headings"


def test_classifier_uses_the_heading_then_the_document_then_the_nearest_description() -> None:
    rows = [chunk("a.md", "Part 1 > Disks", 0), chunk("a.md", "Appendix", 5), chunk("a.md", "Other", 9)]
    vectors = fake_embed(["anything", "route tables", "disk quotas"])
    assigned = TopicClassifier(course_topics(PROFILE, rows), fake_embed).assign(rows, vectors)
    assert assigned == ["Storage", "Networking", "Storage"]
    docs = [chunk("b.html", "", 0, "Routing"), chunk("a.html", "", 0, "Backups")]
    by_doc = TopicClassifier(course_topics(EMPTY, docs), fake_embed).assign(
        docs, fake_embed(["disk", "disk"])
    )
    assert by_doc == ["Routing", "Backups"]
