"""Chunking: heading paths, token sizes, whole sentences, exact offsets; a hypothesis property test for
offsets and coverage on random documents."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunk import DEFAULT_MAX_TOKENS, chunk_document
from ingest.clean import clean_document, clean_text, code_fences
from ingest.load import load_file
from ingest.models import Chunk, Document
from ingest.tokens import count_tokens

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
EXAM = "aws-ml-specialty-exam-notes.txt"
BLOG = "aws-for-ml-engineers-blog.md"
CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".toml")  # course.toml: the profile

# Where a sentence may end: terminal punctuation (maybe closed by a quote or bracket), or the end of a line.
_SENTENCE_END_CHARS = ".!?…\"”’')]"


@cache
def doc(name: str) -> Document:
    return clean_document(load_file(CORPUS / name))


@cache
def chunks(name: str) -> tuple[Chunk, ...]:
    return tuple(chunk_document(doc(name)))


def chunk_with(name: str, needle: str) -> Chunk:
    found = [c for c in chunks(name) if needle in c.text]
    assert found, f"no chunk of {name} contains {needle!r}"
    return found[0]


# -- heading paths ---------------------------------------------------------------------------------


def test_exam_notes_firehose_chunk_sits_under_the_first_domain() -> None:
    c = chunk_with(EXAM, "you can use Amazon Kinesis Data Firehose to easily batch and compress the data")
    assert c.heading.startswith("FIRST DOMAIN: Data Engineering > ")
    assert "Second domain in Data Engineering: Identify and implement a data ingestion solution" in c.heading
    assert c.heading.endswith("Amazon Kinesis Data Firehose")


def test_exam_notes_domain_lines_become_headings() -> None:
    headings = [c.heading for c in chunks(EXAM)]
    for title in (
        "SECOND DOMAIN: EDA",
        "THIRD DOMAIN: Modeling",
        "Domain 4.1: Build ML solutions for performance, availability, scalability, resiliency, and fault tolerance",
        "Domain 4.2: Recommend and implement the appropriate ML services and features for a given problem",
        "Domain 4.3: Apply Basic AWS security practices to ML solutions",
        "Domain 4.4: Deploy and operationalize ML solutions",
    ):
        assert any(title in h.split(" > ") for h in headings), title
    kms = chunk_with(EXAM, "There are two ways to use AWS KMS with Amazon S3")
    assert "Domain 4.3: Apply Basic AWS security practices to ML solutions" in kms.heading.split(" > ")
    # A new domain closes the previous one: no chunk of 4.3 still claims to be under 4.2 or the EDA domain.
    assert "Domain 4.2" not in kms.heading and "SECOND DOMAIN" not in kms.heading


def test_exam_notes_subdomains_nest_under_their_domain() -> None:
    kms = chunk_with(EXAM, "There are two ways to use AWS KMS with Amazon S3")
    assert kms.heading.startswith("FOURTH DOMAIN: ML Implementation and Operations > Domain 4.3: ")
    athena = chunk_with(EXAM, "runs interactive SQL queries on S3 data")
    assert "DOMAIN" not in athena.heading  # before the first domain starts


def test_blog_markdown_headings_form_the_path() -> None:
    assert (
        chunk_with(BLOG, "Amazon Polly: is a Deep Learning enabled").heading
        == "AWS Services > Artificial Intelligence Services"
    )
    assert chunk_with(BLOG, "Deep Learning AMI and Deep Learning Containers").heading == (
        "AWS Services > ML Frameworks and Infrastructure"
    )
    assert chunk_with(BLOG, "AWS provides an impressive suite of services").heading == "Conclusion"
    assert all("#" not in c.heading for c in chunks(BLOG))


def test_short_title_lines_become_headings() -> None:
    c = chunk_with(
        "ml-services-key-concepts.txt",
        "Security and Compliance ensure data privacy and regulatory adherence.",
    )
    assert c.heading == "Security and Compliance"


# -- sizes, sentences, offsets -----------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_carry_exact_offsets_and_metadata(name: str) -> None:
    d = doc(name)
    cs = chunks(name)
    assert cs
    for i, c in enumerate(cs):
        assert c.index == i
        assert c.doc_id == name and c.title == d.title
        assert 0 <= c.start < c.end <= len(d.text)
        assert d.text[c.start : c.end] == c.text
        assert c.tokens == count_tokens(c.text)
        assert c.page is None  # text formats have no pages
    # In document order.
    assert [c.start for c in cs] == sorted(c.start for c in cs)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_fit_the_token_budget(name: str) -> None:
    over = [(c.index, c.tokens) for c in chunks(name) if c.tokens > DEFAULT_MAX_TOKENS]
    assert over == []


@pytest.mark.parametrize("max_tokens", [64, 120, 300])
def test_chunks_fit_other_token_budgets(max_tokens: int) -> None:
    for name in CORPUS_FILES:
        for c in chunk_document(
            doc(name), max_tokens=max_tokens, overlap_tokens=max_tokens // 6, min_tokens=max_tokens // 3
        ):
            # The only allowed excess: a chunk that is one sentence too long to share.
            assert c.tokens <= max_tokens or _units_in(doc(name), c) == 1, (name, c.index, c.tokens)


def _starts_a_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return (
        start == 0 or before == "" or "\n" in text[len(before) : start] or before[-1] in _SENTENCE_END_CHARS
    )


def _ends_a_sentence(text: str, end: int) -> bool:
    return (
        end == len(text)
        or text[end] == "\n"
        or (text[end].isspace() and text[end - 1] in _SENTENCE_END_CHARS)
    )


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_no_chunk_cuts_a_sentence(name: str) -> None:
    text = doc(name).text
    for c in chunks(name):
        assert _starts_a_sentence(text, c.start), (c.index, text[max(0, c.start - 40) : c.start + 40])
        assert _ends_a_sentence(text, c.end), (c.index, text[c.end - 40 : c.end + 40])


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_chunks_cover_the_whole_document(name: str) -> None:
    assert _uncovered(doc(name).text, chunks(name)) == []


def test_overlap_repeats_whole_trailing_sentences_within_a_section() -> None:
    d = doc(EXAM)
    with_overlap = chunk_document(d, max_tokens=120, overlap_tokens=40, min_tokens=40)
    without = chunk_document(d, max_tokens=120, overlap_tokens=0, min_tokens=40)
    assert all(b.start >= a.end for a, b in itertools.pairwise(without))
    overlaps = [(a, b) for a, b in itertools.pairwise(with_overlap) if b.start < a.end]
    assert len(overlaps) >= 5
    for a, b in overlaps:
        shared = d.text[b.start : a.end]
        assert count_tokens(shared) <= 40
        assert _starts_a_sentence(d.text, b.start)


def test_a_new_section_starts_a_new_chunk_once_the_current_one_is_big_enough() -> None:
    text = "\n\n".join(
        f"# Topic {n}\n\n"
        + " ".join(f"Sentence {i} about topic {n} explains one more detail of it." for i in range(12))
        for n in range(4)
    )
    d = Document(doc_id="topics.md", source="topics.md", format="md", title="Topics", text=text)
    cs = chunk_document(d, max_tokens=400, overlap_tokens=0, min_tokens=60)
    assert [c.heading for c in cs] == ["Topic 0", "Topic 1", "Topic 2", "Topic 3"]
    assert all(c.text.startswith(f"# {c.heading}") for c in cs)


def test_an_over_long_sentence_is_split_at_word_boundaries_only() -> None:
    words = [f"token{i}" for i in range(600)]
    long_sentence = "This sentence never ends " + " ".join(words)
    text = "Short intro sentence.\n\n" + long_sentence + ".\n\nShort closing sentence."
    d = Document(doc_id="long.txt", source="long.txt", format="txt", title="Long", text=text)
    cs = chunk_document(d, max_tokens=100, overlap_tokens=0, min_tokens=20)
    assert len(cs) >= 4
    for c in cs:
        assert text[c.start : c.end] == c.text
        assert c.start == 0 or text[c.start - 1].isspace()
        assert c.end == len(text) or text[c.end].isspace()
        assert c.tokens <= 100 * 3 // 2
    assert _uncovered(text, cs) == []


def test_a_sentence_somewhat_over_the_budget_stays_whole_in_its_own_chunk() -> None:
    sentence = "Amazon SageMaker " + " ".join(f"feature{i}" for i in range(50)) + " is the long one."
    text = f"First a short sentence. {sentence} Then another short sentence."
    d = Document(doc_id="s.txt", source="s.txt", format="txt", title="S", text=text)
    n = count_tokens(sentence)
    max_tokens = int(n / 1.3)
    assert max_tokens < n <= max_tokens * 3 // 2
    cs = chunk_document(d, max_tokens=max_tokens, overlap_tokens=0, min_tokens=5)
    assert sentence in [c.text for c in cs]


def test_chunk_params_are_validated() -> None:
    d = Document(doc_id="x.txt", source="x.txt", format="txt", title="X", text="One sentence.")
    with pytest.raises(ValueError):
        chunk_document(d, max_tokens=8)
    assert chunk_document(Document(doc_id="e.txt", source="e.txt", format="txt", title="E", text="")) == []


# -- property test ---------------------------------------------------------------------------------


def _uncovered(text: str, cs: list[Chunk] | tuple[Chunk, ...]) -> list[int]:
    covered = bytearray(len(text))
    for c in cs:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    return [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]


_WORDS = st.sampled_from(
    [
        "the",
        "model",
        "data",
        "training",
        "SageMaker",
        "S3",
        "bucket",
        "e.g.",
        "i.e.",
        "etc.",
        "vs.",
        "Dr.",
        "U.S.",
        "3.5",
        "42",
        "endpoint",
        "(see",
        "below)",
        "“quoted”",
        "don’t",
        "learner’s",
        "x",
        "Kinesis",
        "Firehose",
        "—",
        "–",
        ":",
        ";",
        ",",
        "A/B",
        "1,000",
        "v2.1",
        "café",
        "naïve",
        "https://example.com/a",
        "IAM",
        "VPC",
        "KMS",
        "#tag",
        "*star*",
        "[1]",
        "(Figure",
        "3)",
    ]
)
_END = st.sampled_from([".", ".", ".", "!", "?", "", ":", "…", '."', ".)", "?”"])


_CODE_LINES = st.sampled_from(
    [
        "x = 1",
        "    return x.y()",
        "# a comment, not a heading",
        "## Also not a heading",
        "",
        "   ",
        "for i in range(3):",
        "\tprint('Done. Next line.')",
        "<div>**not bold**</div> [not](https://example.com/a)",
        "Copyright © 2024 inside code",
        "call(" + ", ".join(f"argument_{i}" for i in range(120)) + ")",
        "ends with a period.",
    ]
)


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=draw(st.sampled_from([8, 25, 120]))))
    first = draw(st.sampled_from(["The", "A", "Amazon", "It", "3", "“Data", "(Note", "e.g.", "lower"]))
    return " ".join([first, *words]) + draw(_END)


@st.composite
def _block(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            ["para", "para", "para", "md_heading", "domain", "subdomain", "title", "bullets", "blank", "code"]
        )
    )
    title = " ".join(
        draw(
            st.lists(
                st.sampled_from(["Data", "Model", "Security", "Streaming", "Cost", "Tuning"]),
                min_size=1,
                max_size=4,
            )
        )
    )
    if kind == "para":
        sep = draw(st.sampled_from([" ", " ", "  ", " \t", "\n"]))
        return sep.join(draw(st.lists(_sentence(), min_size=1, max_size=6)))
    if kind == "md_heading":
        return "#" * draw(st.integers(1, 4)) + " " + title
    if kind == "domain":
        return f"{draw(st.sampled_from(['FIRST', 'SECOND', 'THIRD']))} DOMAIN: {title}"
    if kind == "subdomain":
        return f"Domain {draw(st.integers(1, 4))}.{draw(st.integers(1, 5))}: {title}"
    if kind == "title":
        return title
    if kind == "code":
        body = draw(st.lists(_CODE_LINES, max_size=draw(st.sampled_from([3, 12, 60]))))
        return "```\n" + "\n".join(body) + "\n```"
    if kind == "bullets":
        glyph = draw(st.sampled_from(["- ", "• ", "* ", "1. ", "  • "]))
        return "\n".join(glyph + s for s in draw(st.lists(_sentence(), min_size=1, max_size=5)))
    return draw(st.sampled_from(["", " ", "\t", "   \n"]))


@st.composite
def _document_text(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(_block(), min_size=1, max_size=14))
    out = blocks[0]
    for block in blocks[1:]:
        out += draw(st.sampled_from(["\n\n", "\n", "\n\n\n", "\n \n"])) + block
    lead = draw(st.sampled_from(["", "\n", "  "]))
    trail = draw(st.sampled_from(["", "\n", " \n\n"]))
    return lead + out + trail


_PARAMS = st.tuples(st.integers(16, 300), st.integers(0, 80), st.integers(0, 120))


def _check_chunks(d: Document, cs: list[Chunk]) -> None:
    for c in cs:
        assert d.text[c.start : c.end] == c.text
        assert c.text.strip() == c.text and c.text
    assert [c.index for c in cs] == list(range(len(cs)))
    assert _uncovered(d.text, cs) == []
    if d.page_starts:
        for c in cs:
            assert c.page == d.page_at(c.start)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_document_text(), params=_PARAMS)
def test_property_offsets_are_exact_and_chunks_cover_all_content(
    text: str, params: tuple[int, int, int]
) -> None:
    d = Document(doc_id="random.md", source="random.md", format="md", title="Random", text=text)
    cs = chunk_document(d, *params)
    _check_chunks(d, cs)
    if text.strip():
        assert cs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages=st.lists(_document_text(), min_size=1, max_size=4), params=_PARAMS)
def test_property_holds_after_cleaning_and_for_paged_documents(
    pages: list[str], params: tuple[int, int, int]
) -> None:
    from ingest.models import RawDocument

    raw = RawDocument(
        doc_id="random.pdf", source="random.pdf", format="pdf", segments=tuple(pages), paged=True
    )
    d = clean_document(raw)
    assert d.text == "\n\n".join(c for c in (clean_text(p) for p in pages) if c)
    cs = chunk_document(d, *params)
    _check_chunks(d, cs)
    # On cleaned text the budget holds too; only a chunk that is a single (over-long) sentence may exceed it.
    for c in cs:
        if c.tokens > params[0]:
            assert _units_in(d, c) == 1, (params[0], c.tokens, c.text)


def _units_in(d: Document, c: Chunk) -> int:
    """How many of the chunker's own units (sentences, whole code blocks) the chunk overlaps."""
    from ingest.chunk import _sections

    _, spans = _sections(d.text, markdown=d.format != "pdf")
    return sum(1 for span in spans if span.start < c.end and span.end > c.start)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"])
        | st.sampled_from(["\n", "\n", ".", "#", " "]),
        max_size=600,
    ),
    params=_PARAMS,
)
def test_property_holds_for_arbitrary_text(text: str, params: tuple[int, int, int]) -> None:
    d = Document(doc_id="fuzz.txt", source="fuzz.txt", format="txt", title="Fuzz", text=text)
    _check_chunks(d, chunk_document(d, *params))


