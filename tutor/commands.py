"""Sub-commands beyond ingest, registered into the CLI parser."""

from __future__ import annotations

from tutor import ui_command as _ui_command  # noqa: F401
from tutor.quiz import cli as _quiz_cli  # noqa: F401
