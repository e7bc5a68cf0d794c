"""The `canvas-lti` entry point: one command, a subcommand per capability.

Each capability owns its arguments: a module exposes ``add_parser(subparsers)`` that registers
its subcommand and sets ``func`` (``args -> exit code``). This module only dispatches, and gives
every subcommand the same conventions: no flag abbreviations, the subcommand's own usage on a
wrong flag, ``--verbose`` for third-party log output, and its exit codes in ``--help``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from mockserver.canvas.text import printable
from mockserver.cli_errors import CommandError

from .extra import INSTALL, MISSING, is_missing_extra

# connexion imports starlette's test client, which warns about httpx on every start.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

#: Subcommand name -> the module that contributes it, in the order ``--help`` lists them.
SUBCOMMANDS = {
    "mock": "mockserver.cli",
    "launch": "mockserver.launch_cli",
    "conform": "conformance.run",
    "drift": "conformance.drift.cli",
    "probe-tool": "conformance.probe.cli",
    "version": "conformance.about",
}

#: Every exit code of every subcommand (shown in each ``--help`` and listed in docs/cli.md).
EXIT_CODES: dict[str, dict[int, str]] = {
    "mock": {
        0: "stopped (Ctrl-C / SIGTERM)",
        2: "usage error, or the mock cannot start: bad fixture or fault file, --host not an address of this machine, "
           "port out of range or in use",
    },
    "launch": {
        0: "the login request was printed",
        1: "the mock refused the launch (its 4xx message is printed)",
        2: "usage error, or the mock cannot be reached (--base-url)",
    },
    "conform": {
        0: "every check passed (warnings allowed)",
        1: "at least one check failed, the run errored or was interrupted (see the table, --report, --junit-xml)",
        2: "usage error (an --operation/--include-tag matching nothing, an unwritable report path, an unreadable "
           "--private-key), or the target cannot be used (unreachable, missing credentials, conformance extra not installed)",
        3: "--strict, no failure but warnings: an operation never got a success (2xx) answer",
    },
    "drift": {
        0: "no finding at or above --fail-on (or no --fail-on)",
        1: "a finding at or above --fail-on remains",
        2: "usage or load error (missing or invalid file, not OpenAPI 3, unknown ignore rule, unwritable --output), "
           "or the --live target cannot be used",
    },
    "probe-tool": {
        0: "no finding at or above --fail-on (default must)",
        1: "a finding at or above --fail-on: an attack accepted, a crash (counts at should), the rotated key "
           "refused, a case or the deep linking check that could not run, a deep linking rule broken",
        2: "usage error (unknown case, an unwritable report path), or the probe could not run (mock unreachable, "
           "unknown tool, baseline launch refused)",
    },
    "version": {
        0: "the versions were printed",
    },
}


class Parser(argparse.ArgumentParser):
    """argparse without prefix matching (``--max-example 3`` is an error, not ``--max-examples``), and
    usage errors in one line that points to ``--help``, not the whole usage block before it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["allow_abbrev"] = False
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {printable(message)} (see {self.prog} --help)\n")


class _Version(argparse.Action):
    """argparse's ``version`` action with the version read when asked for: reading it imports
    ``importlib.metadata``, which no other command needs (start-up)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from .about import package_version

        print(f"{parser.prog} {package_version()}")
        parser.exit()


def exit_codes_epilog(command: str) -> str:
    return "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES[command].items())


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that subcommand's module is imported (start-up time:
    ``canvas-lti mock`` must not pay for importing schemathesis)."""
    parser = Parser(
        prog="canvas-lti",
        description="Contract-testing toolkit for Canvas LMS's LTI 1.3 / LTI Advantage APIs.",
        epilog="Each COMMAND --help lists its options and exit codes.",
    )
    parser.add_argument("--version", action=_Version,
                        help="print the package's version and exit (canvas-lti version: all versions, as JSON)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for command, name in SUBCOMMANDS.items():
        if only is not None and command != only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if is_missing_extra(exc):  # `conform` without the conformance extra: say so when it is used
                subparsers.add_parser(command, help=f"(needs the conformance extra: {INSTALL})", add_help=False)
                subparsers.choices[command].set_defaults(missing=MISSING, subparser=subparsers.choices[command])
                continue
            if exc.name != name:  # a real import error inside the module: surface it
                raise
            continue
        module.add_parser(subparsers)
        sub = subparsers.choices[command]
        sub.set_defaults(subparser=sub)
        if command in EXIT_CODES:  # tests/test_cli.py requires an entry for every subcommand
            sub.epilog = "\n\n".join(part for part in (sub.epilog, exit_codes_epilog(command)) if part)
        if "verbose" not in {action.dest for action in sub._actions}:
            sub.add_argument("-v", "--verbose", action="store_true",
                             help="also show third-party libraries' log output (uvicorn, python-multipart)")
    return parser


def command_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: only the subcommand it names is imported (all of them for ``--help``,
    none for ``--version``). This is the command's start-up, measured by ``python -m bench.startup``."""
    first = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    if list(argv[:1]) == ["--version"]:
        first = ""  # no subcommand to import: answer at once
    gc.disable()  # importing a subcommand creates many objects and frees few: collecting meanwhile is wasted
    try:
        return build_parser(first)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = command_parser(argv)
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "missing", None):
        print(f"canvas-lti {args.command}: error: {args.missing}", file=sys.stderr)
        return 2
    if extra:  # report it with the subcommand's usage, not the top-level one
        args.subparser.error(f"unrecognized arguments: {' '.join(extra)}")
    from mockserver.quiet import quiet_third_party_logs

    quiet_third_party_logs(verbose=getattr(args, "verbose", False))
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"canvas-lti {args.command}: error: {printable(str(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