# -- code blocks and real documentation pages -------------------------------------------------------

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-docs"
REAL_PAGES = ["handbook-apt-cache.html", "python-tutorial-interpreter.html", "abs-nested-loops.html"]


@cache
def real(name: str) -> Document:
    return clean_document(load_file(REAL / name))


def _code_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every fenced code block, fences included."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    return [(starts[first], starts[last] + len(lines[last])) for first, last in code_fences(lines)]


@pytest.mark.parametrize(
    ("name", "max_tokens"),
    [(name, n) for name in REAL_PAGES for n in (180, 300) if (name, n) != ("abs-nested-loops.html", 180)],
)
def test_a_code_block_that_fits_stays_whole_in_one_chunk(name: str, max_tokens: int) -> None:
    d = real(name)
    cs = chunk_document(d, max_tokens=max_tokens, overlap_tokens=30, min_tokens=60)
    blocks = _code_blocks(d.text)
    assert blocks
    fitting = [(s, e) for s, e in blocks if count_tokens(d.text[s:e]) <= max_tokens]
    assert fitting
    for s, e in fitting:
        assert any(c.start <= s and e <= c.end for c in cs), d.text[s : s + 80]
    _check_chunks(d, cs)


@pytest.mark.parametrize(
    ("name", "max_tokens"), [("abs-nested-loops.html", 180), ("handbook-apt-cache.html", 64)]
)
def test_a_code_block_longer_than_a_chunk_is_cut_between_lines(name: str, max_tokens: int) -> None:
    d = real(name)
    text = d.text
    cs = chunk_document(d, max_tokens=max_tokens, overlap_tokens=max_tokens // 6, min_tokens=max_tokens // 3)
    long_blocks = [(s, e) for s, e in _code_blocks(text) if count_tokens(text[s:e]) > max_tokens]
    assert long_blocks
    for s, e in long_blocks:
        inside = [c for c in cs if c.start < e and c.end > s]
        assert len(inside) >= 2
        for c in inside:
            # Every cut inside the block is at a line boundary: only indentation before a start on its
            # line, a line end right after an end.
            if s < c.start:
                assert text[text.rfind("\n", 0, c.start) + 1 : c.start].strip() == "", c.text[:60]
            if c.end < e:
                assert text[c.end] == "\n", c.text[-60:]
            assert c.tokens <= max_tokens * 3 // 2
        # Pieces of code are not repeated as overlap, and together they hold the whole block.
        assert all(b.start >= a.end for a, b in itertools.pairwise(inside))
        assert inside[0].start <= s and inside[-1].end >= e


def test_listing_lines_are_never_split_into_sentences_or_joined() -> None:
    code = "\n".join(
        [
            "```",
            "# Setup. Nothing here is a heading.",
            "x = load('a. B')  # first line. Second clause!",
            "if x:",
            "    print(x)",
            "```",
        ]
    )
    text = f"# Notes\n\nThe loader reads the file.\n\n{code}\n\nThat is all there is to it."
    d = Document(doc_id="n.md", source="n.md", format="md", title="N", text=text)
    cs = chunk_document(d, max_tokens=count_tokens(code) + 1, overlap_tokens=0, min_tokens=0)
    assert len(cs) == 3
    assert code in [c.text for c in cs]
    assert {c.heading for c in cs} == {"Notes"}


def test_html_headings_form_the_path_and_code_comments_do_not() -> None:
    cs = chunk_document(real("python-tutorial-interpreter.html"))
    encoding = [c for c in cs if "# -*- coding: cp1252 -*-" in c.text]
    assert encoding
    assert encoding[0].heading == (
        "2. Using the Python Interpreter > 2.2. The Interpreter and Its Environment > 2.2.1. Source Code Encoding"
    )
    assert not [c for c in cs if "-*-" in c.heading or "usr/bin" in c.heading]


def test_docbook_headings_form_the_path() -> None:
    cs = chunk_document(real("handbook-apt-cache.html"))
    policy = [c for c in cs if "$ apt-cache policy limnoria" in c.text]
    assert policy and policy[0].heading == "6.3. The apt-cache Command > 6.3.1. The apt-cache policy Command"


def test_pdf_numbered_titles_nest_and_comment_lines_are_not_headings() -> None:
    d = clean_document(load_file(REAL / "r-intro-excerpt.pdf"))
    headings = {c.heading for c in chunk_document(d)}
    assert "2 Simple manipulations; numbers and vectors > 2.1 Vectors and assignment" in headings
    assert "1.11 Data permanency and removing objects" in headings
    # A PDF has no markup: "# ..." there is a comment in a listing.
    text = "Chapter text about assignment comes first here.\n# assign a vector\n> x <- c(1, 2)\nMore text follows."
    pdf = Document(doc_id="p.pdf", source="p.pdf", format="pdf", title="P", text=text)
    assert {c.heading for c in chunk_document(pdf)} == {""}
