"""Fixtures for tutor-level tests: one real index of the study corpus per session (real Chroma, real MiniLM)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A TUTOR_HOME with the five study documents indexed; models are shared with the project's .tutor."""
    from tutor.config import get_settings

    home = tmp_path_factory.mktemp("tutor_home")
    corpus = home / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    project_models = ROOT / ".tutor" / "models"
    if project_models.exists():
        (home / "models").symlink_to(project_models, target_is_directory=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("TUTOR_HOME", str(home))
    mp.setenv("TUTOR_CORPUS", str(corpus))
    get_settings.cache_clear()
    from tutor.documents import ingest

    report = ingest()
    assert report.added == 5 and not report.errors
    yield home
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture()
def tutor(corpus_home: Path):  # type: ignore[no-untyped-def]
    from tutor.config import get_settings
    from tutor.rag.pipeline import get_tutor

    get_settings.cache_clear()
    return get_tutor(get_settings())
