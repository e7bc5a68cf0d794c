"""``canvas-lti drift OLD NEW``: the command-line face of the drift engine.

Exit codes: 0 ok (or findings below ``--fail-on``), 1 findings at/above ``--fail-on``,
2 usage or load errors (one line on stderr). ``--live``/``--base-url`` are reserved for a
live-API mode that is not implemented yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.drift.compare import compare
from conformance.drift.ignore import load_ignore_file
from conformance.drift.loader import LoadError, load_spec
from conformance.drift.model import Severity
from conformance.drift.render import FORMATS, render


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "drift",
        help="compare two OpenAPI descriptions and classify the differences",
        description=(
            "Report what changed between two OpenAPI 3.0 descriptions (files or http(s) URLs) "
            "and whether it breaks clients."
        ),
    )
    parser.add_argument("old", nargs="?", metavar="OLD", help="the baseline description")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the changed description")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output", metavar="PATH", help="write the report here (default stdout)")
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "warning"),
        help="exit 1 if a finding at this severity or higher exists",
    )
    parser.add_argument(
        "--ignore",
        metavar="FILE",
        help="known differences to suppress (YAML/JSON list or plain text)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="reserved: compare against a live Canvas (not implemented yet)",
    )
    parser.add_argument("--base-url", metavar="URL", help="reserved for --live")
    parser.set_defaults(func=run)
    return parser


def _error(message: str) -> int:
    print(f"canvas-lti drift: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.live or args.base_url:
        print("live mode not implemented yet", file=sys.stderr)
        return 2
    if not args.old or not args.new:
        return _error("need two descriptions: canvas-lti drift OLD NEW")
    try:
        ignore = load_ignore_file(args.ignore) if args.ignore else []
        old = load_spec(args.old)
        new = load_spec(args.new)
    except LoadError as exc:
        return _error(str(exc))
    report = compare(old, new, ignore=ignore, old_label=args.old, new_label=args.new)
    text = render(report, args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _error(f"cannot write {args.output}: {exc}")
    else:
        sys.stdout.write(text)
    if args.fail_on and report.has_at_least(Severity(args.fail_on)):
        return 1
    return 0
