"""What the UI shows about an LLM backend: is it usable here, is it loading or loaded, and how to load it once."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass

from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.llm.backends import LlamaCppChat, backend_errors, get_chat_model, is_loaded
from tutor.llm.model_files import MODELS, tiny_model_path

DESCRIPTIONS: dict[str, str] = {
    "local": "Qwen2.5-Coder 0.5B on this machine (llama.cpp)",
    "local-large": "Qwen2.5-Coder 1.5B on this machine (llama.cpp)",
    "extractive": "No language model: answers quote the best matching sentences",
    "openai": "An OpenAI-compatible server",
    "bedrock": "Amazon Bedrock",
    "tiny": "SmolLM2 135M (for tests)",
}


@dataclass(frozen=True)
class BackendStatus:
    name: str
    description: str
    ready: bool  # usable here (installed, configured)
    loaded: bool  # in memory and warmed up: an answer starts without waiting
    detail: str
    loading: bool = False  # load_backend is running for it right now

    @property
    def state(self) -> str:
        """One of "unavailable", "ready", "loading", "not loaded"."""
        if not self.ready:
            return "unavailable"
        if self.loaded:
            return "ready"
        return "loading" if self.loading else "not loaded"


_LOADING: dict[str, int] = {}  # backend -> load_backend calls in progress
_STATE_LOCK = threading.Lock()


def _local_file_ok(name: str, s: Settings) -> tuple[bool, str]:
    if importlib.util.find_spec("llama_cpp") is None:
        return False, "llama-cpp-python is not installed; run `make setup`."
    if name == "tiny":
        try:
            return True, f"model file {tiny_model_path().name}"
        except TutorError as exc:
            return False, str(exc)
    spec = MODELS[name]
    target = s.models_dir / spec.filename
    if target.exists():
        return True, f"model file {spec.filename}"
    return True, f"{spec.filename} will be assembled from its packages on first use (about a minute)"


def _is_loaded(name: str, s: Settings) -> bool:
    # While load_backend runs the weights may be in memory but the warm-up token not yet through them.
    return is_loaded(name) and not is_loading(name)


def is_loading(name: str) -> bool:
    with _STATE_LOCK:
        return bool(_LOADING.get(name))


def backend_status(name: str | None = None, settings: Settings | None = None) -> BackendStatus:
    s = settings or get_settings()
    name = name or s.backend
    description = DESCRIPTIONS.get(name, name)
    if name == "extractive":
        return BackendStatus(name, description, True, True, "always ready")
    loading = is_loading(name)
    if name in ("local", "local-large", "tiny"):
        ok, detail = _local_file_ok(name, s)
        return BackendStatus(name, description, ok, ok and _is_loaded(name, s), detail, loading)
    if name == "openai":
        if not (s.openai_base_url or s.openai_api_key):
            return BackendStatus(
                name, description, False, False, "set TUTOR_OPENAI_BASE_URL or OPENAI_API_KEY"
            )
        where = s.openai_base_url or "api.openai.com"
        return BackendStatus(
            name, description, True, _is_loaded(name, s), f"{s.openai_model} at {where}", loading
        )
    if name == "bedrock":
        if not s.aws_region:
            return BackendStatus(name, description, False, False, "set AWS_REGION and AWS credentials")
        return BackendStatus(
            name, description, True, _is_loaded(name, s), f"{s.bedrock_model} in {s.aws_region}", loading
        )
    return BackendStatus(name, description, False, False, f"unknown backend '{name}'")


def load_backend(name: str, settings: Settings | None = None) -> None:
    """Build the chat model and, for llama.cpp, load the weights and run one token through them now (so
    the first answer does not wait); ``backend_status`` reports it as loading meanwhile."""
    with _STATE_LOCK:
        _LOADING[name] = _LOADING.get(name, 0) + 1
    try:
        model = get_chat_model(name, settings)
        if isinstance(model, LlamaCppChat):
            with backend_errors(name):
                model.warm_up()
    finally:
        with _STATE_LOCK:
            _LOADING[name] -= 1
