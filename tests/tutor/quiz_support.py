"""Shared set-up for the quiz, progress and export tests: the real corpus indexed once per test process.

Indexing the five corpus documents (real Chroma, real MiniLM) takes a while, so it happens once into a
temporary TUTOR_HOME that every quiz test points at; tests that write progress use their own learner
names or their own database file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor.quiz.models import ItemType, QuizItem
from tutor.schema import Citation

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
_HOME: Path | None = None


def corpus_home() -> Path:
    global _HOME
    if _HOME is None:
        home = Path(tempfile.mkdtemp(prefix="quiz-tests-"))
        # Reuse already-assembled model files (hundreds of MB) rather than assembling them again.
        models = Path(os.environ.get("TUTOR_HOME", ROOT / ".tutor")) / "models"
        if models.is_dir():
            (home / "models").symlink_to(models.resolve(), target_is_directory=True)
        _use(home)
        from tutor.documents import ingest

        report = ingest([CORPUS])
        assert report.added == 5, report.to_json()
        _HOME = home
    return _HOME


def _use(home: Path) -> None:
    from tutor.config import get_settings

    os.environ["TUTOR_HOME"] = str(home)
    os.environ["TUTOR_CORPUS"] = str(CORPUS)
    get_settings.cache_clear()


@pytest.fixture(name="quiz_home")
def quiz_home_fixture() -> Iterator[Path]:
    """TUTOR_HOME with the corpus indexed; the environment is restored after the test."""
    from tutor.config import get_settings

    previous = {k: os.environ.get(k) for k in ("TUTOR_HOME", "TUTOR_CORPUS")}
    home = corpus_home()
    _use(home)
    yield home
    for k, v in previous.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    get_settings.cache_clear()


def fresh_home() -> Path:
    """An empty TUTOR_HOME (for the "nothing indexed" error)."""
    return Path(tempfile.mkdtemp(prefix="quiz-empty-"))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def cited_item(
    id: str,
    question: str,
    answer: str,
    *,
    text: str,
    support: str,
    doc_id: str,
    title: str,
    heading: str,
    end: int,
    type: ItemType = "short",
    options: list[str] | None = None,
    explanation: str = "",
    domain: str = "",
    subject: str = "",
    fact_key: str = "",
) -> QuizItem:
    """A hand-made item citing ``text[0:end]`` of ``doc_id`` with ``support`` as its evidence."""
    cite = Citation(
        n=1,
        doc_id=doc_id,
        title=title,
        heading=heading,
        text=text,
        start=0,
        end=end,
        score=1.0,
        support=support,
    )
    return QuizItem(
        id=id,
        type=type,
        question=question,
        options=options or [],
        answer=answer,
        explanation=explanation,
        citation=cite,
        domain=domain,
        subject=subject,
        fact_key=fact_key,
    )


# Eight statements about four package tools: facts that a true/false swap can turn false.
PACKAGES = """# Chapter 1. Package Tools

The dpkg command installs a package file on the local system.
The apt command installs a package and its dependencies from the configured archives.
The aptitude command installs a package from an interactive list of the configured archives.
The apt-cache command searches the package lists of the configured archives.
The dpkg command keeps a log of every package file it installs.
The apt command keeps the package lists of the configured archives up to date.
The aptitude command keeps a record of packages installed automatically.
The apt-cache command shows the dependencies of a package from the package lists.
"""
