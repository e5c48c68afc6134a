"""`tutor ui`: binds 127.0.0.1, XSRF on, usage statistics off, headless; a busy port is a readable error."""

from __future__ import annotations

import socket
import tomllib

from ui_helpers import ROOT

from tutor.cli.main import main
from tutor.cli.ui import APP, streamlit_command


def test_command_is_registered_and_flags_are_safe() -> None:
    cmd = streamlit_command(8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(APP) and APP.exists()
    flags = dict(f[2:].split("=", 1) for f in cmd[5:])
    assert flags["server.address"] == "127.0.0.1"
    assert flags["server.port"] == "8600"
    assert flags["server.enableXsrfProtection"] == "true"
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["server.headless"] == "true"


def test_streamlit_config_file_matches() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True


def test_busy_port_is_a_readable_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "already in use" in err and "Traceback" not in err
