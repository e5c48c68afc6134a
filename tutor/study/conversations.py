"""Chat conversations saved as small JSON files under ``TUTOR_HOME/conversations`` (one per conversation id).

The UI keeps the id in the page URL, so a reload (or a second tab on the same URL) finds the same
conversation; each new browser session starts its own. Writes are atomic (temp file + rename), ids are
random and validated, so a crafted id can never name a file outside the folder.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from tutor.config import Settings, get_settings
from tutor.quiz.models import QuizItem
from tutor.schema import Answer

_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TURNS = 200


class PracticeAnswer(BaseModel):
    response: str
    correct: bool
    feedback: str
    hints: int = 0
    due_hours: float | None = None


class Practice(BaseModel):
    """Practice items served in the conversation, answered one at a time (kept so a reload resumes them)."""

    items: list[QuizItem]
    origin: Literal["request", "check"] = "request"  # asked for, or "check yourself" under an answer
    hints: list[int] = Field(default_factory=list)  # hints shown, per item
    answers: list[PracticeAnswer | None] = Field(default_factory=list)

    def model_post_init(self, _context: object) -> None:
        n = len(self.items)
        self.hints = (self.hints + [0] * n)[:n]
        self.answers = (self.answers + [None] * n)[:n]

    @property
    def current(self) -> int:
        """The first unanswered item (``len(items)`` when all are answered)."""
        return next((i for i, a in enumerate(self.answers) if a is None), len(self.items))

    @property
    def done(self) -> bool:
        return self.current >= len(self.items)

    @property
    def score(self) -> int:
        return sum(1 for a in self.answers if a is not None and a.correct)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    answer: Answer | None = None
    error: bool = False
    practice: Practice | None = None


class Conversation(BaseModel):
    id: str
    created: float = Field(default_factory=time.time)
    updated: float = Field(default_factory=time.time)
    backend: str | None = None
    turns: list[Turn] = Field(default_factory=list)

    def user_turns(self) -> list[str]:
        """Every question the learner asked, oldest first (what ``ask_stream`` takes as ``history``)."""
        return [t.content for t in self.turns if t.role == "user"]


def new_id() -> str:
    return secrets.token_urlsafe(12)


def is_valid_id(conv_id: str | None) -> bool:
    return bool(conv_id) and bool(_ID.match(conv_id or ""))


def _folder(settings: Settings | None) -> Path:
    return (settings or get_settings()).home / "conversations"


def _path(conv_id: str, settings: Settings | None) -> Path:
    if not is_valid_id(conv_id):
        raise ValueError(f"invalid conversation id {conv_id!r}")
    return _folder(settings) / f"{conv_id}.json"


def new_conversation(backend: str | None = None) -> Conversation:
    return Conversation(id=new_id(), backend=backend)


def load(conv_id: str | None, settings: Settings | None = None) -> Conversation | None:
    """The saved conversation, or None when the id is invalid, unknown or its file unreadable."""
    if not is_valid_id(conv_id):
        return None
    path = _path(conv_id or "", settings)
    try:
        return Conversation.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def save(conv: Conversation, settings: Settings | None = None) -> Path:
    path = _path(conv.id, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    conv.updated = time.time()
    if len(conv.turns) > MAX_TURNS:
        conv.turns = conv.turns[-MAX_TURNS:]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(conv.model_dump_json(), encoding="utf-8")
    tmp.replace(path)
    return path


def delete(conv_id: str, settings: Settings | None = None) -> bool:
    if not is_valid_id(conv_id):
        return False
    path = _path(conv_id, settings)
    if path.exists():
        path.unlink()
        return True
    return False
