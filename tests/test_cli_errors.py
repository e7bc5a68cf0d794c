"""Fixture and faults files the mock cannot use: one line naming file, line (and column) and the
entry at fault, exit code 2 (issue 12, items 15 and 16). A few cases run the real command in a
subprocess, as a user would; the rest call the same entry point in-process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main

BASE = "accounts:\n  - {id: 1, name: Root}\ncourses:\n  - {id: 101, account_id: 1, name: C}\nusers:\n  - {id: 25, name: A}\n"


def run_cli(*args: str) -> tuple[int, str]:
    """``canvas-lti`` as a user runs it; generous timeout: the machine may be loaded."""
    done = subprocess.run([sys.executable, "-m", "conformance.cli", *args], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stderr


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(("content", "expected"), [
    ("accounts:\n  - {id: 1, name: Root\ncourses: []\nusers: []\n",
     r"bad.yaml:\d+:\d+: not valid YAML: .*expected ',' or '}'"),  # libyaml and PyYAML word it apart
    (BASE + "  - {id: 26, name: B}\n  - {id: 25, name: C}\n",
     re.escape("bad.yaml:8: users[2]: duplicate user id 25 (the first is users[0], line 6)")),
    (BASE.replace("users:", "  - {id: 101, account_id: 1, name: D}\nusers:"),
     re.escape("bad.yaml:5: courses[1]: duplicate course id 101 (the first is courses[0], line 4)")),
])
def test_fixture_errors_through_the_command(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    code, stderr = run_cli("mock", "--fixtures", str(path), "--port", "0")
    assert code == 2
    assert re.fullmatch(re.escape(f"canvas-lti mock: error: {tmp_path}/") + expected, one_line(stderr))


@pytest.mark.parametrize(("content", "expected"), [
    (None, "faults.yaml: cannot read faults file (No such file or directory)"),
    ("rules: [{kind: status, status: 503}\n", "faults.yaml:2:1: not valid YAML: "),
    ("seed: 1\nsets:\n  - rules: [{kind: drop}]\n  - rules: [{kind: nope}]\n",
     "faults.yaml:4: rule set 1: rules[0].kind: "),
])
def test_faults_file_errors_through_the_command(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "faults.yaml"
    if content is not None:
        path.write_text(content)
    code, stderr = run_cli("mock", "--faults", str(path), "--port", "0")
    assert code == 2
    assert one_line(stderr).startswith(f"canvas-lti mock: error: {tmp_path}/{expected}")


def in_process(capsys: Any, *args: str) -> str:
    assert main(["mock", *args, "--port", "0"]) == 2
    captured = capsys.readouterr()
    return one_line(captured.err)


TABLE_DUPLICATES = [
    ("accounts:\n  - {id: 1, name: A}\n  - {id: 1, name: B}\ncourses: []\nusers: []\n", "3: accounts[1]: duplicate account id 1"),
    (BASE + "  - {id: 26, name: B, lti_id: x}\n  - {id: 27, name: C, lti_id: x}\n", "8: users[2]: duplicate user lti_id x"),
    (BASE + "groups:\n  - {id: 5, course_id: 101, name: G}\n  - {id: 5, course_id: 101, name: H}\n", "9: groups[1]: duplicate group id 5"),
    (BASE + "enrollments:\n  - {id: 7, course_id: 101, user_id: 25, type: StudentEnrollment}\n"
            "  - {id: 7, course_id: 101, user_id: 25, type: TeacherEnrollment}\n", "9: enrollments[1]: duplicate enrollment id 7"),
    (BASE + "developer_keys:\n  - {id: '1', name: K, scopes: [], public_jwk_url: 'https://x'}\n"
            "  - {id: '1', name: L, scopes: [], public_jwk_url: 'https://y'}\n", "9: developer_keys[1]: duplicate developer key id 1"),
    (BASE + "tools:\n  - {id: 3, context_type: Course, context_id: 101, name: T}\n"
            "  - {id: 3, context_type: Account, context_id: 1, name: U}\n", "9: tools[1]: duplicate tool id 3"),
    (BASE + "assignments:\n  - {id: 4, course_id: 101, name: A}\n  - {id: 4, course_id: 101, name: B}\n",
     "9: assignments[1]: duplicate assignment id 4"),
    (BASE + "api_tokens:\n  - {token: TEST-ONLY-t, user_id: 25}\n  - {token: TEST-ONLY-t, user_id: 25}\n",
     "9: api_tokens[1]: duplicate API token (the first is api_tokens[0], line 8)"),
    (BASE.replace("courses:", "courses: []\ncourses:"), "4:1: not valid YAML: duplicate key 'courses' (first at line 3)"),
    ('accounts: [{id: 1, name: "\\ud800"}]\ncourses: []\nusers: []\n',
     "1"),  # libyaml refuses the escape itself (1:29); PyYAML's parser lets it through to our check
    ("accounts: []\ncourses: []\nusers: [{id: 1, name: x}]\nenrollments: [{course_id: 9, user_id: 1, type: StudentEnrollment}]\n",
     "4: enrollment: unknown course_id 9"),
    ("accounts:\n  - {id: 1}\ncourses: []\nusers: []\n", "2: accounts[0]: 'name' is a required property"),
    ("accounts: []\ncourses: []\nusers: []\nplatform: {keys: [{kid: a, private_key_pem: x}, {kid: a, private_key_pem: y}]}\n",
     "4: platform.keys[1]: duplicate platform key kid a"),
]


@pytest.mark.parametrize(("content", "expected"), TABLE_DUPLICATES)
def test_every_table_refuses_duplicates_and_names_the_line(tmp_path: Path, capsys: Any, content: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert in_process(capsys, "--fixtures", str(path)).startswith(f"canvas-lti mock: error: {path}:{expected}")


def test_unreadable_files(tmp_path: Path, capsys: Any) -> None:
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes(b"accounts: []\ncourses: []\nusers: [{id: 1, name: \"Jos\xe9\"}]\n")
    assert in_process(capsys, "--fixtures", str(binary)) == f"canvas-lti mock: error: {binary}:3:27: not UTF-8 text (byte 0xe9)"
    assert in_process(capsys, "--fixtures", str(tmp_path)) == f"canvas-lti mock: error: {tmp_path}: cannot read fixture file (Is a directory)"
    assert in_process(capsys, "--faults", str(tmp_path)) == f"canvas-lti mock: error: {tmp_path}: cannot read faults file (Is a directory)"
    control = tmp_path / "control.yaml"
    control.write_text("rules:\n  - {kind: status\x07}\n")
    assert in_process(capsys, "--faults", str(control)).startswith(f"canvas-lti mock: error: {control}:2")
    shape = tmp_path / "shape.yaml"
    shape.write_text("sets: {kind: drop}\n")
    assert in_process(capsys, "--faults", str(shape)) == f"canvas-lti mock: error: {shape}:1: sets: expected a list of rule sets"
