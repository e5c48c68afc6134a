"""Shared by the UI tests: the test environment and small readers for an AppTest run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"

# Debian's chromium, headless, quiet (the `browser` fixture in conftest.py launches it with these).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


@dataclass(frozen=True)
class UIEnv:
    home: Path
    corpus: Path

    def env(self, backend: str = "extractive") -> dict[str, str]:
        return {
            **OFFLINE_ENV,
            "TUTOR_HOME": str(self.home),
            "TUTOR_CORPUS": str(self.corpus),
            "TUTOR_BACKEND": backend,
        }


def new_app(timeout: float = 240) -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=timeout)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
