"""One full default-profile run, shared by the tests that judge it.

A full ``canvas-lti conform`` run (every operation, every phase) costs over a minute of CPU; three
tests each making their own were most of this directory's CI time. They now assert on one run:
the CLI's own (no target: a fresh in-process mock, fixed seed), with its console output, its
Markdown and JUnit reports, and the :class:`RunResult` it rendered them from.

Made once per test session, also under pytest-xdist: the first worker that needs it makes it
under a file lock in the session's shared temporary directory and leaves it there (pickled); a
worker that needs it meanwhile waits for it instead of making its own. (xdist's ``loadgroup``,
which would send these tests to one worker, does not group under pytest 9.)
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance import run as run_module
from conformance.cli import main
from conformance.report import RunResult

#: Its seed (any seed must pass; a fixed one makes a failure reproducible).
DEFAULT_SEED = 12345
#: Marks of the deep variants (full budgets, the deep profile): collected always, run with
#: ``CANVAS_CONFORM_DEEP=1`` (minutes of CPU each).
DEEP = (pytest.mark.deep, pytest.mark.skipif(os.environ.get("CANVAS_CONFORM_DEEP") != "1",
                                             reason="a deep variant: minutes of CPU; set CANVAS_CONFORM_DEEP=1"))


def deep(test: Any) -> Any:
    """Mark ``test`` as a deep variant (see :data:`DEEP`)."""
    for mark in DEEP:
        test = mark(test)
    return test


@dataclass(frozen=True)
class DefaultRun:
    """What ``canvas-lti conform --seed 12345 --quiet --report … --junit-xml …`` produced."""

    exit_code: int
    console: str
    report: Path
    junit: Path
    result: RunResult


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> DefaultRun:
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the session's directory, above each worker's own
    folder = shared / "conform-default-run"
    folder.mkdir(exist_ok=True)
    saved = folder / "run.pickle"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            saved.write_bytes(pickle.dumps(_make(folder)))
        return pickle.loads(saved.read_bytes())


def _make(folder: Path) -> DefaultRun:
    report, junit = folder / "report.md", folder / "junit.xml"
    results: list[RunResult] = []
    original = run_module.run_suite

    def keep(*args: Any, **kwargs: Any) -> RunResult:
        results.append(original(*args, **kwargs))
        return results[-1]

    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()) as out:
        patch.setattr(run_module, "run_suite", keep)
        code = main(["conform", "--seed", str(DEFAULT_SEED), "--quiet", "--report", str(report),
                     "--junit-xml", str(junit)])
    (result,) = results
    return DefaultRun(code, out.getvalue(), report, junit, result)
