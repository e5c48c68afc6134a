"""Generate step: the prompt (numbered excerpts of the top passages) and the model's streamed raw text."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from ingest.text import content_tokens
from tutor.llm.backends import backend_errors
from tutor.rag.grounding import SupportScorer, relevance
from tutor.rag.passages import label
from tutor.rag.safety import is_instruction_like
from tutor.schema import Passage

PROMPTS = Path(__file__).parent / "prompts"
LLM_PASSAGES = 3
# Short excerpts keep the 0.5B model's first token under 3 s (docs/decisions/0008-local-model-prompt.md).
EXCERPT_WORDS = 60


@lru_cache(maxsize=8)
def prompt(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


def _titles_next(line: str, following: str) -> bool:
    """A title line whose next sentence opens with the same words ("Model Deployment" / "Model Deployment
    makes ..."): joined into one excerpt they read "Model Deployment Model Deployment makes", which small
    models copy."""
    return not line.rstrip().endswith((".", "!", "?", ":")) and following.lower().startswith(
        line.strip().lower() + " "
    )


def excerpt(index: int, scorer: SupportScorer, qvec: np.ndarray, query: str, qtok: set[str]) -> str:
    """Passage ``index``'s sentences that best answer the query, in order, within a word budget (short prompts)."""
    own = [(j, sent.text) for j, sent in enumerate(scorer.sentences) if sent.passage_index == index]
    rows = [
        (j, text)
        for pos, (j, text) in enumerate(own)
        if not is_instruction_like(text)
        and not _titles_next(text, own[pos + 1][1] if pos + 1 < len(own) else "")
    ]
    ranked = sorted(rows, key=lambda r: -relevance(r[1], scorer.vectors[r[0]], qvec, query, qtok))
    chosen: list[tuple[int, str]] = []
    words = 0
    for j, text in ranked:
        n = len(text.split())
        if chosen and words + n > EXCERPT_WORDS:
            continue
        chosen.append((j, text))
        words += n
    return " ".join(text for _, text in sorted(chosen))


def build_messages(
    query: str, passages: list[Passage], scorer: SupportScorer, qvec: np.ndarray
) -> list[SystemMessage | HumanMessage]:
    qtok = set(content_tokens(query))
    numbered = "\n".join(
        f"[{p.rank}] ({label(p)}) {excerpt(i, scorer, qvec, query, qtok)}"
        for i, p in enumerate(passages[:LLM_PASSAGES])
    )
    user = prompt("answer_user").format(passages=numbered, question=query)
    return [SystemMessage(content=prompt("answer_system")), HumanMessage(content=user)]


def stream_text(
    model: BaseChatModel, backend: str, messages: list[SystemMessage | HumanMessage]
) -> Iterator[str]:
    """The model's non-empty text pieces as they arrive; backend failures become a TutorError that says what to do."""
    with backend_errors(backend):
        for chunk in model.stream(messages):
            piece = str(chunk.content)
            if piece:
                yield piece
