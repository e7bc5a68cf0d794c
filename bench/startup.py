"""``python -m bench.startup``: what starting costs, in CPU seconds (issue 27).

Two figures, each the median of several fresh processes:

- **Import ratio.** The CPU time of what ``canvas-lti mock`` imports before it builds the app (the
  dispatcher, and through it the command and the app, as the command does it: with the garbage
  collector off) over that of a bare ``import starlette.applications, uvicorn``:
  how much of start-up is ours and connexion's. Target: at most 2×. The two imports take turns, and
  the ratio is the median of each turn's, so a load that drifts during the run does not tilt it.
- **A vendor's pytest run.** The CPU time of ``python -m pytest`` on a project with one trivial
  test, as a tool vendor's project that installed the package: ``plain`` (no test uses the mock),
  ``canvas_mock`` (one test takes the fixture: a mock is built and served), and ``plain`` again with
  the conformance extra's pytest plugins loaded (schemathesis and Hypothesis register one each, so
  every pytest run pays for them when the extra is installed).

- **Ready to answer.** What the import ratio leaves out, so that a cost moved from import to the
  first request shows: in one fresh process, that import, then the app built as the command builds
  it (``mockserver.cli``: fixtures, spec, middleware, with the collector off and the heap frozen
  after), then the first requests a tool makes, driven through the ASGI app in that process (a
  client-credentials token request with a client assertion signed beforehand by this script, then a
  line items page with the token). The bare side: its import, a one-route Starlette app, one JSON
  response. Reported as each side's CPU seconds and their ratio.

With ``--breakdown``, the import is also taken apart: the same statements imported one step at a
time in one process, each step's CPU time being what it adds to those before it (a library the
mock serves with, then our own modules), so what stands between the ratio and its target is named.

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
#: What ``canvas-lti mock`` does before it builds the app: import the dispatcher, which imports the
#: command (and the app) with the garbage collector off (``conformance.cli.command_parser``).
MOCK = "from conformance.cli import command_parser\ncommand_parser(['mock'])"
#: What a test using ``canvas_mock`` imports on top of pytest (not counted): the plugin, then the app it serves.
PLUGIN = "import mockserver.testing"
FIXTURE_PATH = "import mockserver.testing, mockserver.app"
RATIO_TARGET = 2.0
#: The pytest plugins the conformance extra brings (schemathesis's and Hypothesis's entry points).
EXTRA_PLUGINS = ("schemathesis", "hypothesispytest")
#: The import taken apart (``--breakdown``): each step adds to those before it. Only the first is
#: the bare baseline; every later step is something serving uses.
BREAKDOWN = (
    ("bare Starlette + uvicorn (the baseline)", BARE),
    ("jsonschema (connexion's request validators, the mock's error texts)", "import jsonschema"),
    ("PyYAML (fixtures, connexion's spec loading)", "import yaml"),
    ("connexion, lean, through mockserver/connexion_adapter.py", "import mockserver.connexion_adapter"),
    ("our modules: the app (world, auth, handlers, launches, console views)", "import mockserver.app"),
    ("our modules: the commands (canvas-lti, mock)", MOCK),
)
#: The breakdown's steps run as the command imports them: with the garbage collector off (a full
#: collection, which the imports would otherwise trigger, lands in whichever step is running).
BREAKDOWN_PRELUDE = "import gc\ngc.disable()\n"
#: Drives one request through an ASGI app in the calling process (no server, no client library):
#: the same few lines on both sides of the ready ratio.
ASGI_CALL = """
import asyncio, json
HOST = b"127.0.0.1:8080"

async def _call(app, method, path, query=b"", headers=(), body=b""):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 8080), "headers": [(b"host", HOST), (b"content-length", str(len(body)).encode()),
                                                       *headers]}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    answer = {"body": b""}

    async def receive():
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    assert answer["status"] == 200, (path, answer)
    return json.loads(answer["body"])

