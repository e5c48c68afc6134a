"""The one settings object. Environment variables (and a ``.env`` file) override the defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Backend = Literal["local", "local-large", "extractive", "openai", "bedrock", "tiny"]
BACKENDS: tuple[str, ...] = ("local", "local-large", "extractive", "openai", "bedrock", "tiny")


class Settings(BaseSettings):
    # Only the documented variables are read (populating by field name made HOME set the data folder).
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    home: Path = Field(Path(".tutor"), validation_alias=AliasChoices("TUTOR_HOME"))
    corpus_dir: Path = Field(Path("corpus"), validation_alias=AliasChoices("TUTOR_CORPUS"))
    backend: Backend = Field("local", validation_alias=AliasChoices("TUTOR_BACKEND"))
    # Where assembled model files live; default TUTOR_HOME/models (several indexes can share one copy).
    models_home: Path | None = Field(None, validation_alias=AliasChoices("TUTOR_MODELS_DIR"))

    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("TUTOR_OPENAI_BASE_URL"))
    openai_model: str = Field("gpt-4o-mini", validation_alias=AliasChoices("TUTOR_OPENAI_MODEL"))
    openai_api_key: str | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    bedrock_model: str = Field(
        "anthropic.claude-3-haiku-20240307-v1:0", validation_alias=AliasChoices("TUTOR_BEDROCK_MODEL")
    )
    aws_region: str | None = Field(None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))

    chroma_host: str | None = Field(None, validation_alias=AliasChoices("CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=AliasChoices("CHROMA_PORT"))

    # Chunking defaults; the grid that chose them was not recorded (docs/decisions/0011-chunk-sizes.md).
    chunk_max_tokens: int = Field(180, validation_alias=AliasChoices("TUTOR_CHUNK_TOKENS"))
    chunk_overlap_tokens: int = Field(30, validation_alias=AliasChoices("TUTOR_CHUNK_OVERLAP"))
    chunk_min_tokens: int = Field(60, validation_alias=AliasChoices("TUTOR_CHUNK_MIN_TOKENS"))
    max_file_mb: float = Field(20.0, validation_alias=AliasChoices("TUTOR_MAX_FILE_MB"))

    top_k: int = Field(5, validation_alias=AliasChoices("TUTOR_TOP_K"))
    # Fusion chosen on five eval sets (docs/decisions/0002-hybrid-fusion-weights.md).
    fusion: Literal["rrf", "linear"] = Field("linear", validation_alias=AliasChoices("TUTOR_FUSION"))
    linear_alpha: float = Field(0.85, ge=0.0, le=1.0, validation_alias=AliasChoices("TUTOR_LINEAR_ALPHA"))
    # Best sentence's share of the dense score; 0 turns rescoring off (docs/decisions/0003-sentence-rescoring-top-3.md).
    sentence_weight: float = Field(
        0.7, ge=0.0, le=1.0, validation_alias=AliasChoices("TUTOR_SENTENCE_WEIGHT")
    )
    rrf_k: int = Field(10, validation_alias=AliasChoices("TUTOR_RRF_K"))
    dense_weight: float = Field(1.0, validation_alias=AliasChoices("TUTOR_DENSE_WEIGHT"))
    lexical_weight: float = Field(2.0, validation_alias=AliasChoices("TUTOR_LEXICAL_WEIGHT"))
    llm_threads: int = Field(2, validation_alias=AliasChoices("TUTOR_LLM_THREADS"))
    llm_context: int = Field(4096, validation_alias=AliasChoices("TUTOR_LLM_CONTEXT"))
    # LLM answers get the notes' sentences their wording leaves out (docs/decisions/0009-key-quotes-after-model-answers.md).
    answer_key_quote: bool = Field(True, validation_alias=AliasChoices("TUTOR_ANSWER_KEY_QUOTE"))
    max_answer_tokens: int = Field(200, validation_alias=AliasChoices("TUTOR_MAX_ANSWER_TOKENS"))
    request_timeout_s: float = Field(60.0, validation_alias=AliasChoices("TUTOR_REQUEST_TIMEOUT"))

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.models_home or self.home / "models"

    @property
    def progress_db(self) -> Path:
        return self.home / "progress.sqlite"

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
