"""The `canvas-lti` entry point: one command, a subcommand per capability.

Each capability owns its arguments: a module exposes ``add_parser(subparsers)`` that registers
its subcommand and sets ``func`` (``args -> exit code``). This module only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

# connexion imports starlette's test client, which warns about httpx on every start.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

#: Subcommand name -> the module that contributes it, in the order ``--help`` lists them.
SUBCOMMANDS = {
    "mock": "mockserver.cli",
    "launch": "mockserver.launch_cli",
    "conform": "conformance.run",
    "drift": "conformance.drift.cli",
    "probe-tool": "conformance.probe.cli",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that subcommand's module is imported (start-up time:
    ``canvas-lti mock`` must not pay for importing schemathesis)."""
    parser = argparse.ArgumentParser(
        prog="canvas-lti",
        description="Contract-testing toolkit for Canvas LMS's LTI 1.3 / LTI Advantage APIs.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command, name in SUBCOMMANDS.items():
        if only is not None and command != only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module: surface it
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    args = build_parser(first).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
