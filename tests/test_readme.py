"""Every Python and shell block of the README and the docs site runs (conventions: tests/readme_runner.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.testing import free_port
from tests.readme_runner import (
    ROOT,
    Block,
    blocks,
    failure_message,
    markdown_files,
    project_dir,
    readme_blocks,
    run_pytest_blocks,
    run_script,
    unexplained_examples,
)

BLOCKS = readme_blocks()
SCRIPTS = [b for b in BLOCKS if b.kind != "pytest"]
TESTS = [b for b in BLOCKS if b.kind == "pytest"]


@pytest.fixture(scope="module")
def pytest_block_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    return run_pytest_blocks(TESTS, project_dir(tmp_path_factory.mktemp("readme-tests")))


@pytest.mark.parametrize("block", SCRIPTS, ids=[b.label for b in SCRIPTS])
def test_readme_script_block_runs(block: Block, tmp_path: Path) -> None:
    result = run_script(block, project_dir(tmp_path / "project"), free_port())
    assert result.returncode == 0, failure_message(block, result)


@pytest.mark.parametrize("block", TESTS, ids=[b.label for b in TESTS])
def test_readme_pytest_block_passes(block: Block, pytest_block_results: dict[str, str | None]) -> None:
    failure = pytest_block_results[block.label]
    assert failure is None, f"{block.label}: {failure}"


def test_the_readme_has_runnable_blocks_of_each_kind() -> None:
    assert {b.kind for b in BLOCKS if b.source == "README.md"} >= {"sh", "pytest"}
    assert {b.kind for b in BLOCKS} == {"python", "sh", "pytest"}


def test_the_docs_pages_are_collected() -> None:
    sources = {b.source for b in BLOCKS}
    assert {"README.md", "docs/mock.md", "docs/launches.md", "docs/getting-started/vendor.md"} <= sources
    assert len({b.module for b in TESTS}) == len(TESTS)


def test_block_extraction_follows_the_conventions() -> None:
    text = "\n".join([
        "intro", "```text", "canvas-lti mock [--port N]", "```",
        "```sh", "curl -s http://127.0.0.1:8080/x", "```",
        "````python", "```", "def test_x(canvas_mock):", "    pass", "````",
        "```yaml", "a: 1", "```", "```bash title", "canvas-lti mock --port 8080 &", "```",
    ])
    found = blocks(text, "docs/x.md")
    assert [(b.line, b.kind, b.starts_mock) for b in found] == [(5, "sh", False), (8, "pytest", False), (16, "sh", True)]
    assert found[0].label == "docs/x.md:5 (sh)" and found[1].module == "test_docs_x_line_8"
    assert found[1].code == "```\ndef test_x(canvas_mock):\n    pass\n"


def test_a_failing_block_is_reported_with_its_line(tmp_path: Path) -> None:
    block = Block(42, "sh", "echo before\nfalse\n")
    result = run_script(block, project_dir(tmp_path / "p"), free_port())
    message = failure_message(block, result)
    assert result.returncode == 1
    assert message.startswith("README.md:42 (sh): the block exited with 1")
    assert "   44 | false" in message and "before" in message


def test_every_example_that_is_not_run_says_why() -> None:
    missing = [problem for path in markdown_files()
               for problem in unexplained_examples(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert missing == [], "fence these as ```text title=\"Not run: <why>\"```"


def test_unexplained_examples_are_found() -> None:
    text = "\n".join(["```text", "canvas-lti conform --base-url https://canvas.example", "```",
                      '```text title="Not run: needs a Canvas"', "canvas-lti conform --base-url https://canvas.example", "```",
                      "```text", "usage: output only", "```", "```", "from x import y", "```"])
    assert unexplained_examples(text, "x.md") == ["x.md:1: canvas-lti conform --base-url https://canvas.example",
                                                  "x.md:10: from x import y"]
