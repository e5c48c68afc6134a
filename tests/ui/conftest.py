"""A temporary TUTOR_HOME with the real corpus ingested once per session; every UI test runs against it."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import pytest
from ui_helpers import CHROMIUM_ARGS, ROOT, UIEnv

if str(ROOT) not in sys.path:  # the project may not be pip-installed (e.g. a bare venv)
    sys.path.insert(0, str(ROOT))


def _apply(env: dict[str, str]) -> None:
    from tutor.config import get_settings

    os.environ.update(env)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UIEnv]:
    base = tmp_path_factory.mktemp("ui")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    ui = UIEnv(home=base / "home", corpus=corpus)
    saved = {k: os.environ.get(k) for k in ui.env()}
    _apply(ui.env())
    from tutor.documents import ingest

    report = ingest()
    assert report.added >= 5 and not report.errors
    yield ui
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    from tutor.config import get_settings

    get_settings.cache_clear()


@pytest.fixture
def app_env(ui_env: UIEnv) -> UIEnv:
    """Re-apply this suite's settings (another test module may have changed the environment meanwhile)."""
    _apply(ui_env.env())
    return ui_env


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright, one per test module; skips when chromium is not installed."""
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (make browser)")
    # Deferred: only the browser tests need Playwright; the in-process UI tests load this file too.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()