def call(app, *args, **kwargs):
    return asyncio.run(_call(app, *args, **kwargs))
"""
#: Where the mock of the ready figure is served (as ``canvas-lti mock`` on its default port).
READY_ORIGIN = "http://127.0.0.1:8080"
READY_BARE = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hello(request):
    return JSONResponse({"hello": "world"})

app = Starlette(routes=[Route("/", hello)])
call(app, "GET", "/")
"""
#: The mock's side, after its import (``MOCK``): the app as ``canvas-lti mock`` builds it, then a
#: token request (``FORM``: set by the parent) and a line items page with the token.
READY_BUILD = f"""
import gc
from mockserver import cli
app = cli._build(parser.parse_args(["mock"]), "{READY_ORIGIN}")
assert not isinstance(app, str), app
gc.enable()
gc.freeze()
"""
READY_FIRST_REQUESTS = """
token = call(app, "POST", "/login/oauth2/token", headers=[(b"content-type", b"application/x-www-form-urlencoded")],
             body=FORM)["access_token"]
call(app, "GET", "/api/lti/courses/101/line_items", b"limit=10", headers=[(b"authorization", b"Bearer " + token.encode())])
"""
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


def import_cpu_once(statement: str, prelude: str = "") -> float:
    """CPU seconds of ``statement`` alone, in a fresh interpreter (start-up and ``prelude`` not counted)."""
    code = f"import time\n{prelude}\nt = time.process_time()\n{statement}\nprint(time.process_time() - t)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    return float(done.stdout.split()[-1])


def import_cpu(statements: dict[str, tuple[str, str]], runs: int) -> dict[str, list[float]]:
    """``name -> (statement, prelude)`` to CPU seconds per run. The statements take turns within each
    run, so a machine whose load drifts weighs on all of them alike, and a ratio of two is taken
    per run from processes started moments apart."""
    samples: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(runs):
        for name, (statement, prelude) in statements.items():
            samples[name].append(import_cpu_once(statement, prelude))
    return samples


def breakdown(runs: int) -> list[tuple[str, float]]:
    """Median CPU seconds each :data:`BREAKDOWN` step adds, all steps in one fresh process per run."""
    timed = "".join(f"t = time.process_time()\n{statement}\nsteps.append(time.process_time() - t)\n"
                    for _, statement in BREAKDOWN)
    code = f"import time\n{BREAKDOWN_PRELUDE}steps = []\n{timed}print(*steps)"
    samples = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        samples.append([float(figure) for figure in done.stdout.split()])
    return [(label, statistics.median(run[i] for run in samples)) for i, (label, _) in enumerate(BREAKDOWN)]


def token_form(origin: str) -> bytes:
    """A fresh client-credentials form for the fixtures' grading tool, as it would send it to a mock at ``origin``."""
    from urllib.parse import urlencode

    from mockserver import create_app
    from mockserver.tool_client import token_form as form
    from mockserver.tool_client import tool_named

    with create_app(base_url=origin).test_client() as client:
        config = client.get("/__mock__/config").json()
    tool = tool_named(config, "Mock Grading Tool")  # the audience: the token URL at the Host the request names
    return urlencode(form(tool, f"{origin}/login/oauth2/token", tool["scopes"])).encode()


def ready_cpu(runs: int) -> dict[str, list[float]]:
    """CPU seconds to be ready to answer, per run: ``bare``, and the mock's ``import``, ``build``
    (the app) and ``first`` (the first token request and line items page), bare and mock taking turns."""
    samples: dict[str, list[float]] = {"bare": [], "import": [], "build": [], "first": []}
    clock = "import time\nmarks = [time.process_time()]\n"
    mark = "marks.append(time.process_time())\n"
    bare = f"{clock}{BARE}\n{ASGI_CALL}\n{READY_BARE}\n{mark}print(marks[-1] - marks[0])"
    mock = (f"{clock}{MOCK.replace('command_parser([', 'parser = command_parser([')}\n{mark}{ASGI_CALL}\n{READY_BUILD}\n"
            f"{mark}{READY_FIRST_REQUESTS}\n{mark}print(*(b - a for a, b in zip(marks, marks[1:])))")
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", bare], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        samples["bare"].append(float(done.stdout.split()[-1]))
        code = f"FORM = {token_form(READY_ORIGIN)!r}\n{mock}"
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"the ready figure's mock process failed:\n{done.stderr[-3000:]}")
        for name, figure in zip(("import", "build", "first"), done.stdout.split()[-3:], strict=True):
            samples[name].append(float(figure))
    return samples


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


