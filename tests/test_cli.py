"""`canvas-lti` as a user meets it: flags, usage, exit codes, the mock's start-up and console."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from conformance.cli import EXIT_CODES, SUBCOMMANDS, main
from tests import net

CLI_PAGE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
CLI = [sys.executable, "-m", "conformance.cli"]


@contextmanager
def mock_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``canvas-lti mock --port 0 ARGS``; yields the process and the base URL from its banner."""
    process = subprocess.Popen([*CLI, "mock", "--port", "0", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()  # type: ignore[union-attr]
        match = re.match(r"Canvas LTI mock on (http://\S+)", banner)
        assert match, f"no banner: {banner!r} {process.stderr.read() if process.poll() is not None else ''}"  # type: ignore[union-attr]
        yield process, match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_mock_banner_comes_once_the_port_is_bound() -> None:
    with mock_process() as (process, base):
        # No retry loop: the socket listens before the banner is printed.
        assert net.get(f"{base}/__mock__/config").json()["base_url"] == base
    assert process.returncode == 0


def test_mock_on_a_port_in_use_fails_in_one_line_without_a_banner() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*CLI, "mock", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"canvas-lti mock: error: argument --port: cannot listen on 127.0.0.1:{port}: port {port} "
                                          "is in use; stop what listens there, or pick another port; --port 0 picks a free one"]


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_mock_port_out_of_range_fails_in_one_line(port: str) -> None:
    result = subprocess.run([*CLI, "mock", "--port", port], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"canvas-lti mock: error: argument --port: port {port} is out of range; use 1-65535, "
                                          "or 0 for a free port"]


@pytest.mark.parametrize("argv", [["mock"], ["launch", "--tool", "1", "--course", "101", "--user", "20"], ["conform"], ["drift"]])
def test_a_wrong_flag_is_one_line_naming_the_subcommand_s_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    command = argv[0]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--no-such-flag"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"canvas-lti {command}: error: unrecognized arguments: --no-such-flag (see canvas-lti {command} --help)"]


@pytest.mark.parametrize(("argv", "flag", "says"), [
    (["conform", "--max-examples", "0"], "--max-examples", "'0' is not a whole number of at least 1"),
    (["conform", "--max-requests", "-1"], "--max-requests", "'-1' is not a whole number of at least 1"),
    (["conform", "--max-time", "-5"], "--max-time", "'-5' is not a number of seconds greater than 0"),
    (["conform", "--max-time", "nan"], "--max-time", "'nan' is not a number of seconds greater than 0"),
    (["conform", "--course-id", "0"], "--course-id", "'0' is not a Canvas id (a whole number of at least 1)"),
    (["drift", "a.yaml", "b.yaml", "--max-requests", "0"], "--max-requests", "'0' is not a whole number of at least 1"),
    (["probe-tool", "--tool", "1", "--success-status", "999"], "--success-status",
     "'999' is not an HTTP status code (100-599)"),
    (["mock", "--port", "abc"], "--port", "invalid int value: 'abc'"),
])
def test_a_number_out_of_its_range_is_refused_at_the_flag(argv: list[str], flag: str, says: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Once ``--max-examples 0`` reached Hypothesis and ``--max-requests -1`` the request budget: tracebacks."""
    command = argv[0]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"canvas-lti {command}: error: argument {flag}: {says} (see canvas-lti {command} --help)"]


@pytest.mark.parametrize(("argv", "abbreviation"), [
    (["conform", "--max-example", "3"], "--max-example"),
    (["mock", "--journal", "5"], "--journal"),
    (["drift", "a.yaml", "b.yaml", "--fail", "breaking"], "--fail"),
    (["launch", "--tool", "1", "--course", "101", "--user", "20", "--plac", "link_selection"], "--plac"),
])
def test_flag_abbreviations_are_refused(argv: list[str], abbreviation: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert f"unrecognized arguments: {abbreviation}" in capsys.readouterr().err


@pytest.mark.parametrize("command", list(SUBCOMMANDS))
def test_every_exit_code_is_in_the_help_epilog_and_the_cli_page(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = capsys.readouterr().out
    page = CLI_PAGE.read_text(encoding="utf-8")
    assert "exit codes:" in help_text
    for code, meaning in EXIT_CODES[command].items():
        assert f"  {code}  {meaning}" in help_text
        assert f"| `{command}` | {code} | {meaning} |" in page, f"docs/cli.md's exit-code table lacks {command} {code}"


def _multipart_with_a_bad_header(base: str) -> None:
    body = b'--XX\r\nContent-Disposition: form-data; name="name"\r\nBad\rHeader: 1\r\n\r\nvalue\r\n--XX--\r\n'
    response = net.post(f"{base}/api/v1/courses/101/external_tools", content=body, headers={
        "Content-Type": "multipart/form-data; boundary=XX", "Authorization": "Bearer mock-teacher-token-TEST-ONLY"})
    assert response.status_code == 400


def _dropped_request(base: str) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        net.get(f"{base}/api/lti/security/jwks")


@pytest.mark.parametrize("verbose", [False, True])
def test_third_party_noise_only_with_verbose(tmp_path: Path, verbose: bool) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"rules": [{"kind": "drop", "path": "/api/lti/security/jwks"}]}))
    with mock_process("--faults", str(faults), *(["--verbose"] if verbose else [])) as (process, base):
        _multipart_with_a_bad_header(base)
        _dropped_request(base)
        net.get(f"{base}/__mock__/config")
    err = process.stderr.read()  # type: ignore[union-attr]
    noise = ("Found invalid character 13 in header", "ASGI callable returned without completing response")
    if verbose:
        assert all(text in err for text in noise), err
    else:
        assert not any(text in err for text in noise), err
