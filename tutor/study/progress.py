"""A learner's progress in SQLite: items served, attempts, mastery, and an SM-2 review schedule.

The database lives at ``settings.progress_db`` in WAL mode, so readers never block the writer. Every
write is one ``BEGIN IMMEDIATE`` transaction (the attempt row and its schedule update together) with a
generous busy timeout, so two processes answering at once both land their attempts. The clock is
injectable: tests move time forward instead of sleeping.

Scheduling is SM-2: a correct answer (quality 4-5) grows the interval 1 day -> 6 days -> interval x
ease; a miss (quality < 3) resets the repetitions and brings the item back after one day. The "due"
queue is simply every scheduled item whose ``due_at`` has passed, so it survives restarts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.quiz.models import GradeResult, QuizItem, Served

DAY = 86400.0
Clock = Callable[[], float]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, json TEXT NOT NULL, doc_id TEXT NOT NULL, domain TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS served (
    learner TEXT NOT NULL, item_id TEXT NOT NULL, fact_key TEXT NOT NULL, subject TEXT NOT NULL,
    question TEXT NOT NULL, served_at REAL NOT NULL, PRIMARY KEY (learner, item_id)
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, item_id TEXT NOT NULL, response TEXT NOT NULL,
    correct INTEGER NOT NULL, score REAL NOT NULL, doc_id TEXT NOT NULL, domain TEXT NOT NULL, answered_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_learner ON attempts (learner, item_id);
CREATE TABLE IF NOT EXISTS schedule (
    learner TEXT NOT NULL, item_id TEXT NOT NULL, reps INTEGER NOT NULL, ease REAL NOT NULL,
    interval_days REAL NOT NULL, due_at REAL NOT NULL, lapses INTEGER NOT NULL, PRIMARY KEY (learner, item_id)
);
"""


@dataclass(frozen=True)
class Schedule:
    reps: int = 0
    ease: float = 2.5
    interval_days: float = 0.0
    due_at: float = 0.0
    lapses: int = 0


def sm2(prev: Schedule, quality: int, now: float) -> Schedule:
    """One SM-2 step. ``quality`` is 0-5; below 3 is a miss."""
    ease = max(1.3, prev.ease + (0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02)))
    if quality < 3:
        return Schedule(reps=0, ease=ease, interval_days=1.0, due_at=now + DAY, lapses=prev.lapses + 1)
    reps = prev.reps + 1
    interval = 1.0 if reps == 1 else 6.0 if reps == 2 else round(prev.interval_days * prev.ease, 2)
    return Schedule(
        reps=reps, ease=ease, interval_days=interval, due_at=now + interval * DAY, lapses=prev.lapses
    )


def quality_of(result: GradeResult, hints_used: int = 0) -> int:
    """SM-2 quality: 5 clean recall, 4 near miss or one hint, 3 after two hints, 2 (a miss) once the answer was shown."""
    if not result.correct:
        return 1
    base = 5 if result.score >= 0.95 else 4
    return min(base, (5, 4, 3, 2)[min(max(hints_used, 0), 3)])


@dataclass(frozen=True)
class Attempt:
    id: int
    item_id: str
    correct: bool
    answered_at: float
    next_due: float


@dataclass(frozen=True)
class DueItem:
    item: QuizItem
    due_at: float
    reps: int
    lapses: int


@dataclass(frozen=True)
class Mastery:
    """How a learner does on one document or domain: share of attempted items last answered correctly."""

    scope: str  # "document" or "domain"
    name: str
    items: int
    correct_items: int
    attempts: int

    @property
    def mastery(self) -> float:
        return self.correct_items / self.items if self.items else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "name": self.name,
            "items": self.items,
            "correct_items": self.correct_items,
            "attempts": self.attempts,
            "mastery": round(self.mastery, 3),
        }


