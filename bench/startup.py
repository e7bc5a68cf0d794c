"""``python -m bench.startup``: what starting costs, in CPU seconds (issue 27).

Two figures, each the median of several fresh processes:

- **Import ratio.** The CPU time of importing what ``canvas-lti mock`` serves with (its command
  module, which builds the app) over that of a bare ``import starlette.applications, uvicorn``:
  how much of start-up is ours and connexion's. Target: at most 2×.
- **A vendor's pytest run.** The CPU time of ``python -m pytest`` on a project with one trivial
  test, as a tool vendor's project that installed the package: ``plain`` (no test uses the mock),
  ``canvas_mock`` (one test takes the fixture: a mock is built and served), and ``plain`` again with
  the conformance extra's pytest plugins loaded (schemathesis and Hypothesis register one each, so
  every pytest run pays for them when the extra is installed).

CPU time, not wall time, so the figures hold on a loaded machine. Our modules' bytecode is written
first, as ``pip install`` does for the wheel (this machine sets ``PYTHONDONTWRITEBYTECODE``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = "import starlette.applications, uvicorn"
#: What ``canvas-lti mock`` imports before it builds the app: the dispatcher and the command.
MOCK = "import conformance.cli, mockserver.cli"
#: What a test using ``canvas_mock`` imports on top of pytest (not counted): the plugin, then the app it serves.
PLUGIN = "import mockserver.testing"
FIXTURE_PATH = "import mockserver.testing, mockserver.app"
RATIO_TARGET = 2.0
#: The pytest plugins the conformance extra brings (schemathesis's and Hypothesis's entry points).
EXTRA_PLUGINS = ("schemathesis", "hypothesispytest")
TRIVIAL_TEST = "def test_trivial():\n    assert 1 + 1 == 2\n"
FIXTURE_TEST = "def test_with_the_mock(canvas_mock):\n    assert canvas_mock.tool('Mock Grading Tool')['client_id']\n"


def child_cpu(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """User + system CPU seconds of one child process (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_cpu(statement: str, runs: int, prelude: str = "") -> float:
    """Median CPU seconds of ``statement`` alone, in fresh interpreters (start-up and ``prelude`` not counted)."""
    code = f"import time\n{prelude}\nt = time.process_time()\n{statement}\nprint(time.process_time() - t)"
    samples = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        samples.append(float(done.stdout.split()[-1]))
    return statistics.median(samples)


def vendor_project(base: Path) -> Path:
    (base / "test_trivial.py").write_text(TRIVIAL_TEST, encoding="utf-8")
    fixture = base / "with_mock"
    fixture.mkdir()
    (fixture / "test_with_mock.py").write_text(FIXTURE_TEST, encoding="utf-8")
    return base


def pytest_cpu(project: Path, target: str, runs: int, extra_plugins: bool) -> float:
    """Median CPU seconds of a whole ``python -m pytest`` run of ``target`` in ``project``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", target]
    if not extra_plugins:
        command[4:4] = [arg for name in EXTRA_PLUGINS for arg in ("-p", f"no:{name}")]
    env = {key: value for key, value in os.environ.items() if key != "CANVAS_MOCK_URL"}
    return statistics.median(child_cpu(command, project, env) for _ in range(runs))


def measure(runs: int) -> dict[str, float]:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "mockserver", "conformance"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    figures = {"bare_import_s": import_cpu(BARE, runs), "mock_import_s": import_cpu(MOCK, runs),
               # pytest is loaded before its plugins: what the plugin adds is measured on top of it
               "plugin_import_s": import_cpu(PLUGIN, runs, prelude="import pytest"),
               "fixture_path_import_s": import_cpu(FIXTURE_PATH, runs, prelude="import pytest")}
    figures["import_ratio"] = figures["mock_import_s"] / figures["bare_import_s"]
    figures["fixture_path_ratio"] = figures["fixture_path_import_s"] / figures["bare_import_s"]
    with tempfile.TemporaryDirectory() as tmp:
        project = vendor_project(Path(tmp))
        figures["pytest_plain_s"] = pytest_cpu(project, "test_trivial.py", runs, extra_plugins=False)
        figures["pytest_canvas_mock_s"] = pytest_cpu(project, "with_mock", runs, extra_plugins=False)
        figures["pytest_plain_with_conformance_extra_s"] = pytest_cpu(project, "test_trivial.py", runs, extra_plugins=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure (median; default 7)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    ratio = figures["import_ratio"]
    print(f"import, CPU s (median of {args.runs}): bare Starlette + uvicorn {figures['bare_import_s']:.3f}; "
          f"canvas-lti mock's modules {figures['mock_import_s']:.3f} ({ratio:.2f}×, target ≤ {RATIO_TARGET}×: "
          f"{'PASS' if ratio <= RATIO_TARGET else 'FAIL'}); the pytest plugin {figures['plugin_import_s']:.3f}; "
          f"plugin + app (canvas_mock's path) {figures['fixture_path_import_s']:.3f} ({figures['fixture_path_ratio']:.2f}×), "
          "both on top of pytest")
    print(f"vendor pytest run, CPU s: one trivial test {figures['pytest_plain_s']:.2f}; one canvas_mock test "
          f"{figures['pytest_canvas_mock_s']:.2f}; the trivial test with the conformance extra's plugins "
          f"{figures['pytest_plain_with_conformance_extra_s']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
