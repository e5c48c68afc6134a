"""The four MLS-C01 exam domains: parsing a user's ``--domain`` and assigning a passage to a domain.

The exam notes carry the domain in their heading path ("THIRD DOMAIN: Modeling > ...", "Domain 4.3: ...");
other documents are assigned by embedding similarity to a short description of each domain, so mastery per
domain covers every document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from tutor.errors import TutorError

DOMAINS: tuple[str, ...] = (
    "Data Engineering",
    "Exploratory Data Analysis",
    "Modeling",
    "ML Implementation and Operations",
)

# What each domain covers, in the corpus's own vocabulary (its domain outlines and topic lists).
_DESCRIPTIONS: tuple[str, ...] = (
    "Data engineering: data repositories for ML, data lake, Amazon S3 storage, data ingestion, batch and stream "
    "processing, Amazon Kinesis, data transformation, ETL, AWS Glue, Amazon EMR, Apache Spark, Athena.",
    "Exploratory data analysis: sanitize and prepare data, feature engineering, descriptive statistics, missing "
    "values, outliers, scaling, normalizing, one-hot encoding, dimensionality reduction, visualization, data labeling.",
    "Modeling: frame business problems as ML problems, select models and algorithms, supervised and unsupervised "
    "learning, train models, cross-validation, hyperparameter optimization, evaluate models, metrics, AutoML.",
    "ML implementation and operations: availability, scalability, fault tolerance, AI services such as Comprehend, "
    "Polly, Rekognition, Translate, Lex; security, IAM, encryption, KMS, VPC; deploy models to endpoints, "
    "monitoring, auto scaling, the AWS ML stack.",
)

_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3}
_ALIASES = {
    "data engineering": 0,
    "de": 0,
    "eda": 1,
    "exploratory data analysis": 1,
    "data analysis": 1,
    "modeling": 2,
    "modelling": 2,
    "ml implementation and operations": 3,
    "implementation and operations": 3,
    "operations": 3,
    "mlops": 3,
    "implementation": 3,
}


def parse_domain(value: str) -> str:
    """A user's domain spelling (``3``, ``third``, ``Modeling``, ``eda``) -> the canonical domain name."""
    v = re.sub(r"\s+", " ", value).strip().lower().removeprefix("domain").strip(" :")
    if v.isdigit() and 1 <= int(v) <= len(DOMAINS):
        return DOMAINS[int(v) - 1]
    if v in _ORDINALS:
        return DOMAINS[_ORDINALS[v]]
    if v in _ALIASES:
        return DOMAINS[_ALIASES[v]]
    for name in DOMAINS:
        if v == name.lower():
            return name
    choices = ", ".join(f"{i} ({name})" for i, name in enumerate(DOMAINS, start=1))
    raise TutorError(f"Unknown exam domain '{value}'. Use one of: {choices}.")


def domain_from_heading(heading: str) -> str | None:
    """The domain a heading path names, or None when it names none."""
    m = re.match(r"\s*(FIRST|SECOND|THIRD|FOURTH) DOMAIN\b", heading, re.IGNORECASE)
    if m:
        return DOMAINS[_ORDINALS[m.group(1).lower()]]
    m = re.match(r"\s*Domain (\d)(?:\.\d+)?\s*:", heading, re.IGNORECASE)
    if m and 1 <= int(m.group(1)) <= len(DOMAINS):
        return DOMAINS[int(m.group(1)) - 1]
    return None


class DomainClassifier:
    """Assigns passages to domains: the heading when it names one, else the nearest domain description."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        self._desc = np.asarray(embed(list(_DESCRIPTIONS)), dtype=np.float32)

    def assign(self, headings: Sequence[str], vectors: np.ndarray) -> list[str]:
        out: list[str] = []
        sims = vectors @ self._desc.T if len(vectors) else np.zeros((0, len(DOMAINS)))
        for i, heading in enumerate(headings):
            named = domain_from_heading(heading)
            out.append(named or DOMAINS[int(np.argmax(sims[i]))])
        return out
