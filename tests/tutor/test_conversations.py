"""tutor.study.conversations: save/load round trip, invalid ids never touch the file system."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.config import Settings
from tutor.schema import Answer
from tutor.study import conversations
from tutor.study.conversations import Conversation, Turn


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(TUTOR_HOME=tmp_path / "home")


def test_round_trip_keeps_answers(settings: Settings) -> None:
    conv = conversations.new_conversation("extractive")
    answer = Answer(
        question="q",
        rewritten_query="q",
        answer="a [1]",
        answerable=True,
        backend="extractive",
        citations=[],
        passages=[],
        timings_ms={"retrieve": 1},
    )
    conv.turns += [
        Turn(role="user", content="What is S3?"),
        Turn(role="assistant", content="a [1]", answer=answer),
    ]
    path = conversations.save(conv, settings)
    assert path.parent == settings.home / "conversations"
    loaded = conversations.load(conv.id, settings)
    assert loaded is not None
    assert loaded.turns[1].answer == answer
    assert loaded.user_turns() == ["What is S3?"]
    assert conversations.delete(conv.id, settings)
    assert conversations.load(conv.id, settings) is None


@pytest.mark.parametrize("bad", ["", None, "../../etc/passwd", "a/b", "short", "x" * 65, "..%2f..%2fx"])
def test_invalid_ids_are_refused(settings: Settings, bad: str | None) -> None:
    assert not conversations.is_valid_id(bad)
    assert conversations.load(bad, settings) is None
    with pytest.raises(ValueError):
        conversations.save(Conversation(id=bad or ""), settings)


def test_unreadable_file_is_treated_as_new(settings: Settings) -> None:
    conv_id = conversations.new_id()
    folder = settings.home / "conversations"
    folder.mkdir(parents=True)
    (folder / f"{conv_id}.json").write_text("{not json")
    assert conversations.load(conv_id, settings) is None


def test_ids_are_unique_and_valid() -> None:
    ids = {conversations.new_id() for _ in range(200)}
    assert len(ids) == 200 and all(conversations.is_valid_id(i) for i in ids)
