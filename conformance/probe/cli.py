"""``canvas-lti probe-tool``: arguments, console output, reports and exit codes.

Exit codes: 0 no finding at or above ``--fail-on``; 1 one at least (an attack accepted, a crash
counted at should, the rotated key refused, a case or the deep linking check that could not
run, a deep linking rule broken); 2 the probe could not run (a report path that cannot be
written, mock unreachable, unknown tool or case, the valid baseline launch refused).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mockserver.cli_errors import CommandError, check_writable
from mockserver.cli_values import http_status, positive_seconds

from .attacks import CASES, select
from .flow import TIMEOUT
from .platform import MockUnreachable, ProbeError
from .report import case_table, console, junit_xml, markdown, write
from .run import ProbeOptions, probe_tool
from .severity import NAMES, Severity
from .verdict import CaseResult, SuccessRule


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "probe-tool", help="test an LTI tool's launch security against hostile platform launches",
        description="Launch a running LTI tool registered in the mock with tampered id_tokens and hostile logins "
                    "(each on a fresh OIDC flow through the tool) and report what it accepts, by severity.",
        epilog=f"{len(CASES)} cases; --list-cases prints them with their severity and references.")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--tool", help="the developer key's name")
    who.add_argument("--client-id", help="the developer key's client id")
    parser.add_argument("--base-url", default="http://127.0.0.1:8080", help="the mock (default http://127.0.0.1:8080)")
    parser.add_argument("--course", help="course id (default: where the tool is installed, else the first that launches it)")
    parser.add_argument("--user", help="user id or LTI id (default: a teacher of the course)")
    success = parser.add_mutually_exclusive_group()
    success.add_argument("--success-text", help="a launch is accepted when the tool's page contains this text")
    success.add_argument("--success-status", type=http_status, help="a launch is accepted when the tool answers this status "
                                                            "(default: any 2xx)")
    parser.add_argument("--case", action="append", dest="cases", metavar="ID|SEVERITY",
                        help=f"run only this case, or every case of a severity ({', '.join(NAMES)}); repeatable")
    parser.add_argument("--fail-on", choices=NAMES, default="must",
                        help="the lowest severity whose findings fail the run (default: must)")
    parser.add_argument("--timeout", type=positive_seconds, default=TIMEOUT, metavar="SECONDS",
                        help=f"how long to wait for each of the tool's answers; no answer by then is a crash "
                             f"(default {TIMEOUT:g})")
    parser.add_argument("--list-cases", action="store_true", help="print every case's id, severity and references")
    parser.add_argument("--no-deep-linking", action="store_true", help="skip the deep linking response checks")
    parser.add_argument("--report", type=Path, help="write a Markdown report here")
    parser.add_argument("--junit-xml", type=Path, help="write JUnit XML here")
    parser.set_defaults(func=run)


def _progress(case: CaseResult) -> None:
    print(f"  {case.id:<26} {case.severity.label:<7} {case.verdict}", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"canvas-lti probe-tool: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.list_cases:
        print(case_table())
        return 0
    if not (args.tool or args.client_id):
        return _fail("one of --tool or --client-id is required")
    check_writable(args.report, flag="--report")
    check_writable(args.junit_xml, flag="--junit-xml")
    try:
        select(args.cases)
    except ProbeError as exc:
        return _fail(str(exc))
    options = ProbeOptions(tool=args.tool or args.client_id, base_url=args.base_url, course=args.course, user=args.user,
                           success=SuccessRule(status=args.success_status, text=args.success_text),
                           cases=args.cases, deep_linking=not args.no_deep_linking,
                           fail_on=Severity.parse(args.fail_on), timeout=args.timeout)
    try:
        result = probe_tool(options, progress=_progress)
    except MockUnreachable as exc:
        raise CommandError(str(exc), flag="--base-url", hint="start the mock (canvas-lti mock) or correct the URL") from None
    except ProbeError as exc:
        return _fail(str(exc))
    print(console(result))
    if args.report:
        write(args.report, markdown(result))
    if args.junit_xml:
        write(args.junit_xml, junit_xml(result))
    return 0 if result.ok else 1
