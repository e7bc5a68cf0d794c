"""``canvas-lti conform``: run the conformance suite against the mock or a Canvas instance.

Without ``--base-url`` the suite runs against a fresh in-process mock (no network). With it, the
target is probed: our mock is recognised by its ``/__mock__/config`` and fully exercised; anything
else is treated as a real Canvas (credentials required, read-only unless ``--allow-writes``).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import logging
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mockserver.cli_errors import CommandError, check_writable, read_private_key
from mockserver.cli_values import canvas_id, positive_int, positive_seconds
from mockserver.spec import load_spec

from . import coverage as coverage_table
from .render import console, junit_xml, markdown
from .report import write
from .safety import Gate
from .suite import PROFILES, SuiteOptions, run_suite
from .targets import RemoteOptions, TargetError, TargetUnreachable, in_process_target, remote_target, spec_operations

#: What ``--help`` says first, in plain words (the module docstring is for readers of the code).
DESCRIPTION = """\
Run the conformance suite: property-based checks generated from the spec, sent to a Canvas mock
or a real Canvas.

Without --base-url the suite runs against a fresh in-process mock (no network). With it, the
target is probed first: our mock is recognised by its /__mock__/config page and fully exercised;
anything else is treated as a real Canvas, which needs credentials (--client-id, --private-key,
--kid, --course-id) and is only read, unless --allow-writes is given."""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "conform", help="run the property-based conformance suite against the mock or a Canvas",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_argument_group("target")
    target.add_argument("--base-url", help="target URL (default: a fresh in-process mock)")
    target.add_argument("--client-id", help="LTI developer key (client) id")
    target.add_argument("--private-key", type=Path, help="PEM file of the tool's private key")
    target.add_argument("--kid", help="key id of the tool's public JWK")
    target.add_argument("--token-url", help="token URL (default: BASE_URL/login/oauth2/token)")
    target.add_argument("--deployment-id", help="LTI deployment id")
    target.add_argument("--api-token", help="Canvas API token (for REST operations)")
    target.add_argument("--course-id", type=canvas_id, help="sandbox course id (mock default: 101)")
    target.add_argument("--account-id", type=canvas_id, help="sandbox account id")
    scope = parser.add_argument_group("scope")
    scope.add_argument("--include-tag", action="append", default=[], metavar="TAG", help="only operations with TAG")
    scope.add_argument("--operation", action="append", default=[], metavar="OPID", help="only this operationId")
    scope.add_argument("--max-examples", type=positive_int, help="examples per operation and mode (overrides the profile)")
    scope.add_argument("--seed", type=int, help="hypothesis seed (default: random, printed)")
    scope.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="example budget (default: ci)")
    scope.add_argument("--no-stateful", action="store_true", help="skip the stateful checks")
    safety = parser.add_argument_group("safety")
    safety.add_argument("--allow-writes", action="store_true",
                        help="permit writes on a non-mock target (only in --course-id, cleaned up)")
    safety.add_argument("--max-requests", type=positive_int, help="stop after this many requests")
    safety.add_argument("--max-time", type=positive_seconds, help="stop after this many seconds")
    output = parser.add_argument_group("output")
    output.add_argument("--junit-xml", type=Path, metavar="PATH", help="write a JUnit XML report")
    output.add_argument("--report", type=Path, metavar="PATH", help="write a Markdown report")
    output.add_argument("-q", "--quiet", action="store_true", help="no progress, only the summary")
    output.add_argument("--coverage", action="store_true",
                        help="print the coverage table (operation -> checks -> what stays unchecked) and exit")
    output.add_argument("--strict", action="store_true",
                        help="warnings (an operation that never got a 2xx answer) fail the run (exit 3)")
    parser.set_defaults(func=main)
    return parser


def check_selectors(operations: list[str], tags: list[str]) -> None:
    """``--operation``/``--include-tag`` must name something in the spec (else: the close names)."""
    known = spec_operations(load_spec())
    for flag, wanted, names in (("--operation", operations, [op["operationId"] for op in known]),
                                ("--include-tag", tags, sorted({tag for op in known for tag in op["tags"]}))):
        for value in wanted:
            if value not in names:
                close = difflib.get_close_matches(value, names, n=5, cutoff=0.5)
                hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(names[:8])}…"
                raise CommandError(f"{value} matches nothing in the spec", flag=flag, hint=hint)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI job cancelled) ends the run as Ctrl-C does: cleaned up, reported INTERRUPTED."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt("terminated (SIGTERM)")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(args: argparse.Namespace) -> int:
    if args.coverage:
        print(coverage_table.markdown(coverage_table.coverage()), end="")
        return 0
    check_selectors(args.operation, args.include_tag)
    check_writable(args.report, flag="--report")
    check_writable(args.junit_xml, flag="--junit-xml")
    echo = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    gate = Gate(allow_writes=True, max_requests=args.max_requests, max_time=args.max_time)
    try:
        if args.base_url:
            pem = read_private_key(args.private_key, flag="--private-key") if args.private_key else None
            target = remote_target(args.base_url, gate, RemoteOptions(
                client_id=args.client_id, private_key_pem=pem, kid=args.kid, token_url=args.token_url,
                deployment_id=args.deployment_id, api_token=args.api_token, course_id=args.course_id,
                account_id=args.account_id))
            if not target.is_mock:
                gate.allow_writes = bool(args.allow_writes)
        else:
            # The mock logs every unknown query parameter at ERROR level; fuzzing sends many.
            logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)
            target = in_process_target(gate, course_id=args.course_id)
    except TargetUnreachable as exc:
        raise CommandError(str(exc), flag="--base-url", hint="start the mock or Canvas there, or correct the URL") from None
    except TargetError as exc:
        raise CommandError(str(exc)) from None
    options = SuiteOptions(profile=args.profile, max_examples=args.max_examples, seed=args.seed,
                           include_tags=args.include_tag, operations=args.operation,
                           stateful=not args.no_stateful, progress=echo)
    try:
        with terminate_as_interrupt():
            result = run_suite(target, options)
    finally:
        target.close()
    print(console(result, strict=args.strict))
    if args.report:
        write(args.report, markdown(result, strict=args.strict))
    if args.junit_xml:
        write(args.junit_xml, junit_xml(result, strict=args.strict))
    return result.exit_code(strict=args.strict)
