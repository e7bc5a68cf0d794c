"""``canvas-lti mock``: serve the mock with uvicorn."""

from __future__ import annotations

import argparse
import contextlib
import gc
import signal
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from . import scenario
from .app import create_app
from .canvas.text import printable
from .cli_errors import CommandError, listen_error
from .faults import load_fault_file
from .fixtures import FixtureError
from .throttle import ThrottleSettings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("mock", help="run the stateful Canvas LTI mock",
                                   description="Run the stateful Canvas LTI mock.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one, printed in the banner)")
    parser.add_argument("--fixtures", default=None, metavar="PATH",
                        help="fixture file (default: the bundled fixtures/default.yaml)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="also answer requests whose Host is NAME (.example.test: the domain and its subdomains; "
                             "*: any); localhost, IP addresses and --host are always allowed (repeatable)")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="the origin browsers reach the mock at, when not http://HOST:PORT (a port mapped by "
                             "Docker, a proxy): where the fixtures' ${MOCK_URL} (the Demo Tool's URLs) points")
    parser.add_argument("--validate-responses", action="store_true",
                        help="check every response against the spec (slower; for debugging the mock)")
    scenario = parser.add_argument_group("test scenario (also settable under /__mock__/; kept across resets)")
    scenario.add_argument("--faults", default=None, metavar="FILE",
                          help="fault rule sets to inject from start-up (YAML or JSON: one rule set, "
                               "a list of rules, or {sets: [...]})")
    scenario.add_argument("--throttle", action="store_true",
                          help="enable Canvas's leaky-bucket request throttle (403 when full)")
    for flag, key, default in (("hwm", "hwm", 600), ("maximum", "maximum", 800), ("outflow", "outflow", 10),
                               ("up-front-cost", "up_front_cost", 50), ("cost", "cost", 1),
                               ("token-cost", "token_endpoint_cost", 200)):
        scenario.add_argument(f"--throttle-{flag}", type=float, default=None, dest=f"throttle_{key}",
                              metavar="N", help=f"throttle {key} (default {default}; applies when the throttle is enabled)")
    scenario.add_argument("--journal-size", type=int, default=None, metavar="N",
                          help="request journal ring-buffer size (default 1000)")
    scenario.add_argument("--setting", action="append", default=None, metavar="NAME=true|false",
                          help="a Canvas setting or feature flag the mock honours, e.g. "
                               "enforce_iso8601_for_lti_scores=true (repeatable; see GET /__mock__/settings)")
    parser.set_defaults(func=run)


def configure_scenario(state: Any, args: argparse.Namespace) -> None:
    """``--faults``, ``--throttle*``, ``--journal-size`` and ``--setting`` into the start-up scenario."""
    throttle = {key: getattr(args, f"throttle_{key}") for key in ThrottleSettings.NUMBERS
                if getattr(args, f"throttle_{key}", None) is not None}
    if getattr(args, "throttle", False):
        throttle["enabled"] = True
    fault_sets = load_fault_file(args.faults) if getattr(args, "faults", None) else None
    scenario.configure(state, fault_sets=fault_sets, throttle=throttle or None,
                       journal_capacity=getattr(args, "journal_size", None),
                       settings=parse_settings(getattr(args, "setting", None) or []) or None)


def parse_settings(items: list[str]) -> dict[str, bool]:
    """``NAME=true|false`` arguments; ValueError names the one that is not."""
    settings = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or value.lower() not in ("true", "false"):
            raise ValueError(f"--setting {item}: expected NAME=true or NAME=false")
        settings[name] = value.lower() == "true"
    return settings


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``: bound before anything is announced, so a port in use
    is reported at once instead of after the banner (OSError)."""
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return socket.create_server(address, family=family, backlog=2048)


def _fail(message: str) -> int:
    print(f"canvas-lti mock: error: {printable(message)}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise CommandError(f"port {args.port} is out of range", flag="--port", hint="use 1-65535, or 0 for a free port")
    try:
        sock = listen(args.host, args.port)
    except OSError as exc:
        raise listen_error(args.host, args.port, exc) from None
    host, port = sock.getsockname()[:2]
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    gc.disable()  # building allocates much and frees almost nothing: collecting meanwhile is wasted
    try:
        app = _build(args, own_url(host, port))
    finally:
        gc.enable()
    if isinstance(app, str):
        sock.close()
        return _fail(app)
    print(f"Canvas LTI mock on {base}", flush=True)
    print(f"  web console: {base}/__mock__/ui/", flush=True)
    print(f"  config (client ids, keys, URLs): {base}/__mock__/config", flush=True)
    print(f"  JWKS: {base}/api/lti/security/jwks   token: {base}/login/oauth2/token", flush=True)
    verbose = getattr(args, "verbose", False)
    # No access log unless verbose: uvicorn formats its arguments for every request even when the
    # level drops the record (bench/servers.py runs the Starlette baseline with the same settings).
    server = uvicorn.Server(uvicorn.Config(app, log_level="info" if verbose else "warning", lifespan="off",
                                           access_log=verbose))
    # uvicorn re-raises the signal that stopped it once it has shut down: a stop is not an error.
    signal.signal(signal.SIGTERM, _stopped)
    # What was built (the spec, validators, the world) lives as long as the server: out of the
    # collector's sight, full collections no longer rescan it while requests wait (up to 47 ms each).
    gc.freeze()
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    return 0


def own_url(host: str, port: int) -> str:
    """The mock's origin as a browser on this machine reaches it (a wildcard bind at loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def public_origin(text: str) -> str:
    """``--public-url`` as an origin (``scheme://host[:port]``); ValueError says what is wrong."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") \
            or parts.query or parts.fragment:
        raise ValueError(f"--public-url {text}: expected an origin such as http://localhost:8081 (no path)")
    return f"{parts.scheme}://{parts.netloc}"


def _build(args: argparse.Namespace, base_url: str) -> Any:
    """The app, configured from the command line, or the one-line reason it cannot be built."""
    try:
        if getattr(args, "public_url", None):
            base_url = public_origin(args.public_url)
        app = create_app(args.fixtures, validate_responses=args.validate_responses, base_url=base_url,
                         allowed_hosts=[args.host, *getattr(args, "allow_host", [])])
    except (FixtureError, ValueError) as exc:  # a broken fixture file, a bad --allow-host
        return str(exc)
    try:
        configure_scenario(app.state, args)
    except (OSError, ValueError) as exc:  # a bad --faults file, --throttle-*, --journal-size or --setting value
        return str(exc)
    return app


def _stopped(signum: int, frame: Any) -> None:
    raise SystemExit(0)
