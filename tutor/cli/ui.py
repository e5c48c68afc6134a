"""`tutor ui [--port P]`: start the Streamlit app on 127.0.0.1 and print its URL."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from tutor.config import get_settings
from tutor.errors import TutorError

HOST = "127.0.0.1"
DEFAULT_PORT = 8501
APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"

# Also in .streamlit/config.toml; passed as flags so they hold from any working directory.
SERVER_FLAGS: dict[str, str] = {
    "server.address": HOST,
    "server.headless": "true",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "browser.gatherUsageStats": "false",
    "browser.serverAddress": HOST,
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
}


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def streamlit_command(port: int, max_upload_mb: int = 20) -> list[str]:
    flags = {
        **SERVER_FLAGS,
        "server.port": str(port),
        "browser.serverPort": str(port),
        "server.maxUploadSize": str(max_upload_mb),
    }
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP)]
    for key, value in flags.items():
        cmd.append(f"--{key}={value}")
    return cmd


def cmd_ui(args: argparse.Namespace) -> int:
    port = int(args.port)
    if not 1 <= port <= 65535:
        raise TutorError(f"--port {port} is not a valid port (1-65535).")
    if not APP.exists():
        raise TutorError(f"The app file {APP} is missing; reinstall the project.")
    if not port_free(port):
        raise TutorError(
            f"Port {port} on {HOST} is already in use. Pick another one with `tutor ui --port {port + 1}`."
        )
    settings = get_settings()
    print(f"Study tutor: open http://{HOST}:{port} in your browser (Ctrl+C to stop).", flush=True)
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    cmd = streamlit_command(port, max(1, round(settings.max_file_mb)))
    if os.name == "posix":  # become the server: signals (Ctrl+C, SIGTERM) reach it directly, no orphan child
        os.execve(cmd[0], cmd, env)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130


def register(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the web app on 127.0.0.1 and print its URL")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    p.set_defaults(func=cmd_ui)
