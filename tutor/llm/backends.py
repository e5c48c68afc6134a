"""LLM backends behind LangChain's chat-model interface.

``local``/``local-large``/``tiny`` run a GGUF through llama-cpp-python in-process (loaded once per process
and reused); ``openai`` talks to any OpenAI-compatible server; ``bedrock`` uses langchain-aws;
``extractive`` has no model at all (``get_chat_model`` returns None).
"""

from __future__ import annotations

import atexit
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr, SecretStr

from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.llm.model_files import ensure_model, tiny_model_path

_LOAD_LOCK = threading.Lock()
# llama.cpp contexts are not thread-safe; Streamlit serves sessions on threads.
_GENERATE_LOCKS: dict[str, threading.Lock] = {}


@lru_cache(maxsize=3)
def _load_llama(path: str, n_ctx: int, n_threads: int) -> Any:
    from llama_cpp import Llama  # deferred: loads the native library; only the local backends need it

    llm = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, n_batch=512, verbose=False, seed=0)
    # Free the model while the interpreter is still whole: left to Llama.__del__ at shutdown, it prints
    # "Exception ignored ... 'NoneType' object is not callable" tracebacks after every command.
    atexit.register(llm.close)
    return llm


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChat(BaseChatModel):
    """A chat model over a local GGUF file. ``response_format`` (JSON schema) is passed through to llama.cpp."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.0
    max_tokens: int = 256
    _client: Any = PrivateAttr(default=None)
    _warm: bool = PrivateAttr(default=False)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def client(self) -> Any:
        if self._client is None:
            with _LOAD_LOCK:
                self._client = _load_llama(self.model_path, self.n_ctx, self.n_threads)
        return self._client

    @property
    def is_loaded(self) -> bool:
        return self._client is not None

    def warm_up(self) -> None:
        """Load the weights and run one token through them, once: the first pass pages the weights into
        memory and sizes llama.cpp's buffers, which would otherwise slow the first answer."""
        if self._warm:
            return
        client = self.client
        with self._lock():
            client.create_completion("Hello", max_tokens=1, temperature=0.0)
        self._warm = True

    def _lock(self) -> threading.Lock:
        return _GENERATE_LOCKS.setdefault(self.model_path, threading.Lock())

    def _params(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop,
            "seed": 0,
        }
        if kwargs.get("response_format"):
            params["response_format"] = kwargs["response_format"]
        return params

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock():
            out = self.client.create_chat_completion(**self._params(messages, stop, kwargs))
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with self._lock():
            for part in self.client.create_chat_completion(
                stream=True, **self._params(messages, stop, kwargs)
            ):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk


def _local_path(backend: str, settings: Settings) -> str:
    if backend == "tiny":
        return str(tiny_model_path())
    return str(ensure_model(backend, settings.models_dir))


_MODELS: dict[tuple[str, str], BaseChatModel] = {}
# The app's warm-up thread and a learner's first question may ask for the same model at once.
_MODELS_LOCK = threading.RLock()


def get_chat_model(backend: str | None = None, settings: Settings | None = None) -> BaseChatModel | None:
    """The chat model for ``backend`` (default: settings), built once per process; None for ``extractive``."""
    s = settings or get_settings()
    name = backend or s.backend
    if name == "extractive":
        return None
    with _MODELS_LOCK:
        return _build_chat_model(name, s)


def _build_chat_model(name: str, s: Settings) -> BaseChatModel:
    key = (name, f"{s.home}|{s.openai_base_url}|{s.openai_model}|{s.bedrock_model}")
    if key in _MODELS:
        return _MODELS[key]
    model: BaseChatModel
    if name in ("local", "local-large", "tiny"):
        model = LlamaCppChat(
            model_path=_local_path(name, s),
            n_ctx=s.llm_context,
            n_threads=s.llm_threads,
            max_tokens=s.max_answer_tokens,
        )
    elif name == "openai":
        from langchain_openai import ChatOpenAI  # deferred: optional hosted backend, slow to import

        if not s.openai_base_url and not s.openai_api_key:
            raise TutorError(
                "The openai backend needs TUTOR_OPENAI_BASE_URL (a local OpenAI-compatible server such as Ollama, "
                "vLLM or llama.cpp) or OPENAI_API_KEY (for api.openai.com)."
            )
        model = ChatOpenAI(
            base_url=s.openai_base_url,
            model=s.openai_model,
            api_key=SecretStr(s.openai_api_key or "not-needed"),
            temperature=0,
            # ChatOpenAI's max_tokens field is declared under the alias max_completion_tokens.
            max_completion_tokens=s.max_answer_tokens,
            timeout=s.request_timeout_s,
            max_retries=1,
        )
    elif name == "bedrock":
        from langchain_aws import (
            ChatBedrockConverse,  # deferred: optional hosted backend (boto3), slow to import
        )

        if not s.aws_region:
            raise TutorError("The bedrock backend needs AWS_REGION (and AWS credentials, e.g. AWS_PROFILE).")
        model = ChatBedrockConverse(
            model_id=s.bedrock_model, region_name=s.aws_region, temperature=0, max_tokens=s.max_answer_tokens
        )
    else:
        raise TutorError(
            f"Unknown backend '{name}'. Set TUTOR_BACKEND to local, local-large, extractive, openai or bedrock."
        )
    _MODELS[key] = model
    return model


def is_loaded(backend: str) -> bool:
    """Whether a chat model for ``backend`` is built in this process (for llama.cpp: weights in memory)."""
    for (name, _), model in list(_MODELS.items()):
        if name == backend:
            return not isinstance(model, LlamaCppChat) or model.is_loaded
    return False


def backend_setting_hint(backend: str) -> str:
    return {
        "openai": "check TUTOR_OPENAI_BASE_URL, TUTOR_OPENAI_MODEL and OPENAI_API_KEY",
        "bedrock": "check AWS_REGION, TUTOR_BEDROCK_MODEL and your AWS credentials",
    }.get(backend, "run `make run` (or `tutor models`) to install and assemble the local model")


@contextmanager
def backend_errors(backend: str) -> Iterator[None]:
    """Turn a backend's own failure into a TutorError that names the setting to fix."""
    try:
        yield
    except TutorError:
        raise
    except Exception as exc:
        detail = str(exc)[:200].rstrip(". ")
        hint = backend_setting_hint(backend)
        raise TutorError(
            f"The {backend} backend failed ({exc.__class__.__name__}: {detail}). {hint[0].upper()}{hint[1:]}."
        ) from exc


def complete_json(
    backend: str,
    system: str,
    user: str,
    schema: dict[str, Any],
    settings: Settings | None = None,
    max_tokens: int = 400,
) -> str:
    """One structured completion: JSON-schema constrained decoding on llama.cpp, ``with_structured_output`` elsewhere.

    Returns the raw JSON text; the caller validates it (malformed output is retried there, never shown).
    """

    model = get_chat_model(backend, settings)
    if model is None:
        raise TutorError(
            "The extractive backend has no language model; use the rule-based generator instead."
        )
    messages = [SystemMessage(content=system), HumanMessage(content=user)]
    with backend_errors(backend):
        if isinstance(model, LlamaCppChat):
            out = model.invoke(
                messages, response_format={"type": "json_object", "schema": schema}, max_tokens=max_tokens
            )
            return str(out.content)
        structured = model.with_structured_output(schema)
        return json.dumps(structured.invoke(messages))
