"""Fixtures shared by the whole suite.

- ``tutor_home``: an empty, temporary TUTOR_HOME for one test (settings and store caches cleared).
- ``minilm``: the real MiniLM embedder, loaded once per session (loading it takes several seconds).
- ``corpus_index``: the real corpus (a copy) indexed once per session into a real embedded Chroma.
- ``run_tutor``: run ``python -m tutor ...`` in a subprocess against a given TUTOR_HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"

# Every variable the settings object reads that a test might inherit from the developer's shell.
_SETTINGS_ENV = (
    "TUTOR_HOME",
    "TUTOR_CORPUS",
    "TUTOR_BACKEND",
    "CHROMA_HOST",
    "CHROMA_PORT",
    "TUTOR_MAX_FILE_MB",
    "TUTOR_CHUNK_TOKENS",
    "TUTOR_CHUNK_OVERLAP",
    "TUTOR_CHUNK_MIN_TOKENS",
    "TUTOR_TOP_K",
)


def reset_tutor_caches() -> None:
    """Forget cached settings and stores so the next call reads the (patched) environment."""
    from tutor.config import get_settings
    from tutor.store import _store_for

    get_settings.cache_clear()
    _store_for.cache_clear()


@pytest.fixture
def tutor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh TUTOR_HOME (and TUTOR_CORPUS) under tmp_path; the environment is restored afterwards."""
    home = tmp_path / "tutor_home"
    for name in _SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.setenv("TUTOR_CORPUS", str(tmp_path / "corpus"))
    reset_tutor_caches()
    yield home
    reset_tutor_caches()


@pytest.fixture(scope="session")
def minilm() -> Any:
    """The project's embedder (the same instance tutor.store hands out), loaded once."""
    from tutor.store import get_embedder

    embedder = get_embedder()
    embedder.embed(["warm up"])
    return embedder


@dataclass(frozen=True)
class CorpusIndex:
    home: Path
    corpus: Path
    store: Any  # ingest.store.ChunkStore
    report: Any  # ingest.pipeline.IngestReport


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, minilm: Any) -> CorpusIndex:
    """A copy of corpus/ indexed once into ``home/chroma`` (the path settings use for that TUTOR_HOME).

    Tests must not change it; ones that need to change an index build their own.
    """
    from ingest.pipeline import ingest_paths
    from ingest.store import ChunkStore, make_client

    base = tmp_path_factory.mktemp("corpus_index")
    corpus = base / "corpus"
    shutil.copytree(
        CORPUS, corpus, ignore=shutil.ignore_patterns("course.toml")
    )  # documents only: ingest level
    home = base / "home"
    store = ChunkStore(make_client(home / "chroma"), minilm)
    report = ingest_paths([corpus], store)
    assert report.added == 5 and not report.errors, report.to_json()
    return CorpusIndex(home=home, corpus=corpus, store=store, report=report)


@pytest.fixture
def corpus_env(corpus_index: CorpusIndex, monkeypatch: pytest.MonkeyPatch) -> Iterator[CorpusIndex]:
    """Point the settings (TUTOR_HOME, TUTOR_CORPUS) at the session's indexed corpus."""
    for name in _SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TUTOR_HOME", str(corpus_index.home))
    monkeypatch.setenv("TUTOR_CORPUS", str(corpus_index.corpus))
    reset_tutor_caches()
    yield corpus_index
    reset_tutor_caches()


def tutor_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS_ENV}
    env.update({"TUTOR_HOME": str(home), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def run_tutor(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_tutor(args, home, timeout=..., **env)``: the CLI in a subprocess, cwd an empty scratch folder
    (so no stray ``.env`` or ``corpus/`` of the developer's is picked up)."""
    cwd = tmp_path_factory.mktemp("cli_cwd")

    def run(
        args: list[str], home: Path, timeout: float = 300, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tutor", *args],
            cwd=cwd,
            env=tutor_env(home, **env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def make_env() -> Callable[..., dict[str, str]]:
    """``make_env(home, **extra)``: this process's environment for a tutor subprocess using ``home``."""
    return tutor_env
