"""``canvas-lti launch`` against a running mock."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from conformance.cli import main
from mockserver import launch_cli
from mockserver.testing import RunningMock


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    launch_cli.add_parser(parser.add_subparsers())
    args = parser.parse_args(["launch", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_and_html(mock: RunningMock, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--tool", "Mock Grading Tool", "--course", "101", "--user", "20",
                       "--message-type", "LtiDeepLinkingRequest", "--placement", "link_selection",
                       "--base-url", mock.base_url)
    assert code == 0
    login = json.loads(out)
    assert login["login_url"] == "http://127.0.0.1:9001/login" and login["placement"] == "link_selection"
    code, out, _ = run(capsys, "--tool", "1", "--course", "101", "--user", "20", "--assignment", "301", "--html",
                       "--base-url", mock.base_url)
    assert code == 0 and 'action="http://127.0.0.1:9001/login"' in out and 'name="lti_message_hint"' in out


def test_cli_errors(mock: RunningMock, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--tool", "1", "--course", "999", "--user", "20", "--base-url", mock.base_url)
    assert code == 1 and "404" in err and "course" in err
    # Through the dispatcher, which prints what stops a command in one line (exit 2).
    assert main(["launch", "--tool", "1", "--course", "101", "--user", "20", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "argument --base-url: cannot reach http://127.0.0.1:9: connection refused" in capsys.readouterr().err
