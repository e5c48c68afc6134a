"""The optional course profile: what belongs to one course, kept as data beside its documents.

``<corpus>/course.toml`` may give a title, topics (with descriptions, aliases, heading patterns, and whether they
are an exam's domains), example questions, and the course's naming habits: words that name its platform in
general rather than any one thing (``generic_names``) and prefixes its product names carry (``name_prefixes``).
Without a profile the tutor derives topics from the documents' own structure (titles and top-level headings).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tutor.config import Settings, get_settings
from tutor.errors import TutorError

PROFILE_NAME = "course.toml"


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    # Regular expressions matched (case-insensitively) at the start of a passage's heading path.
    headings: tuple[str, ...] = ()


class CourseProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str = ""
    # True when the topics are an exam's domains: the UI then says "exam domain" instead of "topic".
    exam_domains: bool = False
    topics: tuple[Topic, ...] = ()
    examples: tuple[str, ...] = ()
    generic_names: tuple[str, ...] = ()
    # Platforms whose features questions name in lower case ("the platform's xyz algorithm"); for refusals.
    platforms: tuple[str, ...] = ()
    name_prefixes: tuple[str, ...] = ()
    # What the course calls the things its prefixed names denote ("service", "package"); "term" by default.
    name_kind: str = Field(default="term")

    @property
    def topic_label(self) -> str:
        return "exam domain" if self.exam_domains else "topic"

    def generic_words(self) -> frozenset[str]:
        """Lower-cased words of ``generic_names``: they name the platform, never one specific thing."""
        return frozenset(w.lower() for name in self.generic_names for w in name.split())

    def owner_words(self) -> tuple[str, ...]:
        """Lower-cased words that can own a feature in a question: generic names and platforms."""
        return tuple(sorted({*self.generic_words(), *(p.lower() for p in self.platforms)}))

    def prefix_pattern(self) -> str | None:
        """A regex alternation of the name prefixes (longest first), or None when the course has none."""
        if not self.name_prefixes:
            return None
        return "|".join(re.escape(p) for p in sorted(self.name_prefixes, key=len, reverse=True))


EMPTY = CourseProfile()


def load_profile(corpus_dir: Path) -> CourseProfile:
    """The profile beside the documents, or an empty one; a broken file is an error that says what to fix."""
    path = corpus_dir / PROFILE_NAME
    if not path.is_file():
        return EMPTY
    try:
        return CourseProfile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0]
        raise TutorError(f"{path} is not a valid course profile ({first}). Fix it or remove it.") from exc


@lru_cache(maxsize=16)
def _cached(corpus_dir: str, mtime: float) -> CourseProfile:
    return load_profile(Path(corpus_dir))


def get_profile(settings: Settings | None = None) -> CourseProfile:
    s = settings or get_settings()
    path = s.corpus_dir / PROFILE_NAME
    return _cached(str(s.corpus_dir.resolve()), path.stat().st_mtime if path.is_file() else 0.0)
