"""The tutor's retrieval and answering as LangChain components, so they compose with other LangChain code.

``HybridRetriever`` is a ``BaseRetriever`` (dense + BM25 fusion + sentence rescoring inside it) returning
``Document``s whose metadata carries the passage fields; ``AnswerRunnable`` is a ``Runnable`` whose
``stream`` yields the pipeline's events (Retrieved, Progress and Token..., Final: the Tokens carry only checked text
and join to the final answer) and whose ``invoke`` returns the Final one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import ConfigDict

from tutor.errors import TutorError
from tutor.rag.pipeline import AnswerEvent, Final, Tutor
from tutor.rag.retrieve import Retriever


class HybridRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = 5
    doc_id: str | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, k=self.k, doc_id=self.doc_id)
        return [
            Document(page_content=p.text, metadata=p.model_dump(exclude={"text"}), id=p.chunk_id or None)
            for p in result.passages
        ]


class AnswerRequest(TypedDict, total=False):
    question: str
    history: list[str]
    backend: str | None
    k: int | None
    doc_id: str | None


class AnswerRunnable(Runnable[str | AnswerRequest, AnswerEvent]):
    """Input: a question, or {"question", "history", "backend", "k", "doc_id"}."""

    def __init__(self, tutor: Tutor) -> None:
        self.tutor = tutor

    def _events(self, value: str | AnswerRequest) -> Iterator[AnswerEvent]:
        request: AnswerRequest = {"question": value} if isinstance(value, str) else value
        if "question" not in request:
            raise TutorError("An answer request needs a 'question'.")
        return self.tutor.ask_stream(
            request["question"],
            request.get("history"),
            request.get("backend"),
            request.get("k"),
            request.get("doc_id"),
        )

    def invoke(
        self, input: str | AnswerRequest, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AnswerEvent:
        final: AnswerEvent | None = None
        for event in self._events(input):
            if isinstance(event, Final):
                final = event
        assert final is not None
        return final

    def stream(
        self, input: str | AnswerRequest, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> Iterator[AnswerEvent]:
        yield from self._events(input)
