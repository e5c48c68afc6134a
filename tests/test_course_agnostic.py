"""Nothing of one course in the engine: course specifics are data (a course profile, eval sets, tests)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Names of the seed course's vendor, products and exam. The hosted-LLM integrations in tutor/llm/ name their
# provider by necessity (a backend, not course logic) and are not scanned.
BANNED = re.compile(
    r"\b(amazon|aws|sagemaker|kinesis|athena|comprehend|polly|rekognition|firehose|redshift|mls-c01|"
    r"ml specialty|certified machine learning)\b",
    re.IGNORECASE,
)
SKIP = ("tutor/llm/",)


def _code_tokens(source: str) -> list[tuple[int, str]]:
    """(line, text) of every token that is code: comments and docstrings are left out."""
    out: list[tuple[int, str]] = []
    previous = tokenize.NEWLINE
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            continue
        is_docstring = tok.type == tokenize.STRING and previous in (
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
        )
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            if not is_docstring:
                out.append((tok.start[0], tok.string))
            previous = tok.type
        elif tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            previous = tok.type
    return out


def test_no_rule_in_the_engine_names_a_vendor_product_or_exam() -> None:
    found: list[str] = []
    for package in ("ingest", "tutor", "ui"):
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(SKIP) or not path.is_file():
                continue
            if path.suffix == ".py":
                tokens = _code_tokens(path.read_text(encoding="utf-8"))
            elif path.suffix == ".txt":  # prompts are part of the engine's logic
                tokens = list(enumerate(path.read_text(encoding="utf-8").splitlines(), start=1))
            else:
                continue
            found += [f"{rel}:{line}: {text.strip()[:80]}" for line, text in tokens if BANNED.search(text)]
    assert found == []


def test_the_seed_course_keeps_its_specifics_in_its_profile() -> None:
    profile = (ROOT / "corpus" / "course.toml").read_text(encoding="utf-8")
    assert "exam_domains = true" in profile and profile.count("[[topics]]") == 4
