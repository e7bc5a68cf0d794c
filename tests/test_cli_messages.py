"""What `canvas-lti` says when it cannot do what it was asked, and what it says about itself (issue 27).

Every case runs the real command in a subprocess, as a user would: one line on stderr naming the
flag or file at fault and what to do, no library internals (urllib3's pool, ``[Errno …]``,
``Unknown error -2``), and the exit code docs/cli.md documents.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from conformance.cli import SUBCOMMANDS
from mockserver.resources import spec_path
from tests import net
from tests.test_cli import mock_process

CLI = [sys.executable, "-m", "conformance.cli"]
#: What a message must not show: the wording of the libraries underneath.
INTERNALS = re.compile(r"HTTPConnectionPool|Max retries|NewConnectionError|\[Errno|Unknown error|Traceback|urllib3")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def one_line_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"canvas-lti {command}: error: argument --"), lines[0]
    assert not INTERNALS.search(lines[0]), lines[0]
    assert result.returncode == 2, result
    return lines[0]


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_version_flag_prints_the_package_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"canvas-lti {version('canvas-lti-contract')}"


def test_version_command_prints_package_spec_and_dependency_versions_as_json() -> None:
    result = run("version")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    assert report["canvas-lti-contract"] == version("canvas-lti-contract")
    assert report["spec"] == {"info.version": spec["info"]["version"]}
    assert report["dependencies"]["connexion"] == version("connexion")
    assert report["dependencies"]["uvicorn"] == version("uvicorn")


@pytest.mark.parametrize("command", ["conform", "launch", "probe-tool", "drift"])
def test_an_unreachable_base_url_says_connection_refused(command: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    extra = {"launch": ["--tool", "1", "--course", "101", "--user", "20"], "probe-tool": ["--tool", "x"],
             "drift": ["--live"], "conform": []}[command]
    line = one_line_error(run(command, *extra, "--base-url", url), command)
    assert f"argument --base-url: cannot reach {url}: connection refused; " in line
    assert "start the mock" in line


def test_conform_names_a_base_url_that_is_not_a_url() -> None:
    line = one_line_error(run("conform", "--base-url", "canvas.example"), "conform")
    assert "argument --base-url: cannot reach canvas.example: not an http:// or https:// URL" in line


@pytest.mark.parametrize("command", ["conform", "drift"])
def test_a_missing_private_key_file_names_the_flag(command: str, tmp_path: Path) -> None:
    extra = ["--live"] if command == "drift" else []
    result = run(command, *extra, "--base-url", f"http://127.0.0.1:{closed_port()}", "--private-key", "nokey.pem", cwd=tmp_path)
    line = one_line_error(result, command)
    assert "argument --private-key: cannot read nokey.pem: no such file; give the tool's private key as a PEM file" in line


def test_a_private_key_file_that_is_not_a_key_is_refused_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "tool.pem").write_text("not a key\n")
    line = one_line_error(run("conform", "--base-url", "http://127.0.0.1:1", "--private-key", "tool.pem", cwd=tmp_path), "conform")
    assert "argument --private-key: tool.pem is not an unencrypted PEM private key" in line


@pytest.mark.parametrize(("host", "reason"), [
    ("999.1.1.1", "no such host (not an IP address or a name this machine can resolve)"),
    ("192.0.2.1", "not an address of this machine"),  # TEST-NET-1: never assigned to a machine
])
def test_mock_on_a_host_it_cannot_bind_names_the_flag(host: str, reason: str) -> None:
    result = run("mock", "--host", host, "--port", "0")
    line = one_line_error(result, "mock")
    assert line == (f"canvas-lti mock: error: argument --host: cannot listen on {host}: {reason}; "
                    "use 127.0.0.1, 0.0.0.0 (every interface) or an address of this machine")
    assert result.stdout == ""  # no banner


@pytest.mark.parametrize("flag", ["--output", "--suggest-patch"])
def test_drift_refuses_an_output_path_it_cannot_write_before_comparing(flag: str, tmp_path: Path) -> None:
    args = ["--live", flag, str(tmp_path / "missing" / "out.md")] if flag == "--suggest-patch" else \
        [str(spec_path()), str(spec_path()), flag, str(tmp_path / "missing" / "out.md")]
    line = one_line_error(run("drift", *args), "drift")
    assert f"argument {flag}: directory {tmp_path / 'missing'} does not exist; create it or write elsewhere" in line


@pytest.mark.parametrize("command", list(SUBCOMMANDS))
def test_help_is_plain_words(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert not re.search(r"``|:class:|:func:|:data:|:mod:", result.stdout), result.stdout


def test_the_mocks_bare_url_redirects_to_the_console() -> None:
    with mock_process() as (_, base):
        answer = net.get(f"{base}/")
        assert answer.status_code == 302
        assert answer.headers["location"] == "/__mock__/ui/"
        assert 'href="/__mock__/ui/"' in answer.text and 'href="/__mock__/config"' in answer.text
        console = net.get(f"{base}/", follow_redirects=True)
        assert console.status_code == 200 and str(console.url) == f"{base}/__mock__/ui/"
        assert net.get(f"{base}/__mock__/requests").json()["count"] == 0  # not journaled
