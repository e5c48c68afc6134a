"""The tutor's retrieval and answering used through LangChain's own interfaces, composed with LangChain code."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from tutor.rag.pipeline import Final, Retrieved, Token
from tutor.rag.runnables import AnswerRunnable, HybridRetriever


def test_the_hybrid_retriever_is_a_langchain_retriever(tutor) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(retriever=tutor.retriever, k=3)
    docs = retriever.invoke("What is Amazon Athena?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    assert "Athena" in docs[0].page_content
    assert docs[0].metadata["rank"] == 1 and docs[0].metadata["doc_id"]
    # ...and composes: a chain that turns the top passage into its heading path.
    chain = retriever | RunnableLambda(lambda ds: ds[0].metadata["heading"])
    assert isinstance(chain.invoke("What is Amazon Athena?"), str)


def test_answering_is_a_runnable_that_streams_events(tutor) -> None:  # type: ignore[no-untyped-def]
    runnable = AnswerRunnable(tutor)
    events = list(runnable.stream({"question": "What is Amazon Athena?", "backend": "extractive"}))
    assert isinstance(events[0], Retrieved) and isinstance(events[-1], Final)
    assert any(isinstance(e, Token) for e in events)
    final = runnable.invoke({"question": "What is Amazon Athena?", "backend": "extractive"})
    assert isinstance(final, Final) and final.answer.citations
    text = (runnable | RunnableLambda(lambda f: f.answer.answer)).invoke(
        {"question": "What is Amazon Athena?", "backend": "extractive"}
    )
    assert "[1]" in text or "[2]" in text