def write_bytecode() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "mockserver", "conformance"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def measure(runs: int) -> dict[str, float]:
    write_bytecode()
    samples = import_cpu({"bare": (BARE, ""), "mock": (MOCK, ""),
                          # pytest is loaded before its plugins: what the plugin adds is measured on top of it
                          "plugin": (PLUGIN, "import pytest"), "fixture_path": (FIXTURE_PATH, "import pytest")}, runs)
    figures = {f"{name}_import_s": statistics.median(values) for name, values in samples.items()}
    figures["import_ratio"] = statistics.median(m / b for m, b in zip(samples["mock"], samples["bare"], strict=True))
    figures["fixture_path_ratio"] = statistics.median(
        f / b for f, b in zip(samples["fixture_path"], samples["bare"], strict=True))
    ready = ready_cpu(runs)
    totals = [sum(parts) for parts in zip(ready["import"], ready["build"], ready["first"], strict=True)]
    figures.update({f"ready_{name}_s": statistics.median(values) for name, values in ready.items()})
    figures["ready_mock_s"] = statistics.median(totals)
    figures["ready_ratio"] = statistics.median(m / b for m, b in zip(totals, ready["bare"], strict=True))
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
    parser.add_argument("--breakdown", action="store_true",
                        help="only take the import apart, step by step (what each library and our modules add)")
    args = parser.parse_args(argv)
    if args.breakdown:
        write_bytecode()
        steps = breakdown(args.runs)
        bare = steps[0][1]
        for label, seconds in steps:
            print(f"{seconds:6.3f} s  {seconds / bare:5.2f}× bare  {label}")
        print(f"{sum(seconds for _, seconds in steps):6.3f} s  "
              f"{sum(seconds for _, seconds in steps) / bare:5.2f}× bare  in all (target ≤ {RATIO_TARGET}×)")
        return 0
    figures = measure(args.runs)
    ratio = figures["import_ratio"]
    print(f"import, CPU s (median of {args.runs}): bare Starlette + uvicorn {figures['bare_import_s']:.3f}; "
          f"canvas-lti mock's modules {figures['mock_import_s']:.3f} ({ratio:.2f}×, target ≤ {RATIO_TARGET}×: "
          f"{'PASS' if ratio <= RATIO_TARGET else 'FAIL'}); the pytest plugin {figures['plugin_import_s']:.3f}; "
          f"plugin + app (canvas_mock's path) {figures['fixture_path_import_s']:.3f} ({figures['fixture_path_ratio']:.2f}×), "
          "both on top of pytest")
    print(f"ready to answer, CPU s (median of {args.runs}): bare Starlette + uvicorn, imported, an app built and one "
          f"JSON response {figures['ready_bare_s']:.3f}; canvas-lti mock {figures['ready_mock_s']:.3f} "
          f"({figures['ready_ratio']:.2f}×): import {figures['ready_import_s']:.3f}, app built {figures['ready_build_s']:.3f}, "
          f"first token request and line items page {figures['ready_first_s']:.3f}")
    print(f"vendor pytest run, CPU s: one trivial test {figures['pytest_plain_s']:.2f}; one canvas_mock test "
          f"{figures['pytest_canvas_mock_s']:.2f}; the trivial test with the conformance extra's plugins "
          f"{figures['pytest_plain_with_conformance_extra_s']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
