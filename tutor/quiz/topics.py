"""The course's topics: parsing a user's ``--domain`` and assigning each passage to one topic.

Topics come from the course profile when it lists them (an exam's domains, say: each with a description,
aliases and heading patterns). Without them they come from the documents' own structure: one topic per
document title when the course has several documents, else the top-level headings of the single document.

A passage belongs to the topic its heading path names (a profile topic's heading pattern, or the top-level
heading it sits under); otherwise to its document's topic; otherwise to the topic whose description is
nearest in meaning, so mastery per topic covers every passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np

from ingest.models import StoredChunk
from tutor.course import CourseProfile, Topic
from tutor.errors import TutorError

Embed = Callable[[list[str]], np.ndarray]
HEADING_SEP = " > "
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


@dataclass(frozen=True)
class CourseTopics:
    """The topics of one course, where they came from, and what the UI calls them."""

    topics: tuple[Topic, ...] = ()
    # "profile", "documents" (one per document title) or "headings" (top-level headings of one document).
    source: str = "profile"
    exam_domains: bool = False
    # Derived from documents: doc_id -> topic name.
    by_doc: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        return "exam domain" if self.exam_domains else "topic"

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.topics]


def _unique(names: Sequence[str], fallbacks: Sequence[str]) -> list[str]:
    """Names made unique: a repeated or empty name gets its fallback (a document id) added."""
    counts: dict[str, int] = {}
    for n in names:
        counts[n.lower()] = counts.get(n.lower(), 0) + 1
    out: list[str] = []
    for n, fb in zip(names, fallbacks, strict=True):
        out.append(n if n and counts[n.lower()] == 1 else f"{n} ({fb})" if n else fb)
    return out


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "Chapter 2" before "Chapter 10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text.lower()) if p)


def top_heading(heading: str) -> str:
    return heading.split(HEADING_SEP, 1)[0].strip()


def course_topics(profile: CourseProfile, rows: Sequence[StoredChunk]) -> CourseTopics:
    """The profile's topics, or topics derived from the documents' titles or top-level headings."""
    if profile.topics:
        return CourseTopics(profile.topics, "profile", profile.exam_domains)
    docs: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: (r.doc_id, r.start)):
        docs.setdefault(r.doc_id, r.title.strip())
    if len(docs) > 1:
        ids = sorted(docs, key=lambda d: (_natural(docs[d] or d), d))
        names = _unique([docs[d] for d in ids], ids)
        topics = tuple(
            Topic(
                name=name,
                description=name,
                aliases=tuple(dict.fromkeys((d.lower(), PurePath(d).stem.lower()))),
            )
            for name, d in zip(names, ids, strict=True)
        )
        return CourseTopics(topics, "documents", False, tuple(zip(ids, names, strict=True)))
    heads: list[str] = []
    for r in sorted(rows, key=lambda r: r.start):
        h = top_heading(r.heading)
        if h and h not in heads:
            heads.append(h)
    if not heads:
        title = next(iter(docs.values()), "") or next(iter(docs), "")
        only = (Topic(name=title, description=title),) if title else ()
        return CourseTopics(only, "documents", False, tuple((d, title) for d in docs) if title else ())
    topics = tuple(Topic(name=h, description=h, headings=(re.escape(h) + r"(?:\s*>|$)",)) for h in heads)
    return CourseTopics(topics, "headings", False)


class TopicClassifier:
    """Assigns passages to topics: the heading when it names one, else the document's topic, else the
    topic whose description is nearest by embedding."""

    def __init__(self, course: CourseTopics, embed: Embed) -> None:
        self.course = course
        self._patterns = [[re.compile(p, re.IGNORECASE) for p in t.headings] for t in course.topics]
        self._by_doc = dict(course.by_doc)
        texts = [t.description or t.name for t in course.topics]
        self._desc = np.asarray(embed(texts), dtype=np.float32) if texts else np.zeros((0, 0), np.float32)

    def from_heading(self, heading: str) -> str | None:
        """The topic a heading path names, or None when it names none."""
        h = heading.strip()
        for topic, patterns in zip(self.course.topics, self._patterns, strict=True):
            if any(p.match(h) for p in patterns):
                return topic.name
        return None

    def assign(self, rows: Sequence[StoredChunk], vectors: np.ndarray) -> list[str]:
        topics = self.course.topics
        if not topics:
            return ["" for _ in rows]
        sims = vectors @ self._desc.T if len(vectors) else np.zeros((0, len(topics)))
        out: list[str] = []
        for i, row in enumerate(rows):
            named = self.from_heading(row.heading) or self._by_doc.get(row.doc_id)
            out.append(named or topics[int(np.argmax(sims[i]))].name)
        return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def parse_topic(value: str, topics: Sequence[Topic], label: str = "topic") -> str:
    """A user's spelling of a topic (its number, name or an alias; ``3``, ``third``, ``eda``) -> its name."""
    v = _norm(value)
    for word in (label, "exam domain", "domain", "topic"):
        v = v.removeprefix(word).strip(" :")
    if v.isdigit() and 1 <= int(v) <= len(topics):
        return topics[int(v) - 1].name
    for t in topics:
        if v == _norm(t.name) or v in (_norm(a) for a in t.aliases):
            return t.name
    if v in _ORDINALS and _ORDINALS.index(v) < len(topics):
        return topics[_ORDINALS.index(v)].name
    # A unique start of a name ("model" for "Modeling").
    hits = [t.name for t in topics if v and _norm(t.name).startswith(v)]
    if len(hits) == 1:
        return hits[0]
    if not topics:
        raise TutorError(f"This course has no {label}s to choose from; leave --domain out.")
    choices = ", ".join(f"{i} ({t.name})" for i, t in enumerate(topics, start=1))
    raise TutorError(f"Unknown {label} '{value}'. Use one of: {choices}.")
