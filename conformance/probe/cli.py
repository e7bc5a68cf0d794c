"""``canvas-lti probe-tool``: arguments, console output, reports and exit codes.

Exit codes: 0 every case went as expected; 1 an attack was accepted (or the rotated key was
refused, a case could not run, or the deep linking response broke a rule); 2 the probe could
not run (mock unreachable, unknown tool or case, the valid baseline launch refused).
"""

from __future__ import annotations

import argparse
import sys

from .attacks import CASES
from .platform import ProbeError
from .report import console, junit_xml, markdown, write
from .run import ProbeOptions, probe_tool
from .verdict import CaseResult, SuccessRule


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "probe-tool", help="test an LTI tool's launch security against hostile platform launches",
        description="Launch a running LTI tool registered in the mock with tampered id_tokens (each on a fresh "
                    "OIDC flow through the tool) and report which ones it accepts.",
        epilog="cases: " + ", ".join(c.id for c in CASES))
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--tool", help="the developer key's name")
    who.add_argument("--client-id", help="the developer key's client id")
    parser.add_argument("--base-url", default="http://127.0.0.1:8080", help="the mock (default http://127.0.0.1:8080)")
    parser.add_argument("--course", help="course id (default: where the tool is installed, else the first that launches it)")
    parser.add_argument("--user", help="user id or LTI id (default: a teacher of the course)")
    success = parser.add_mutually_exclusive_group()
    success.add_argument("--success-text", help="a launch is accepted when the tool's page contains this text")
    success.add_argument("--success-status", type=int, help="a launch is accepted when the tool answers this status "
                                                            "(default: any 2xx)")
    parser.add_argument("--case", action="append", dest="cases", metavar="ID", help="run only this case (repeatable)")
    parser.add_argument("--no-deep-linking", action="store_true", help="skip the deep linking response checks")
    parser.add_argument("--report", help="write a Markdown report here")
    parser.add_argument("--junit-xml", help="write JUnit XML here")
    parser.set_defaults(func=run)


def _progress(case: CaseResult) -> None:
    print(f"  {case.id:<24} {case.verdict}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    options = ProbeOptions(tool=args.tool or args.client_id, base_url=args.base_url, course=args.course, user=args.user,
                           success=SuccessRule(status=args.success_status, text=args.success_text),
                           cases=args.cases, deep_linking=not args.no_deep_linking)
    try:
        result = probe_tool(options, progress=_progress)
    except ProbeError as exc:
        print(f"canvas-lti probe-tool: {exc}", file=sys.stderr)
        return 2
    print(console(result))
    if args.report:
        write(args.report, markdown(result))
    if args.junit_xml:
        write(args.junit_xml, junit_xml(result))
    return 0 if result.ok else 1
