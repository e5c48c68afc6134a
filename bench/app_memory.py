"""The real app's resident memory after its first answer: `tutor ui` + a headless chromium asking once.

The server runs in its own process group; its RSS is the sum over that group (`tutor ui` and the
Streamlit process it starts), read from /proc right after the answer appears. The browser is not counted.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.config import REPO

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_rss_mb(pgid: int) -> float:
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return total_kb / 1024


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`tutor ui` exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"`tutor ui` not ready after {timeout_s:.0f} s")


def measure(backend: str, question: str, log: Path, timeout_s: float = 240) -> dict[str, Any]:
    chromium = shutil.which("chromium")
    if not chromium:
        return {"error": "Debian's chromium is not installed (make browser)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "playwright is not installed"}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TUTOR_BACKEND": backend}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tutor", "ui", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(url, proc, 120)
            idle = group_rss_mb(proc.pid)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.set_default_timeout(timeout_s * 1000)
                page.goto(url)
                box = page.get_by_placeholder(re.compile("Ask about your notes"))
                box.wait_for()
                t0 = time.perf_counter()
                box.fill(question)
                box.press("Enter")
                page.get_by_text(re.compile(r"^Sources considered")).first.wait_for()
                answer_s = time.perf_counter() - t0
                after = group_rss_mb(proc.pid)
                browser.close()
            return {
                "backend": backend,
                "idle_rss_mb": round(idle, 1),
                "after_first_answer_rss_mb": round(after, 1),
                "first_answer_s": round(answer_s, 2),
            }
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
