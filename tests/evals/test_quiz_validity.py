"""The independent item check (evals/quiz_validity.py) on options a learner would find odd together."""

from __future__ import annotations

from evals.quiz_validity import check_item
from tutor.quiz.models import QuizItem
from tutor.schema import Citation

SUPPORT = "Tiller 8 Heron (April 2015): named for the wading bird that stands still in shallow water."


def _mcq(question: str, options: list[str], answer: str, support: str = SUPPORT) -> QuizItem:
    passage = f"# Chapter\n\n{support}\n"
    cite = Citation(
        n=1,
        doc_id="r.md",
        title="R",
        heading="",
        text=passage,
        start=0,
        end=len(passage),
        score=1.0,
        support=support,
    )
    return QuizItem(
        id="x", type="mcq", question=question, options=options, answer=answer, explanation="", citation=cite
    )


def _problems(item: QuizItem) -> list[str]:
    return check_item(item, item.citation.text)


def test_options_that_all_look_alike_pass() -> None:
    q = "Which release is named for the wading bird that stands still in shallow water?"
    releases = ["Tiller 8 Heron", "Tiller 7.0 Falcon", "Tiller 9 Osprey", "Tiller 1.2 Plover"]
    assert _problems(_mcq(q, releases, "Tiller 8 Heron")) == []


def test_a_name_without_a_version_among_versioned_names_is_flagged() -> None:
    q = "Which of the following is named for the wading bird that stands still in shallow water?"
    mixed = ["Tiller 8 Heron", "Tiller Linux", "Tiller 1.2 Plover", "Peter"]
    assert any("mixed looks" in p for p in _problems(_mcq(q, mixed, "Tiller 8 Heron")))


def test_code_among_words_is_flagged_but_a_spelled_out_abbreviation_is_no_code() -> None:
    support = "The par() function changes the graphics parameters of the current device permanently."
    q = "Which function changes the graphics parameters of the current device permanently?"
    assert any(
        "mixed looks" in p
        for p in _problems(_mcq(q, ["par()", "points", "search", "axis()"], "par()", support))
    )
    support = "Automated Machine Learning (AutoML) builds models of the data without manual tuning."
    q = "Which of the following builds models of the data without manual tuning?"
    options = ["Automated Machine Learning (AutoML)", "Model Deployment", "Developer Tools", "Scalability"]
    assert _problems(_mcq(q, options, options[0], support)) == []


def test_a_who_question_needs_names_for_options() -> None:
    support = "Ann Lovelace led the project from April 1996 until December 1997."
    q = "Who led the project from April 1996 until December 1997?"
    people = ["Ann Lovelace", "Bob Turing", "Carl Hopper", "Dana Knuth"]
    assert _problems(_mcq(q, people, "Ann Lovelace", support)) == []
    odd = ["Ann Lovelace", "case-in-point", "Carl Hopper", "multiarch"]
    assert any("person" in p for p in _problems(_mcq(q, odd, "Ann Lovelace", support)))
