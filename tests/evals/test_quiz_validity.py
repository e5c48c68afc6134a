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


def _tf(answer: str, n: int) -> QuizItem:
    support = f"The apt{n} command installs packages number {n} from the archive."
    item = _mcq("x", [], "", support)
    return item.model_copy(
        update={
            "type": "true_false",
            "question": f"True or false: {support}",
            "options": ["True", "False"],
            "answer": answer,
        }
    )


def test_true_keys_beyond_the_band_are_failures() -> None:
    from evals.quiz_validity import summarise, unbalanced

    always_true = [_tf("True", n) for n in range(10)]
    assert len(unbalanced(always_true)) == 4  # 6 of 10 is as far as the band goes
    balanced = [_tf("True" if n % 2 else "False", n) for n in range(10)]
    assert unbalanced(balanced) == set()
    report = summarise(always_true, {("r.md", 0): always_true[0].citation.text}, ["r.md"], [], "x")
    assert report["true_false_keyed_true"] == 1.0


def test_a_stem_that_leans_on_unseen_text_is_flagged() -> None:
    support = "The function rbind() does the corresponding operation for rows."
    q = "Which function does the corresponding operation for rows?"
    assert any(
        "context" in p for p in _problems(_mcq(q, ["rbind()", "cbind()", "c()", "t()"], "rbind()", support))
    )
    support = "Amazon Rekognition supports image formats such as PNG and JPEG files."
    q = "Which service supports image formats such as PNG and JPEG files?"
    options = ["Amazon Rekognition", "Amazon Polly", "Amazon Lex", "Amazon Translate"]
    assert _problems(_mcq(q, options, options[0], support)) == []


def test_debris_for_a_key_or_a_description_is_flagged() -> None:
    support = "statef: incomef act nsw nt qld sa tas vic wa"
    q = "Which term describes “incomef act nsw nt qld sa tas vic wa”?"
    assert any(
        "debris" in p
        for p in _problems(_mcq(q, ["statef", "incomes", "factor", "levels"], "statef", support))
    )
    support = "Need to use libraries or interface with legacy code."
    q = "Which of the following use libraries or interface with legacy code?"
    options = ["Need to", "Loops", "Arrays", "Aliases"]
    assert any("scrap" in p for p in _problems(_mcq(q, options, "Need to", support)))


def test_a_pointer_to_an_example_or_figure_is_flagged() -> None:
    support = (
        "A function is essentially a code block, which means its stdin can be redirected (as in Example 3-1)."
    )
    options = ["function", "shift", "test", "break"]
    q = "Which of the following is essentially a code block, which means its stdin can be redirected (as in Example 3-1)?"
    assert any("example, figure or table" in p for p in _problems(_mcq(q, options, "function", support)))
    q = "Which of the following is essentially a code block, which means its stdin can be redirected?"
    assert _problems(_mcq(q, options, "function", support)) == []
    support = "In this example, the sort command orders the lines of the file by their second field."
    q = "In this example, which of the following orders the lines of the file by their second field?"
    assert any("example" in p for p in _problems(_mcq(q, ["sort", "uniq", "cut", "tr"], "sort", support)))


def test_a_description_or_key_with_broken_casing_is_flagged() -> None:
    support = "COMMUNITY Ian Murdock's journey"
    q = "Which term describes “cOMMUNITY Ian Murdock's journey”?"
    options = ["Multi-Platform Operating System", "Meritocracy", "Long Term Support", "Release Manager"]
    assert any("casing" in p for p in _problems(_mcq(q, options, options[0], support)))
    support = "McKay and the iOS team wrote the NumPy bindings for the library in one week."
    q = "Which of the following wrote the NumPy bindings for the library in one week?"
    assert not any(
        "casing" in p for p in _problems(_mcq(q, ["McKay", "Ada", "Bob", "Carl"], "McKay", support))
    )


def test_a_person_asked_as_a_term_is_flagged_and_asked_who_passes() -> None:
    support = "Ann Lovelace, founder of the project, was its first leader, from 1993 to 1996."
    short = _mcq(
        "Which term, founder of the project, was its first leader, from 1993 to 1996?",
        [],
        "Ann Lovelace",
        support,
    )
    short = short.model_copy(update={"type": "short"})
    assert any("who" in p for p in _problems(short))
    asked = short.model_copy(
        update={"question": "Who, founder of the project, was its first leader, from 1993 to 1996?"}
    )
    assert _problems(asked) == []
    support = "Red Hat is a very popular, commercial distribution sold with support contracts."
    q = "Which of the following is a very popular, commercial distribution sold with support contracts?"
    options = ["Red Hat", "Slackware", "Gentoo", "Mandriva"]
    assert not any("who" in p for p in _problems(_mcq(q, options, "Red Hat", support)))


def test_a_symbol_led_keyword_among_names_is_mixed() -> None:
    support = "Meritocracy is a form of government in which authority is exercised by those with the greatest merit."
    q = "Which of the following is a form of government in which authority is exercised by those with the greatest merit?"
    mixed = ["Meritocracy", "@yearly", "Release Manager", "Git"]
    assert any("mixed looks" in p for p in _problems(_mcq(q, mixed, "Meritocracy", support)))


def test_a_question_leaning_on_earlier_text_is_flagged() -> None:
    support = "With older releases, you had to run the add command on key.asc, which is considered obsolete already."
    options = ["key.asc", "@weekly", "@monthly", "@hourly"]
    item = _mcq("Which of the following is considered obsolete already?", options, "key.asc", support)
    problems = _problems(item)
    assert any("leans on something said before" in p for p in problems)
    assert any("names too little" in p for p in problems)


def test_either_or_and_standing_still_do_not_lean_on_earlier_text() -> None:
    support = (
        "Tiller 8 Heron: named for the bird that stands still, either in water or on land, in the marsh."
    )
    q = "Which release is named for the bird that stands still, either in water or on land, in the marsh?"
    releases = ["Tiller 8 Heron", "Tiller 7.0 Falcon", "Tiller 9 Osprey", "Tiller 1.2 Plover"]
    assert _problems(_mcq(q, releases, "Tiller 8 Heron", support)) == []


def test_a_statement_opening_a_step_of_a_procedure_is_flagged() -> None:
    support = "First, you need to change the sources file to tell the tool where to get its packages."
    item = _mcq(
        "Which file do you need to change to tell the tool where to get its packages?", [], "x", support
    )
    statement = item.model_copy(
        update={
            "type": "true_false",
            "question": f"True or false: {support}",
            "answer": "True",
            "options": ["True", "False"],
        }
    )
    assert any("leans on something said before" in p for p in _problems(statement))


def test_a_question_placed_in_its_cited_section_is_covered_by_the_sentence() -> None:
    support = "License must not contaminate other software."
    q = "In the section “The Free Software Guidelines”, which of the following must not contaminate other software?"
    options = ["License", "Patent", "Trademark", "Copyright"]
    item = _mcq(q, options, "License", support)
    cited = item.model_copy(
        update={
            "citation": item.citation.model_copy(update={"heading": "1.2.2. The Free Software Guidelines"})
        }
    )
    assert _problems(cited) == []
    # A section the citation does not name is words the sentence does not say.
    assert "support does not cover the question" in _problems(item)