class Progress:
    def __init__(
        self, path: Path | None = None, clock: Clock = time.time, settings: Settings | None = None
    ) -> None:
        self.path = Path(path) if path else (settings or get_settings()).progress_db
        self.clock = clock
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn().executescript(_SCHEMA)
            self._migrate()
        except sqlite3.Error as exc:
            raise TutorError(
                f"Cannot open the progress database {self.path} ({exc}); check TUTOR_HOME is writable."
            ) from exc

    def _migrate(self) -> None:
        # Databases written before hints existed get the column (old rows: no hints); nothing is dropped.
        with self._tx() as db:
            cols = {r[1] for r in db.execute("PRAGMA table_info(attempts)").fetchall()}
            if "hints" not in cols:
                db.execute("ALTER TABLE attempts ADD COLUMN hints INTEGER NOT NULL DEFAULT 0")

    def _conn(self) -> sqlite3.Connection:
        # One connection per thread (Streamlit serves sessions on threads); sqlite3 objects are not shareable.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=60000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- items and what was served ---------------------------------------------------------------------
    def save_items(self, items: Sequence[QuizItem]) -> None:
        now = self.clock()
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO items (id, json, doc_id, domain, created_at) VALUES (?, ?, ?, ?, ?)",
                [(i.id, i.model_dump_json(), i.citation.doc_id, i.domain, now) for i in items],
            )

    def mark_served(self, learner: str, items: Sequence[QuizItem]) -> None:
        self.save_items(items)
        now = self.clock()
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO served (learner, item_id, fact_key, subject, question, served_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(learner, i.id, i.fact_key, i.subject, i.question, now) for i in items],
            )

    def served(self, learner: str) -> list[Served]:
        rows = (
            self._conn()
            .execute(
                # A true/false item's key, so a new quiz keeps the learner's true/false keys balanced.
                "SELECT s.fact_key, s.subject, s.question, "
                "CASE WHEN json_extract(i.json, '$.type') = 'true_false' THEN json_extract(i.json, '$.answer') "
                "ELSE '' END FROM served s LEFT JOIN items i ON i.id = s.item_id WHERE s.learner = ?",
                (learner,),
            )
            .fetchall()
        )
        return [Served(*r) for r in rows]

    def served_per_document(self, learner: str) -> dict[str, int]:
        rows = (
            self._conn()
            .execute(
                "SELECT i.doc_id, COUNT(*) FROM served s JOIN items i ON i.id = s.item_id WHERE s.learner = ? GROUP BY i.doc_id",
                (learner,),
            )
            .fetchall()
        )
        return {d: n for d, n in rows}

    def get_item(self, item_id: str) -> QuizItem | None:
        row = self._conn().execute("SELECT json FROM items WHERE id = ?", (item_id,)).fetchone()
        return QuizItem.model_validate_json(row[0]) if row else None

    # -- attempts and the schedule ---------------------------------------------------------------------
    def record_attempt(
        self, learner: str, item: QuizItem, response: str, result: GradeResult, hints_used: int = 0
    ) -> Attempt:
        """Store one answer (and how many hints it took) and reschedule the item, atomically."""
        now = self.clock()
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO items (id, json, doc_id, domain, created_at) VALUES (?, ?, ?, ?, ?)",
                (item.id, item.model_dump_json(), item.citation.doc_id, item.domain, now),
            )
            cur = db.execute(
                "INSERT INTO attempts (learner, item_id, response, correct, score, doc_id, domain, answered_at, hints) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    learner,
                    item.id,
                    response,
                    int(result.correct),
                    result.score,
                    item.citation.doc_id,
                    item.domain,
                    now,
                    hints_used,
                ),
            )
            row = db.execute(
                "SELECT reps, ease, interval_days, due_at, lapses FROM schedule WHERE learner = ? AND item_id = ?",
                (learner, item.id),
            ).fetchone()
            nxt = sm2(Schedule(*row) if row else Schedule(), quality_of(result, hints_used), now)
            db.execute(
                "INSERT OR REPLACE INTO schedule (learner, item_id, reps, ease, interval_days, due_at, lapses) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (learner, item.id, nxt.reps, nxt.ease, nxt.interval_days, nxt.due_at, nxt.lapses),
            )
        return Attempt(
            id=int(cur.lastrowid or 0),
            item_id=item.id,
            correct=result.correct,
            answered_at=now,
            next_due=nxt.due_at,
        )

    def schedule_of(self, learner: str, item_id: str) -> Schedule | None:
        row = (
            self._conn()
            .execute(
                "SELECT reps, ease, interval_days, due_at, lapses FROM schedule WHERE learner = ? AND item_id = ?",
                (learner, item_id),
            )
            .fetchone()
        )
        return Schedule(*row) if row else None

    def due(self, learner: str, limit: int | None = None) -> list[DueItem]:
        """Items whose review time has come, most overdue first."""
        rows = (
            self._conn()
            .execute(
                "SELECT i.json, s.due_at, s.reps, s.lapses FROM schedule s JOIN items i ON i.id = s.item_id "
                "WHERE s.learner = ? AND s.due_at <= ? ORDER BY s.due_at LIMIT ?",
                (learner, self.clock(), -1 if limit is None else limit),
            )
            .fetchall()
        )
        return [DueItem(QuizItem.model_validate_json(j), due, reps, lapses) for j, due, reps, lapses in rows]

    def attempts(self, learner: str) -> int:
        return int(
            self._conn().execute("SELECT COUNT(*) FROM attempts WHERE learner = ?", (learner,)).fetchone()[0]
        )

    def mastery(self, learner: str) -> list[Mastery]:
        """Per document and per exam domain, judged on each item's latest attempt."""
        rows = (
            self._conn()
            .execute(
                """
            SELECT a.doc_id, a.domain, a.item_id, a.correct, counts.n FROM attempts a
            JOIN (SELECT item_id, MAX(id) AS last, COUNT(*) AS n FROM attempts WHERE learner = ? GROUP BY item_id) counts
              ON a.id = counts.last
            """,
                (learner,),
            )
            .fetchall()
        )
        out: list[Mastery] = []
        for scope, col in (("document", 0), ("domain", 1)):
            agg: dict[str, list[int]] = {}
            for r in rows:
                name = r[col] or "(unassigned)"
                a = agg.setdefault(name, [0, 0, 0])
                a[0] += 1
                a[1] += int(r[3])
                a[2] += int(r[4])
            out.extend(Mastery(scope, name, *vals) for name, vals in sorted(agg.items()))
        return out

    def items(self, learner: str, missed_only: bool = False) -> list[QuizItem]:
        """Items served to (or answered by) the learner; ``missed_only``: those answered wrong at least once."""
        if missed_only:
            sql = (
                "SELECT DISTINCT i.json, i.created_at FROM items i JOIN attempts a ON a.item_id = i.id "
                "WHERE a.learner = ? AND a.correct = 0 ORDER BY i.created_at, i.id"
            )
            params: tuple[str, ...] = (learner,)
        else:
            sql = (
                "SELECT i.json, i.created_at FROM items i WHERE i.id IN (SELECT item_id FROM served WHERE learner = ? "
                "UNION SELECT item_id FROM attempts WHERE learner = ?) ORDER BY i.created_at, i.id"
            )
            params = (learner, learner)
        return [QuizItem.model_validate_json(r[0]) for r in self._conn().execute(sql, params).fetchall()]

    # The Progress page lists recent attempts and can reset a learner.
    def recent_attempts(self, learner: str, limit: int = 20) -> list[AttemptRecord]:
        """The learner's latest answers, newest first, with the question they answered."""
        rows = (
            self._conn()
            .execute(
                "SELECT a.id, a.item_id, a.response, a.correct, a.score, a.doc_id, a.domain, a.answered_at, i.json "
                "FROM attempts a LEFT JOIN items i ON i.id = a.item_id WHERE a.learner = ? ORDER BY a.id DESC LIMIT ?",
                (learner, limit),
            )
            .fetchall()
        )
        out: list[AttemptRecord] = []
        for aid, item_id, response, correct, score, doc_id, domain, at, item_json in rows:
            question = QuizItem.model_validate_json(item_json).question if item_json else item_id
            out.append(
                AttemptRecord(aid, item_id, question, response, bool(correct), score, doc_id, domain, at)
            )
        return out

    def reset(self, learner: str) -> int:
        """Forget the learner's attempts, schedule and served items (items themselves stay); returns attempts removed."""
        with self._tx() as db:
            n = db.execute("SELECT COUNT(*) FROM attempts WHERE learner = ?", (learner,)).fetchone()[0]
            for table in ("attempts", "schedule", "served"):
                db.execute(f"DELETE FROM {table} WHERE learner = ?", (learner,))
        return int(n)


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    item_id: str
    question: str
    response: str
    correct: bool
    score: float
    doc_id: str
    domain: str
    answered_at: float


def to_json(due: Sequence[DueItem]) -> list[dict[str, object]]:
    return [
        {"item": json.loads(d.item.model_dump_json()), "due_at": d.due_at, "reps": d.reps, "lapses": d.lapses}
        for d in due
    ]
