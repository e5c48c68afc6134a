"""The quiz a session is taking (shared by the Quiz page and the Progress page's "practise due items")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tutor.quiz.models import GradeResult, QuizItem

LEARNER = "default"  # the same learner as the CLI's default, so progress is shared
RUN_KEY = "quiz_run"


@dataclass
class QuizRun:
    items: list[QuizItem]
    reviews: int = 0
    index: int = 0
    results: dict[int, GradeResult] = field(default_factory=dict)
    next_due_hours: dict[int, float] = field(default_factory=dict)
    hints: dict[int, int] = field(default_factory=dict)  # hints shown per item index
    key: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def done(self) -> bool:
        return self.index >= len(self.items)

    @property
    def score(self) -> int:
        return sum(r.correct for r in self.results.values())
