"""Run the code blocks of the README and of the docs site the way a reader would (docs/development.md).

Every Markdown file counts: ``README.md`` and ``docs/**/*.md``. Conventions:

- A fenced block runs when its language is ``python``, ``sh``, ``bash`` or ``shell``; anything else
  (``text`` for command syntax and output, ``yaml``, ``json`` …) is not code.
- Blocks run in an empty temporary directory, like a user's project, where ``specs/``,
  ``fixtures/`` and ``examples/`` link to the repository's; ``canvas-lti`` is on ``PATH`` and
  ``examples/`` on ``PYTHONPATH`` (``from example_tool import ExampleTool``).
- Port 8080 (``127.0.0.1:8080``, ``localhost:8080``, ``--port 8080``) is replaced by a free port. A
  block that does not start a mock itself (``canvas-lti mock``) gets a fresh mock served there.
  Background jobs a shell block starts are stopped when it ends.
- A Python block that defines ``test_…`` functions is a pytest module (``canvas_mock`` comes from
  the installed plugin); the others are scripts. Shell blocks run with ``bash -euo pipefail``.
- A command or code example that cannot run here (it needs a real Canvas, your own tool, or is the
  test suite itself) is fenced ``text`` with a title that says why:
  ```` ```text title="Not run: needs a Canvas staging and its credentials" ````
  (:func:`unexplained_examples` finds those without one). Command syntax and output are ``text``.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
RUN_LANGUAGES = {"python": "python", "sh": "sh", "bash": "sh", "shell": "sh"}
LINKED = ("specs", "fixtures", "examples")
PORT_RE = re.compile(r"(?<=127\.0\.0\.1:)8080\b|(?<=localhost:)8080\b|(?<=--port )8080\b")
STARTS_MOCK_RE = re.compile(r"^[^#\n]*\bcanvas-lti mock\b", re.M)
TEST_FUNCTION_RE = re.compile(r"^def test_\w+\(", re.M)
FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
TIMEOUT = 300
#: A line that is a command to type or code to run (in a block that is not run, it needs a reason).
EXAMPLE_LINE_RE = re.compile(r"^\s*(?:\$ )?(?:(?:canvas-lti|python|pytest|pip|curl|make|mkdocs)\b|(?:from|import) \w|def test_)")
NOT_RUN_LANGUAGES = {"", "text", "console"}


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    language: str  # "python" or "sh"
    code: str
    source: str = "README.md"  # the file, relative to the repository

    @property
    def kind(self) -> str:
        if self.language == "python" and TEST_FUNCTION_RE.search(self.code):
            return "pytest"
        return self.language

    @property
    def starts_mock(self) -> bool:
        return bool(STARTS_MOCK_RE.search(self.code))

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line} ({self.kind})"

    @property
    def module(self) -> str:
        """The name of the test module a pytest block is written to (unique across files)."""
        stem = re.sub(r"\W+", "_", self.source.removesuffix(".md")).strip("_").lower()
        return f"test_{stem}_line_{self.line}"


def markdown_files() -> list[Path]:
    """The README and every page of the docs site, in a stable order."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def blocks(text: str, source: str = "README.md") -> list[Block]:
    """The runnable fenced blocks of a Markdown text, with the line of their opening fence."""
    found: list[Block] = []
    for line, info, body in fenced(text):
        language = RUN_LANGUAGES.get(info.split()[0].lower() if info else "")
        if language:
            found.append(Block(line, language, "\n".join(body) + "\n", source))
    return found


def fenced(text: str) -> list[tuple[int, str, list[str]]]:
    """Every fenced block: (line of the opening fence, info string, body lines)."""
    found = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE_RE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, start, body = opening["fence"], index, []
        index += 1
        while index < len(lines) and not re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[index]):
            body.append(lines[index])
            index += 1
        index += 1
        found.append((start + 1, opening["info"].strip(), body))
    return found


def unexplained_examples(text: str, source: str = "README.md") -> list[str]:
    """Blocks that are not run but show commands or code, without a ``title="…"`` saying why."""
    return [f"{source}:{line}: {body[0][:70] if body else ''}" for line, info, body in fenced(text)
            if (info.split()[0].lower() if info else "") in NOT_RUN_LANGUAGES and "title=" not in info
            and any(EXAMPLE_LINE_RE.match(row) for row in body)]


def readme_blocks() -> list[Block]:
    """The runnable blocks of the README and of every docs page."""
    return [block for path in markdown_files()
            for block in blocks(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]


def with_port(code: str, port: int) -> str:
    return PORT_RE.sub(str(port), code)


def project_dir(base: Path) -> Path:
    """An empty "user project": the repository's specs/, fixtures/ and examples/ linked in."""
    base.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = base / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    return base


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "examples"), env.get("PYTHONPATH")]))
    env.pop("CANVAS_MOCK_URL", None)
    return env


@contextlib.contextmanager
def served_for(block: Block, port: int) -> Iterator[None]:
    """A fresh mock on ``port`` unless the block starts its own."""
    if block.starts_mock:
        yield
        return
    from mockserver.testing import run_mock

    with run_mock(port=port):
        yield


def run_script(block: Block, cwd: Path, port: int) -> subprocess.CompletedProcess[str]:
    code = with_port(block.code, port)
    if block.kind == "sh":
        # Stop what the block left running in the background, whatever happened.
        script = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + code
        command = ["bash", "-euo", "pipefail", "-c", script]
    else:
        command = [sys.executable, "-c", code]
    with served_for(block, port):
        return subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=TIMEOUT)


def run_pytest_blocks(test_blocks: list[Block], cwd: Path) -> dict[str, str | None]:
    """Every pytest block as a module of one pytest run; label -> None (passed) or the failure."""
    for block in test_blocks:
        (cwd / f"{block.module}.py").write_text(block.code, encoding="utf-8")
    report = cwd / "readme-junit.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                          "--rootdir", str(cwd), *(f"{b.module}.py" for b in test_blocks)],
                         cwd=cwd, env=environment(), capture_output=True, text=True, timeout=TIMEOUT)
    return {block.label: _module_failure(report, block.module, run) for block in test_blocks}


def _module_failure(report: Path, module: str, run: subprocess.CompletedProcess[str]) -> str | None:
    import xml.etree.ElementTree as ET

    if not report.exists():
        return f"pytest did not run (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    cases = [case for case in ET.parse(report).iter("testcase") if case.get("classname", "").endswith(module)]
    if not cases:
        return f"no test ran from this block (exit {run.returncode}):\n{run.stdout[-3000:]}"
    problems = [f"{case.get('name')}: {child.get('message', '')}\n{child.text or ''}"
                for case in cases for child in case if child.tag in ("failure", "error")]
    return "\n".join(problems) or None


def failure_message(block: Block, result: subprocess.CompletedProcess[str]) -> str:
    numbered = "\n".join(f"{block.line + i + 1:5} | {text}" for i, text in enumerate(block.code.splitlines()))
    return (f"{block.label}: the block exited with {result.returncode}\n{numbered}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}")
