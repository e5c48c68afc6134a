"""Cleaning on the real corpus files: the noise named in the corpus README is gone, the content stays."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

import pytest

from ingest.chunk import chunk_document
from ingest.clean import clean_document, clean_text
from ingest.load import load_file
from ingest.models import RawDocument

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

BLOG = "aws-for-ml-engineers-blog.md"
EXAM = "aws-ml-specialty-exam-notes.txt"
BOOK = "aws-ml-stack-book-chapter.txt"
GUIDE = "ml-in-the-cloud-study-guide.txt"
CONCEPTS = "ml-services-key-concepts.txt"


@cache
def cleaned(name: str) -> str:
    return clean_document(load_file(CORPUS / name)).text


def raw(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def test_corpus_has_the_five_documents() -> None:
    assert sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".toml") == sorted(
        [BLOG, EXAM, BOOK, GUIDE, CONCEPTS]
    )


NOISE = [
    # scraped site header and footer (exam notes)
    (EXAM, "Coder Social home page"),
    (EXAM, "Coder Social logo"),
    (EXAM, "Recommend Projects"),
    (EXAM, "Recommend Topics"),
    (EXAM, "Recommend Org"),
    (EXAM, "my_aws_ml_specialty_exam's People"),
    (EXAM, "danialarab avatar"),
    (EXAM, "A declarative, efficient, and flexible JavaScript library"),
    (EXAM, "Open source projects and samples from Microsoft."),
    # bullet glyphs (exam notes)
    (EXAM, "•"),
    # reference URLs (exam notes)
    (EXAM, "explore.skillbuilder.aws"),
    # Jekyll front matter (blog)
    (BLOG, "layout: post"),
    (BLOG, "permalink:"),
    (BLOG, "categories: [Machine Learning]"),
    (BLOG, "end_excerpt"),
    # the embedded tweet and its script (blog)
    (BLOG, "Delighted to have successfully completed"),
    (BLOG, "Machine Learning Specialty Certification with a score of 970/1000"),
    (BLOG, "feel free to start following me"),
    (BLOG, "Pier_Paolo_28"),
    (BLOG, "twitter-tweet"),
    (BLOG, "<script"),
    (BLOG, "platform.twitter.com"),
    (BLOG, "<blockquote"),
    (BLOG, "<br>"),
    # image links, photo credit and captions of removed images (blog)
    (BLOG, "![]("),
    (BLOG, "miro.medium.com"),
    (BLOG, "Photo by"),
    (BLOG, "unsplash"),
    (BLOG, "AWS ML Exam Completion Tweet"),
    (BLOG, "Figure 2: Amazon Rekognition Demo"),
    (BLOG, "Figure 3: Amazon Sagemaker Dashboard"),
    # link syntax and bibliography URLs (blog)
    (BLOG, "]("),
    (BLOG, "Bibliography"),
    (BLOG, "globenewswire.com"),
    (BLOG, "statista.com"),
    (BLOG, "Amazon Leads"),
    (BLOG, "towardsdatascience.com"),
    # the dangling figure caption (book chapter)
    (BOOK, "Figure 1.7 – A diagram depicting the AWS ML stack"),
    (BOOK, "Figure 1.7"),
]


@pytest.mark.parametrize(("doc", "noise"), NOISE, ids=[f"{d}:{n[:30]}" for d, n in NOISE])
def test_named_noise_is_gone(doc: str, noise: str) -> None:
    assert noise in raw(doc), "the noise must be in the raw file for this test to mean anything"
    assert noise not in cleaned(doc)


@pytest.mark.parametrize("doc", [BLOG, EXAM, BOOK, GUIDE, CONCEPTS])
def test_no_urls_or_html_tags_left(doc: str) -> None:
    text = cleaned(doc)
    assert not re.search(r"https?://", text)
    assert not re.search(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>", text)


CONTENT = {
    EXAM: [
        "Exam date: Sunday, November 26, 2023",
        "CRISP-DM (Cross Industry Standard Process - Data Mining)",
        "FIRST DOMAIN: Data Engineering",
        "Data lake is a key solution to this challenge.",
        "AWS Lake Formation is your data lake solution, and Amazon S3 is the preferred storage option for data science processing on AWS",
        "As data is ingested in real time, you can use Amazon Kinesis Data Firehose to easily batch and compress the data to generate incremental views.",
        "Kinesis Data Firehose also allows you to execute custom transformation logic using AWS Lambda before delivering the incremental view to Amazon S3.",
        "Domain 4.3: Apply Basic AWS security practices to ML solutions",
        "The one-hot encoding method is a good choice.",
        "Automatic scaling dynamically adjusts the number of instances provisioned for a production variant in response to changes in your workload.",
        "Always load-test your automatic scaling configuration to ensure that it works correctly before using it to manage production traffic",
        "That's because they're a good fit for deep learning.",
        "Exam Prep Official Practice Question Set: AWS Certified Machine Learning - Specialty (MLS-C01 - English)",
    ],
    BLOG: [
        "# AWS for Machine Learning Engineers",
        "One of the key trends in tech over the last few years has been the constant increase in demand for cloud computing as more and more companies decide to move on-premises datacenters to cloud providers.",
        "As of 2021, AWS is currently the leading cloud provider in the world by market share [2].",
        "AWS provides 3 different levels of abstraction, which you can use in order to create Machine Learning solutions: Artificial Intelligence (AI) Services, ML Services, ML Frameworks and Infrastructure.",
        "Amazon Polly: is a Deep Learning enabled text to speech service which can be used in order to create talk based applications.",
        "Currently, Ground Truth is able to support different types of data such as text, images and videos.",
        "In this way, ML practitioners don’t have to worry anymore about conflicts with libraries dependencies and limited computing capabilities.",
        # sentences that held links or bold text keep their words
        "I recently completed the AWS Machine Learning Speciality exam (Figure 1), and I, therefore, decided to make a summary of the key services a Data Scientist might use when working on a project on AWS.",
        "Amazon SageMaker: is a fully managed service designed to cover the entire Machine Learning workflow, from data preparation to deployment and monitoring (Figure 3).",
        "(e.g. Keras, PyTorch, ONNX)",
    ],
    BOOK: [
        "AWS puts ML in the hands of every developer, irrespective of their skill level and expertise, so that businesses can adopt the technology quickly and effectively.",
        "The AWS ML services are organized into three layers also known as the AWS machine learning stack.",
        "The following diagram represents the version of the AWS AI/ML services stack as of April 2022.",
        "AI services layer: The AI services layer of the AWS ML stack is the topmost layer of the stack.",
        "It is driven by the core ML platform of AWS known as Amazon SageMaker.",
        "The ML frameworks and infrastructure layer is the bottom layer of the AWS AI/ML stack.",
        "Let us now summarize the lessons from this chapter and see what’s ahead.",
    ],
    GUIDE: [
        "ML has gone to the cloud and developers can now use it as a service.",
        # The source has a no-break space in "Lex\u00a0is" and "Rekognition\u00a0is"; verbatim means kept.
        "AWS Lex\u00a0is a very clear example of an ML application as a service, where people can implement chatbots with minimum development.",
        "AWS Rekognition\u00a0is another example, which aims to identify objects, people, text, scenes, and activities in images and videos.",
        "SageMaker is probably the most important service that you should master for the AWS Machine Learning Specialty exam, and it will be covered in detail in a separate section.",
        "If you prefer, you can also use AWS serverless architecture to deploy your solution, for example, using AWS Lambda functions.",
        "You then moved on to the differences between supervised, unsupervised, and reinforcement learning, highlighting some use cases related to each of them.",
    ],
    CONCEPTS: [
        "10.3.2 ML Services Explained",
        "Automated Machine Learning (AutoML): Automating the process of applying machine learning to real-world problems.",
        "Examples include Google Cloud AutoML and Azure Automated Machine Learning.",
        "Pre-Trained Models are like ready-made meals.",
        "Model Deployment is like opening a restaurant.",
        "Examples include using AWS Cost Explorer for ML cost management and Azure Cost Management for optimizing ML expenses.",
        "Examples include using Jupyter Notebooks with Google AI Platform and AWS SageMaker Studio for ML development.",
    ],
}


@pytest.mark.parametrize("doc", list(CONTENT))
def test_content_sentences_survive_verbatim(doc: str) -> None:
    text = cleaned(doc)
    assert len(CONTENT[doc]) >= 5
    missing = [s for s in CONTENT[doc] if s not in text]
    assert not missing


def test_exam_notes_keep_every_content_line_between_header_and_footer() -> None:
    """Each line of the scraped page's body (bullet glyph and URL stripped) is still in the cleaned text."""
    lines = raw(EXAM).splitlines()
    assert lines[0].startswith("Coder Social home page")
    end = next(i for i, line in enumerate(lines) if line.strip() == "my_aws_ml_specialty_exam's People")
    text = cleaned(EXAM)
    content = []
    for line in lines[1:end]:
        line = re.sub(r"^•\s*", "", line.strip())
        line = re.sub(r"\s*\(https?://[^)\s]+\)", "", line)
        if line:
            content.append(line)
    assert len(content) > 350
    assert [line for line in content if line not in text] == []


