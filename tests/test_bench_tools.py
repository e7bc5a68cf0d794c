"""The profiling tools the README's performance tables come from still run against today's stack
(they find its layers by walking the built app, so a change to the stack must not leave them blind)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench import layers, profile_request
from mockserver import create_app
from tests.ltiutil import bearer, get_token


def test_layers_times_every_layer_of_the_stack_outermost_first() -> None:
    out = subprocess.run([sys.executable, "-m", "bench.layers", "line_items", "20"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    rows = re.findall(r"^  (\w+)\s+([\d.]+) µs$", out, re.MULTILINE)
    names = [name for name, _ in rows]
    for canvas_layer in ("JournalMiddleware", "ThrottleMiddleware", "FaultMiddleware", "FilterChainMiddleware",
                         "_ValidateOnce", "_DecorateOnce"):
        assert canvas_layer in names
    assert names.index("ServerErrorMiddleware") < names.index("JournalMiddleware") < names.index("FilterChainMiddleware") \
        < names.index("_ValidateOnce") < names.index("_DecorateOnce")
    assert all(float(figure) > 0 for name, figure in rows if name in ("FilterChainMiddleware", "_DecorateOnce"))


def test_profile_request_takes_the_token_operation(capsys: pytest.CaptureFixture[str]) -> None:
    profile_request.main(["token", "5", "--top", "1"])
    assert re.search(r"^token: \d+ µs CPU per request", capsys.readouterr().out, re.MULTILINE)


def test_the_layers_are_put_back_after_timing() -> None:
    app = create_app()
    with app.test_client() as client:
        client.get("/api/lti/security/jwks")
        before = {cls: cls.__dict__.get("__call__") for cls in map(type, layers._chain(app))}
        with layers.timed_layers(app) as own:
            auth = bearer(get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool"))
            assert client.get("/api/lti/courses/101/line_items", headers=auth).status_code == 200
        assert own["FilterChainMiddleware"] > 0
        assert {cls: cls.__dict__.get("__call__") for cls in before} == before


def test_startup_breakdown_names_every_step_and_the_total() -> None:
    out = subprocess.run([sys.executable, "-m", "bench.startup", "--breakdown", "--runs", "1"], capture_output=True,
                         text=True, check=True, timeout=300).stdout
    rows = re.findall(r"^\s*([\d.]+) s\s+([\d.]+)× bare  (.+)$", out, re.MULTILINE)
    assert [label for _, _, label in rows][:2] == ["bare Starlette + uvicorn (the baseline)",
                                                    "jsonschema (connexion's request validators, the mock's error texts)"]
    assert rows[-1][2].startswith("in all") and len(rows) == 7
    # Each row is printed rounded to the millisecond, the total from the unrounded steps: the printed parts may
    # miss the printed total by half a millisecond per row.
    assert float(rows[-1][0]) == pytest.approx(sum(float(seconds) for seconds, _, _ in rows[:-1]),
                                               abs=0.0005 * len(rows) + 1e-9)
