"""``canvas-lti mock``: serve the mock with uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from .app import create_app
from .fixtures import FixtureError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("mock", help="run the stateful Canvas LTI mock",
                                   description="Run the stateful Canvas LTI mock.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--fixtures", default=None, metavar="PATH",
                        help="fixture file (default: fixtures/default.yaml)")
    parser.add_argument("--validate-responses", action="store_true",
                        help="check every response against the spec (slower; for debugging the mock)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        app = create_app(args.fixtures, validate_responses=args.validate_responses)
    except FixtureError as exc:
        print(f"canvas-lti mock: {exc}", file=sys.stderr)
        return 2
    base = f"http://{args.host}:{args.port}"
    print(f"Canvas LTI mock on {base}", flush=True)
    print(f"  config (client ids, keys, URLs): {base}/__mock__/config", flush=True)
    print(f"  JWKS: {base}/api/lti/security/jwks   token: {base}/login/oauth2/token", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", lifespan="off")
    return 0