def test_exam_notes_bullets_become_list_items() -> None:
    text = cleaned(EXAM)
    assert "\n- managed serverless ETL service\n" in text
    assert "\n- Amazon Kinesis Data Firehose\n" in text


def test_blog_keeps_every_plain_paragraph() -> None:
    """Every blog line without markup, other than captions of removed images and the bibliography, survives."""
    text = cleaned(BLOG)
    body = raw(BLOG).split("---", 2)[2]
    kept = []
    for line in body.splitlines():
        line = line.strip()
        if not line or re.search(r"\]\(|<|\*\*|\\|^Figure \d+:|^# Bibliography|^\[\d+\]", line):
            continue
        kept.append(line)
    assert len(kept) >= 12
    assert [line for line in kept if line not in text] == []


@pytest.mark.parametrize("doc", [GUIDE, CONCEPTS])
def test_clean_documents_are_left_alone(doc: str) -> None:
    assert cleaned(doc) == raw(doc).strip()


def test_book_chapter_loses_only_the_caption() -> None:
    lines = [line for line in raw(BOOK).splitlines() if line.strip()]
    expected = "\n".join(line.strip() for line in lines if not line.startswith("Figure 1.7"))
    assert cleaned(BOOK) == expected


@pytest.mark.parametrize("doc", [BLOG, EXAM, BOOK, GUIDE, CONCEPTS])
def test_cleaning_is_idempotent(doc: str) -> None:
    once = cleaned(doc)
    assert clean_text(once) == once


