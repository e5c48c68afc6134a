"""The extractive answer quotes whole sentences, never a piece the splitter cut out of a longer one."""

from answer_support import embed as _embed
from answer_support import passage as _passage

from tutor.rag.extractive import extractive_answer
from tutor.rag.grounding import SupportScorer

# A PDF page: the sentence explaining the test output starts on the line after the output's last number.
PAGE = (
    "> var.test(A, B)\n"
    "F test to compare two variances\n"
    "ratio of variances\n"
    "0.5837405\n"
    "which shows no evidence of a significant difference in the variances, and so we can use the classical test.\n"
    "We can use the F test to test for equality in the variances of two samples from normal populations."
)


def test_a_sentence_starting_after_a_line_of_output_is_not_quoted() -> None:
    passage = _passage(PAGE, "Tests")
    query = "How can I test whether the variances of two samples are equal?"
    scorer = SupportScorer([passage], _embed)
    text, citations = extractive_answer(query, _embed([query])[0], [passage], scorer)
    assert text.startswith("We can use the F test")
    assert "which shows no evidence" not in text
    assert citations and citations[0].n == 1


def _answer(page: str, query: str) -> str:
    passage = _passage(page, "Vectors")
    return extractive_answer(query, _embed([query])[0], [passage], SupportScorer([passage], _embed))[0]


def test_a_sentence_continuing_a_line_of_code_is_quoted_with_it() -> None:
    page = (
        "A related function is rep() which can be used for replicating an object in various ways.\n"
        "> s6 <- rep(x, each=5)\n"
        "which repeats each element of x five times before moving on to the next."
    )
    text = _answer(page, "How do I repeat each element of x five times?")
    assert "> s6 <- rep(x, each=5) which repeats each element of x five times" in text


def test_a_sentence_split_by_a_footnote_is_quoted_whole() -> None:
    page = (
        "The ordered() function creates such ordered factors. For most purposes the only difference between ordered\n"
        "2 Note that tapply() also works in this case when its second argument is not a factor.\n\n"
        "and unordered factors is that the former are printed showing the ordering of the levels."
    )
    text = _answer(page, "How are ordered and unordered factors printed differently?")
    assert "the only difference between ordered and unordered factors is that the former are printed" in text
    assert not text.startswith("and ")


def test_a_sentence_sending_the_reader_elsewhere_is_not_part_of_the_answer() -> None:
    page = (
        "For more information on the new features introduced in this release, see the release notes of Tiller 10.\n"
        "With this release Tiller for the first time enabled a mandatory access control framework by default."
    )
    text = _answer(page, "Which security feature did Tiller 10 enable by default for the first time?")
    assert text.startswith("With this release Tiller for the first time enabled")
    assert "For more information" not in text


def test_a_list_item_is_introduced_by_its_section_name_without_the_section_number() -> None:
    page = (
        "### 11.4. Testing and Branching\n\n"
        "- Each condition block ends with a double semicolon ;;.\n"
        "- The entire case block ends with an esac (case spelled backwards).\n"
    )
    passage = _passage(
        page,
        "Chapter 11. Loops and Branches > 11.4. Testing and Branching",
        "testbranch.html",
        "Loops and Branches",
    )
    query = "How do I close the whole case block?"
    text = extractive_answer(query, _embed([query])[0], [passage], SupportScorer([passage], _embed))[0]
    assert "Testing and Branching: The entire case block ends with an esac" in text
    assert "11.4" not in text


def test_the_first_sentence_drops_its_link_to_a_sentence_the_learner_has_not_read() -> None:
    page = (
        "Installing an older build is possible when the mirror still holds it.\n"
        "Otherwise the archive of old builds can come to the rescue for any version ever published."
    )
    text = _answer(page, "Which archive comes to the rescue for any version ever published?")
    assert text.startswith("The archive of old builds can come to the rescue")


def test_a_first_sentence_saying_it_comes_after_the_sentence_that_names_it() -> None:
    page = (
        "Any function named .Start() in the profile file has a special status.\n"
        "It is run automatically at the beginning of a session and may be used to initialize the environment."
    )
    text = _answer(page, "Which function runs automatically at the beginning of a session?")
    assert text.startswith("Any function named .Start()")
    assert "It is run automatically" in text


def test_an_aside_that_only_sends_the_reader_elsewhere_is_left_out() -> None:
    page = "The snapshot archive keeps every version ever published (see sidebar GOING FURTHER Old versions)."
    text = _answer(page, "Where are old versions of a package kept?")
    assert text.startswith("The snapshot archive keeps every version ever published. [1]")


def test_an_aside_naming_the_answer_is_kept() -> None:
    page = "R can list and unpack both archive formats (see functions untar and unzip) and create both."
    text = _answer(page, "Can R unpack archives by itself?")
    assert "(see functions untar and unzip)" in text
