"""The extractive answer quotes whole sentences, never a piece the splitter cut out of a longer one."""

import hashlib

import numpy as np

from ingest.text import content_tokens
from tutor.rag.extractive import extractive_answer
from tutor.rag.grounding import SupportScorer
from tutor.schema import Passage

# A PDF page: the sentence explaining the test output starts on the line after the output's last number.
PAGE = (
    "> var.test(A, B)\n"
    "F test to compare two variances\n"
    "ratio of variances\n"
    "0.5837405\n"
    "which shows no evidence of a significant difference in the variances, and so we can use the classical test.\n"
    "We can use the F test to test for equality in the variances of two samples from normal populations."
)


def _embed(texts: list[str]) -> np.ndarray:
    """Bag of stemmed words hashed into 64 dimensions: similar wording, similar vector."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for tok in content_tokens(text):
            out[i, int(hashlib.md5(tok.encode()).hexdigest(), 16) % 64] += 1.0
        out[i] /= np.linalg.norm(out[i]) or 1.0
    return out


def test_a_sentence_starting_after_a_line_of_output_is_not_quoted() -> None:
    passage = Passage(
        doc_id="intro.pdf",
        title="An Introduction",
        heading="Tests",
        text=PAGE,
        start=0,
        end=len(PAGE),
        rank=1,
        score=1.0,
    )
    query = "How can I test whether the variances of two samples are equal?"
    scorer = SupportScorer([passage], _embed)
    text, citations = extractive_answer(query, _embed([query])[0], [passage], scorer)
    assert text.startswith("We can use the F test")
    assert "which shows no evidence" not in text
    assert citations and citations[0].n == 1