def test_titles_come_from_the_documents() -> None:
    titles = {name: clean_document(load_file(CORPUS / name)).title for name in CONTENT}
    assert titles[BLOG] == "AWS for Machine Learning Engineers"
    assert titles[BOOK] == "Introducing ML on AWS"
    assert titles[GUIDE] == "ML in the cloud – Machine Learning Fundamentals – MLS-C01 Study Guide"
    assert titles[CONCEPTS] == "10.3.2 ML Services Explained"
    # The scraped page's site header is not its title.
    assert "Coder Social" not in titles[EXAM]


# -- code blocks, text from HTML, PDF leftovers --------------------------------------------------------

NOTE_WITH_CODE = """# Shell notes

Run **this** once, see [the manual](https://example.com/man):

```bash
    # indented comment, not a heading
for f in *.txt; do
    echo "<b>$f</b>"  # **not bold**, [not a link](https://example.com)
done


Copyright © 2024 is inside the listing, so it does not end the page
```

Text after the block: <i>tags</i> go.
"""


def test_fenced_code_keeps_every_line_verbatim_while_prose_around_it_is_cleaned() -> None:
    text = clean_text(NOTE_WITH_CODE)
    assert text == (
        "# Shell notes\n\n"
        "Run this once, see the manual:\n\n"
        "```bash\n"
        "    # indented comment, not a heading\n"
        "for f in *.txt; do\n"
        '    echo "<b>$f</b>"  # **not bold**, [not a link](https://example.com)\n'
        "done\n\n\n"
        "Copyright © 2024 is inside the listing, so it does not end the page\n"
        "```\n\n"
        "Text after the block: tags go."
    )
    assert clean_text(text) == text


def test_an_unclosed_fence_is_ordinary_text() -> None:
    assert clean_text("```\nA line with **bold**.\n\n\n<b>Tag</b>") == "```\nA line with bold.\n\nTag"


def test_fence_indentation_is_removed_from_the_block_not_from_the_code() -> None:
    text = clean_text("- step one:\n\n  ```\n  if x:\n      y()\n  ```\n")
    assert text == "- step one:\n\n```\nif x:\n    y()\n```"
    assert clean_text(text) == text


def test_an_empty_code_block_is_dropped() -> None:
    assert clean_text("Before.\n\n```\n\n```\n\nAfter.") == "Before.\n\nAfter."


def test_text_from_html_keeps_what_the_page_shows() -> None:
    """Markup syntax in text a loader took from HTML is literal: dunder names, tags, asterisks."""
    raw = RawDocument(
        doc_id="page.html",
        source="page.html",
        format="html",
        segments=("Source code: Lib/json/__init__.py\n\nA <div> holds **kwargs and [1](#x) stays.",),
    )
    assert (
        clean_document(raw).text
        == "Source code: Lib/json/__init__.py\n\nA <div> holds **kwargs and [1](#x) stays."
    )
    # The same text in a markdown note is markdown.
    assert clean_text("A <div> holds **kwargs** here.") == "A holds kwargs here."


def test_ligatures_become_letters() -> None:
    assert clean_text("The ﬁrst ﬂow: ﬀ, ﬃ, ﬄ.") == "The first flow: ff, ffi, ffl."


def test_a_page_that_is_only_a_reading_list_keeps_it() -> None:
    page = "# Bibliography\n\nDale Dougherty, Sed and Awk, 1997.\n\nThe classic tutorial on sed and awk."
    assert clean_text(page) == page
    # Where there is other content, the bibliography section still goes.
    assert clean_text("# Notes\n\nSed edits streams.\n\n" + page) == "# Notes\n\nSed edits streams."


def test_seed_corpus_chunks_are_unchanged() -> None:
    """The regression evals were tuned on these exact chunks: same text, heading and offsets."""
    rows = []
    for name in sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".toml"):
        chunks = chunk_document(clean_document(load_file(CORPUS / name)))
        rows.append([name, [[c.text, c.heading, c.start, c.end] for c in chunks]])
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    assert digest == "79e5016b96d46a7fd41a84c4af172145d03723d96226990772c97707ae5c89d4"
