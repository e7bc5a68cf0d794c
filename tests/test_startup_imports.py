"""``canvas-lti mock`` imports only what serving needs (issue 27's start-up item).

connexion, on import, loads its Flask framework, Starlette's test client and, through httpx,
httpx's command-line client; the console and the demo tool render with Jinja2. None of that
serves an API request, so none of it may be loaded once the app is built: the adapter puts
connexion's parts off (``mockserver/connexion_adapter.py``) and our own modules load templates and
HTTP clients on first use. PyJWT (with cryptography's X.509 module) loads with the first token,
key or launch (``LazyModule`` in ``mockserver/lazy_imports.py``), cryptography is not imported
until the fixtures' keys are parsed, and the console's, the demo tool's, launches' and
registration's handlers are imported with their first request (``handlers.DEFERRED``). A module that reads one of these at import brings it
back (the demo tool's templates and transport once did; ``import jwt`` or ``from cryptography …``
at a module's top would); this test names it. What start-up costs in CPU time is measured by
``python -m bench.startup``, not here.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

from mockserver.handlers import DEFERRED

#: Not loaded once the app is built: connexion's and the template engine's parts the mock never
#: serves with, and what loads with the first request that needs it (PyJWT and X.509 with a token,
#: jsonschema-rs with a body, ElementTree with an XML configuration, importlib.metadata with --version).
NOT_FOR_SERVING = ("flask", "werkzeug.routing", "werkzeug.serving", "starlette.testclient", "rich", "pygments",
                   "jinja2.environment", "httpx._client", "requests.sessions", "schemathesis", "hypothesis",
                   "jwt", "cryptography.x509", "importlib.metadata", "xml.etree.ElementTree", "jsonschema_rs")
#: Needed to build the app (the fixtures' keys are parsed then), not to import it.
FOR_BUILDING = ("cryptography",)

IMPORT = """
import sys
from conformance.cli import command_parser

command_parser(["mock"])  # what canvas-lti mock imports before it builds the app
print(" ".join(name for name in {names!r} if name in sys.modules))
"""

SERVE = """
import sys
import conformance.cli, mockserver.cli
from mockserver.app import create_app

create_app()
print(" ".join(name for name in {names!r} if name in sys.modules))
"""


def test_building_the_mock_loads_nothing_it_does_not_serve_with() -> None:
    run = subprocess.run([sys.executable, "-c", SERVE.format(names=NOT_FOR_SERVING)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == []


def test_importing_the_mock_loads_nothing_it_needs_only_to_build_the_app_or_answer() -> None:
    run = subprocess.run([sys.executable, "-c", IMPORT.format(names=NOT_FOR_SERVING + FOR_BUILDING)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == []


def test_the_handlers_put_off_are_not_loaded_and_are_listed_in_full() -> None:
    """The console, the demo tool, launches and registration load with their first request; the
    registry lists their operations for that (``mockserver/handlers/__init__.py``, ``DEFERRED``)."""
    code = SERVE.format(names=()) + """
from mockserver.handlers import DEFERRED
print(" ".join(module for module in DEFERRED if module in sys.modules))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == []
    for module, operations in DEFERRED.items():
        listed = set(importlib.import_module(module).OPERATIONS)
        assert set(operations) == listed, f"list {sorted(listed ^ set(operations))} in DEFERRED[{module!r}]"


def test_what_was_put_off_loads_when_used() -> None:
    code = SERVE.format(names=()) + """
app = create_app()
client = app.test_client()
assert client.get("/__mock__/ui/", headers={"accept": "text/html"}).status_code == 200
assert "jinja2.environment" in sys.modules
from mockserver.tool_client import bearer, get_token
config = client.get("/__mock__/config").json()
token = get_token(client, config, "Mock Grading Tool")
assert client.get("/api/lti/courses/101/line_items", headers=bearer(token)).status_code == 200
assert client.get("/api/lti/security/jwks").json()["keys"]
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]


def test_a_put_off_package_imported_by_someone_else_is_set_up_first() -> None:
    """A vendor's test (or our conformance suite) importing a submodule of a put-off package gets the
    package as without the adapter: requests' ``__init__`` runs first, so urllib3's DependencyWarning
    stays silenced (``canvas-lti --help`` once printed it on every run)."""
    code = """
import warnings
import mockserver.app
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    from requests.adapters import HTTPAdapter
import requests
assert not [w for w in seen if w.category.__name__ == "DependencyWarning"], [str(w.message) for w in seen]
assert isinstance(requests.__version__, str), requests.__version__
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]


def test_the_command_line_prints_no_warning() -> None:
    run = subprocess.run([sys.executable, "-m", "conformance.cli", "--help"], capture_output=True, text=True,
                         timeout=300)
    assert (run.returncode, run.stderr) == (0, "")
