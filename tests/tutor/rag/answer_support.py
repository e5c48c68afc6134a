"""What the answer tests share: a toy embedding and a one-passage retrieval result."""

import hashlib

import numpy as np

from ingest.text import content_tokens
from tutor.schema import Passage


def embed(texts: list[str]) -> np.ndarray:
    """Bag of stemmed words hashed into 64 dimensions: similar wording, similar vector."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for tok in content_tokens(text):
            out[i, int(hashlib.md5(tok.encode()).hexdigest(), 16) % 64] += 1.0
        out[i] /= np.linalg.norm(out[i]) or 1.0
    return out


def passage(text: str, heading: str, doc_id: str = "intro.pdf", title: str = "An Introduction") -> Passage:
    """``text`` as the first retrieved passage."""
    return Passage(
        doc_id=doc_id, title=title, heading=heading, text=text, start=0, end=len(text), rank=1, score=1.0
    )
