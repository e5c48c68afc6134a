"""Export quiz items as an Anki deck (``.apkg`` via genanki) or CSV, with the source passage in a field.

Ids are derived from stable strings so re-exporting updates the same Anki note type, deck and notes
instead of creating duplicates on import.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import genanki

from tutor.errors import TutorError
from tutor.quiz.grade import source_of
from tutor.quiz.models import QuizItem
from tutor.study.progress import Progress

Format = Literal["anki", "csv"]
CSV_COLUMNS = (
    "id",
    "type",
    "question",
    "options",
    "answer",
    "explanation",
    "doc_id",
    "title",
    "heading",
    "domain",
    "support",
    "passage",
)
_FIELDS = ("Question", "Options", "Answer", "Explanation", "Support", "Passage", "Source")


def _stable_id(text: str) -> int:
    # Anki ids are 31-bit-ish positive integers; a hash keeps them stable across exports.
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % (1 << 30) + (1 << 30)


def _options_html(item: QuizItem) -> str:
    if not item.options:
        return ""
    return "<ol type='A'>" + "".join(f"<li>{html.escape(o)}</li>" for o in item.options) + "</ol>"


def _model() -> genanki.Model:

    return genanki.Model(
        _stable_id("study-tutor quiz model v1"),
        "Study tutor quiz item",
        fields=[{"name": f} for f in _FIELDS],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Question}}<br>{{Options}}",
                "afmt": "{{FrontSide}}<hr id='answer'><b>{{Answer}}</b><br>{{Explanation}}"
                "<hr><i>Source: {{Source}}</i><br><blockquote>{{Support}}</blockquote>"
                "<details><summary>Passage</summary>{{Passage}}</details>",
            }
        ],
    )


def export_anki(items: Sequence[QuizItem], path: Path, deck_name: str = "Study tutor") -> Path:
    model = _model()
    deck = genanki.Deck(_stable_id(f"deck:{deck_name}"), deck_name)
    for item in items:
        fields = [
            html.escape(item.question),
            _options_html(item),
            html.escape(item.answer),
            html.escape(item.explanation),
            html.escape(item.citation.support),
            html.escape(item.citation.text).replace("\n", "<br>"),
            html.escape(source_of(item)),
        ]
        tags = [t.replace(" ", "_") for t in (item.type, item.domain, item.citation.doc_id) if t]
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=genanki.guid_for(item.id)))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(str(path))
    return path


def export_csv(items: Sequence[QuizItem], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for i in items:
            c = i.citation
            w.writerow(
                [
                    i.id,
                    i.type,
                    i.question,
                    " | ".join(i.options),
                    i.answer,
                    i.explanation,
                    c.doc_id,
                    c.title,
                    c.heading,
                    i.domain,
                    c.support,
                    c.text,
                ]
            )
    return path


def export_items(
    items: Sequence[QuizItem], path: Path, fmt: Format | None = None, deck_name: str = "Study tutor"
) -> Path:
    """Write ``items`` to ``path``; the format follows ``fmt`` or the file extension (.apkg / .csv)."""
    if not items:
        raise TutorError("There are no items to export yet; take a quiz first (`tutor quiz`).")
    kind = fmt or (
        "anki" if path.suffix.lower() == ".apkg" else "csv" if path.suffix.lower() == ".csv" else None
    )
    if kind == "anki":
        return export_anki(items, path, deck_name)
    if kind == "csv":
        return export_csv(items, path)
    raise TutorError(
        f"Cannot tell the export format of '{path}'; use a .apkg or .csv file name, or --format anki|csv."
    )


def export_learner(
    path: Path, learner: str = "default", missed_only: bool = False, fmt: Format | None = None
) -> tuple[Path, int]:
    """Export the items a learner has been served (or only those they missed); returns (path, count)."""
    items = Progress().items(learner, missed_only=missed_only)
    if not items:
        what = "missed items" if missed_only else "items"
        raise TutorError(
            f"Learner '{learner}' has no {what} to export yet; take a quiz first (`tutor quiz`)."
        )
    return export_items(items, path, fmt, deck_name=f"Study tutor ({learner})"), len(items)
