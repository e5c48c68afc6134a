"""Model sentences are kept only when the notes back them and they tell the learner something new."""

from answer_support import embed as _embed
from answer_support import passage as _passage

from tutor.rag.ground import SentenceGrounder, ground
from tutor.rag.grounding import SupportScorer

NOTES = (
    "The project's developers vote on a general resolution when a decision needs more than its leader. "
    "The winner among the options is picked with the Condorcet method, more specifically the Schulze method. "
    "A vote of general resolution can also overrule the project leader."
)


def _grounded(query: str, raw: str) -> str:
    passage = _passage(NOTES, "Developers", "constitution.html", "The Project")
    scorer = SupportScorer([passage], _embed)
    return ground(raw, SentenceGrounder([passage], scorer, _embed, query=query, limit=3)).text


def test_a_sentence_saying_only_what_the_question_and_the_answer_said_is_dropped() -> None:
    text = _grounded(
        "When developers vote on a general resolution with several options, how is the winner picked?",
        "The winner is picked with the Condorcet method [1]. "
        "The winner is picked with a vote of general resolution [1]. "
        "A vote of general resolution can also overrule the project leader [1].",
    )
    assert text.startswith("The winner is picked with the Condorcet method.")
    assert "picked with a vote" not in text
    assert "overrule the project leader" in text


def test_a_lead_that_only_echoes_the_question_gives_way_to_the_next_sentence() -> None:
    text = _grounded(
        "How is the winner picked among the options of a general resolution?",
        "The winner is picked among the options of a general resolution [1]. "
        "The winner is picked with the Condorcet method [1].",
    )
    assert text.startswith("The winner is picked with the Condorcet method.")


def test_a_yes_no_question_may_be_answered_in_its_own_words() -> None:
    text = _grounded(
        "Can a vote of general resolution overrule the project leader?",
        "A vote of general resolution can overrule the project leader [1].",
    )
    assert text.startswith("A vote of general resolution can overrule the project leader.")
