"""What the package costs a tool vendor who does not use the conformance suite (issue 27).

A vendor installs ``canvas-lti-contract`` without the ``conformance`` extra: pytest then loads our
plugin, which must import nothing heavy until a test asks for ``canvas_mock``, and the fixture must
not need schemathesis or Hypothesis. The project below is such a vendor's: run in a subprocess
with the extra's pytest plugins off, as they are when the extra is not installed. What it costs in
CPU time is measured by ``python -m bench.startup``, not here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_TEST = '''
import sys

HEAVY = {"schemathesis", "hypothesis", "connexion", "httpx", "uvicorn", "jsonschema", "starlette", "jwt"}


def loaded():
    return {name.split(".")[0] for name in sys.modules}


def test_a_plain_test_finds_nothing_heavy_loaded():
    assert not loaded() & HEAVY, sorted(loaded() & HEAVY)


def test_canvas_mock_needs_no_conformance_extra(canvas_mock):
    assert canvas_mock.tool("Mock Grading Tool")["client_id"]
    assert not loaded() & {"schemathesis", "hypothesis"}, sorted(loaded() & {"schemathesis", "hypothesis"})
'''
#: What the conformance extra would register (schemathesis's and Hypothesis's pytest11 entry points).
WITHOUT_THE_EXTRA = ["-p", "no:schemathesis", "-p", "no:hypothesispytest"]
#: Python run as if the extra were not installed: importing its modules fails as it would.
NO_EXTRA = """\
import importlib.abc, sys
class NoExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("schemathesis", "hypothesis"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoExtra())
"""


def test_a_vendors_pytest_run_loads_nothing_heavy_until_canvas_mock_is_used(tmp_path: Path) -> None:
    (tmp_path / "test_vendor.py").write_text(PROJECT_TEST, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *WITHOUT_THE_EXTRA,
                          "test_vendor.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "2 passed" in run.stdout


def test_conform_without_the_extra_says_how_to_install_it() -> None:
    for argv in (["conform"], ["conform", "--base-url", "http://127.0.0.1:1", "--max-examples", "3"]):
        run = subprocess.run([sys.executable, "-c", NO_EXTRA + f"from conformance.cli import main\nsys.exit(main({argv!r}))"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 2, run
        assert run.stderr.strip().splitlines() == [
            "canvas-lti conform: error: the conformance suite needs the conformance extra (schemathesis and Hypothesis), "
            "which is not installed; install it: pip install 'canvas-lti-contract[conformance]'"]


def test_the_other_commands_work_without_the_extra(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", NO_EXTRA + "from conformance.cli import main\n"
                          "sys.exit(main(['drift', '--list-rules', '--format', 'json']))"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and '"id"' in run.stdout, run.stderr
    run = subprocess.run([sys.executable, "-c", NO_EXTRA + "from conformance.cli import main\nsys.exit(main(['--help']))"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "conform" in run.stdout and "needs the conformance extra" in run.stdout


def test_the_conformance_pytest_plugin_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", NO_EXTRA + "import pytest\nsys.exit(pytest.main(['-p', 'conformance.pytest_plugin', "
                          "'-p', 'no:schemathesis', '-p', 'no:hypothesispytest', '-p', 'no:cacheprovider', '-q']))"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "pip install 'canvas-lti-contract[conformance]'" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
