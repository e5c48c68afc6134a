"""Export: an Anki .apkg and a CSV, each with the source passage; all items or only missed ones."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from tutor.errors import TutorError
from tutor.quiz.grade import grade
from tutor.quiz.models import QuizItem
from tutor.study.export import export_items, export_learner
from tutor.study.practice import generate_quiz
from tutor.study.progress import Progress


@pytest.fixture
def items(quiz_home: Path) -> list[QuizItem]:
    return generate_quiz(n=6, backend="extractive", learner="export-fixture", remember=False, seed=7)


def _anki_notes(path: Path, tmp_path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        db_name = "collection.anki21" if "collection.anki21" in names else "collection.anki2"
        z.extract(db_name, tmp_path)
    rows = sqlite3.connect(tmp_path / db_name).execute("SELECT flds FROM notes").fetchall()
    return [r[0].split("\x1f") for r in rows]


def test_anki_deck_has_one_note_per_item_with_the_passage(items: list[QuizItem], tmp_path: Path) -> None:
    out = export_items(items, tmp_path / "deck.apkg")
    notes = _anki_notes(out, tmp_path)
    assert len(notes) == len(items)
    by_question = {n[0]: n for n in notes}
    for item in items:
        import html

        note = by_question[html.escape(item.question)]
        assert html.escape(item.answer) == note[2]
        assert html.escape(item.citation.support) == note[4]
        assert html.escape(item.citation.text.splitlines()[0]) in note[5]


def test_reexport_keeps_note_ids_stable(items: list[QuizItem], tmp_path: Path) -> None:
    import genanki

    a = _anki_notes(export_items(items, tmp_path / "a.apkg"), tmp_path / "a")
    b = _anki_notes(export_items(items, tmp_path / "b.apkg"), tmp_path / "b")
    assert a == b
    assert genanki.guid_for(items[0].id) == genanki.guid_for(items[0].id)


def test_csv_has_a_row_per_item_with_the_passage(items: list[QuizItem], tmp_path: Path) -> None:
    out = export_items(items, tmp_path / "items.csv")
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [i.id for i in items]
    for r, i in zip(rows, items, strict=True):
        assert r["passage"] == i.citation.text and r["support"] == i.citation.support
        assert r["answer"] == i.answer and r["options"] == " | ".join(i.options)


def test_export_only_missed_items(items: list[QuizItem], tmp_path: Path) -> None:
    p = Progress()
    who = f"exporter-{tmp_path.name}"
    p.mark_served(who, items)
    missed = items[0] if items[0].type != "short" else items[1]
    wrong = next(o for o in missed.options if o != missed.answer)
    p.record_attempt(who, missed, wrong, grade(missed, wrong))
    path, n = export_learner(tmp_path / "missed.csv", learner=who, missed_only=True)
    with path.open(encoding="utf-8") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == [missed.id]
    _, n_all = export_learner(tmp_path / "all.apkg", learner=who)
    assert n == 1 and n_all == len(items)


def test_nothing_to_export_or_unknown_format_is_explained(items: list[QuizItem], tmp_path: Path) -> None:
    with pytest.raises(TutorError, match="take a quiz first"):
        export_learner(tmp_path / "x.csv", learner="nobody-ever")
    with pytest.raises(TutorError, match=r"\.apkg or \.csv"):
        export_items(items, tmp_path / "x.txt")
