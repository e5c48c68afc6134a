from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tutor.errors import TutorError
from tutor.llm import model_files
from tutor.llm.model_files import ModelSpec, ensure_model


def _spec(tmp: Path, payload: list[bytes], sha: str) -> tuple[ModelSpec, list[Path]]:
    parts = []
    for i, data in enumerate(payload):
        p = tmp / f"part{i}.bin"
        p.write_bytes(data)
        parts.append(p)
    return ModelSpec("test", "test.gguf", "nope", len(parts), sha, "reinstall"), parts


def test_parts_are_assembled_and_verified_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = [b"GGUF-part-one", b"-part-two"]
    spec, parts = _spec(tmp_path, payload, hashlib.sha256(b"".join(payload)).hexdigest())
    monkeypatch.setitem(model_files.MODELS, "test", spec)
    monkeypatch.setattr(model_files, "_part_paths", lambda s: parts)
    out = ensure_model("test", tmp_path / "models")
    assert out.read_bytes() == b"".join(payload)
    # Second call trusts the stamp and does not touch the parts.
    monkeypatch.setattr(model_files, "_part_paths", lambda s: pytest.fail("re-assembled"))
    assert ensure_model("test", tmp_path / "models") == out


def test_hash_mismatch_is_refused_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, parts = _spec(tmp_path, [b"corrupted"], "0" * 64)
    monkeypatch.setitem(model_files.MODELS, "test", spec)
    monkeypatch.setattr(model_files, "_part_paths", lambda s: parts)
    with pytest.raises(TutorError, match="sha256"):
        ensure_model("test", tmp_path / "models")
    assert not any((tmp_path / "models").iterdir())


def test_a_tampered_model_file_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = [b"good-bytes"]
    spec, parts = _spec(tmp_path, payload, hashlib.sha256(b"".join(payload)).hexdigest())
    monkeypatch.setitem(model_files.MODELS, "test", spec)
    monkeypatch.setattr(model_files, "_part_paths", lambda s: parts)
    out = ensure_model("test", tmp_path / "models")
    out.write_bytes(b"evil-bytes")
    with pytest.raises(TutorError, match="sha256"):
        model_files.verify_model("test", tmp_path / "models")


def test_real_default_model_matches_the_published_hash() -> None:
    """The installed part packages assemble to the exact published GGUF (the stamp proves a full hash ran)."""
    from tutor.config import get_settings

    path = ensure_model("local", get_settings().models_dir)
    assert path.stat().st_size > 300_000_000
    stamp = path.with_name(path.name + ".verified.json").read_text()
    assert model_files.MODELS["local"].sha256 in stamp


def test_missing_part_package_says_how_to_install() -> None:
    spec = ModelSpec("x", "x.gguf", "definitely_not_installed_part", 1, "0" * 64, "pip install it")
    with pytest.raises(TutorError, match="pip install"):
        model_files._part_paths(spec)
