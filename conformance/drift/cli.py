"""``canvas-lti drift OLD NEW``: the command-line face of the drift engine.

``canvas-lti drift --live [--base-url URL]``: compare the spec (``--spec``) with what a running
target answers (default: a fresh in-process mock); see :mod:`conformance.drift.live`.

Exit codes: 0 ok (or findings below ``--fail-on``), 1 findings at/above ``--fail-on``,
2 usage or load errors (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from conformance.drift.compare import compare
from conformance.drift.ignore import IgnoreRule, check_rule_ids, load_ignore_file
from conformance.drift.loader import LoadError, load_spec
from conformance.drift.model import Report, Severity
from conformance.drift.render import FORMATS, render
from conformance.drift.rules import RULES
from mockserver import resources
from mockserver.cli_errors import check_writable
from mockserver.cli_values import canvas_id, positive_int, positive_seconds
from mockserver.resources import SPEC_LABEL as DEFAULT_SPEC


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "drift",
        allow_abbrev=False,  # "--fail" must not silently mean "--fail-on"
        help="compare two OpenAPI descriptions and classify the differences",
        description=(
            "Report what changed between two OpenAPI 3.0/3.1 descriptions (files or http(s) "
            "URLs) and whether it breaks clients."
        ),
    )
    parser.add_argument("old", nargs="?", metavar="OLD", help="the baseline description")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the changed description")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="list every rule (id, severity, description) and exit",
    )
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
    live = parser.add_argument_group("live mode (--live): the spec against a running target")
    live.add_argument("--live", action="store_true", help="compare --spec with a target's actual answers")
    live.add_argument("--spec", metavar="PATH", help=f"the description to hold the target to (default {DEFAULT_SPEC})")
    live.add_argument("--base-url", metavar="URL", help="target URL (implies --live; default: a fresh in-process mock)")
    live.add_argument("--client-id", help="LTI developer key (client) id")
    live.add_argument("--private-key", metavar="PEM", help="PEM file of the tool's private key")
    live.add_argument("--kid", help="key id of the tool's public JWK")
    live.add_argument("--token-url", help="token URL (default: BASE_URL/login/oauth2/token)")
    live.add_argument("--deployment-id", help="LTI deployment id")
    live.add_argument("--api-token", help="Canvas API token (REST operations, discovery)")
    live.add_argument("--course-id", type=canvas_id, help="sandbox course id (mock default: 101)")
    live.add_argument("--account-id", type=canvas_id, help="sandbox account id")
    live.add_argument("--allow-writes", action="store_true",
                      help="also run the AGS write flow (create a line item, score, results, delete it)")
    live.add_argument("--max-requests", type=positive_int, metavar="N", help="stop sending after N requests")
    live.add_argument("--max-time", type=positive_seconds, metavar="SECONDS", help="stop sending after this many seconds")
    live.add_argument("--suggest-patch", metavar="PATH",
                      help="write proposed spec additions (YAML JSON Patch) for what was seen")
    parser.set_defaults(func=run)
    return parser


def _error(message: str) -> int:
    print(f"canvas-lti drift: error: {message}", file=sys.stderr)
    return 2


def _emit(report: Report, args: argparse.Namespace) -> int:
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


def run_live_command(args: argparse.Namespace) -> int:
    if args.old or args.new:
        return _error("--live compares --spec with a running target; it takes no OLD NEW")
    from conformance.drift.live_cli import LiveSetupError, live_result

    try:
        ignore = _ignore(args)
        spec_path = args.spec or DEFAULT_SPEC
        spec = load_spec(args.spec or resources.spec_path())
        result = live_result(args, spec, spec_label=str(spec_path), ignore=ignore)
    except (LoadError, LiveSetupError) as exc:
        return _error(str(exc))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"live: {result.requests_sent} request(s) in {result.duration:.2f}s", file=sys.stderr)
    if args.suggest_patch:
        from conformance.drift.live_patch import suggest_patch

        try:
            Path(args.suggest_patch).write_text(suggest_patch(result.aggregates, spec_label=str(spec_path),
                                                              target_label=result.report.new_label), encoding="utf-8")
        except OSError as exc:
            return _error(f"cannot write {args.suggest_patch}: {exc}")
    return _emit(result.report, args)


def list_rules(fmt: str) -> str:
    """Every rule the comparison and the live mode can report, as ``--list-rules`` prints it."""
    from conformance.drift.live import LIVE_RULES

    rows = [(r.id, r.severity.value, r.side.value, r.description) for r in RULES.values()]
    rows += [(rid, sev.value, "live", text) for rid, (sev, text) in LIVE_RULES.items()]
    if fmt == "json":
        keys = ("id", "severity", "side", "description")
        return json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2) + "\n"
    width = max(len(row[0]) for row in rows)
    return "".join(f"{rid:<{width}}  {sev:<8}  {text}\n" for rid, sev, _, text in rows)


def _ignore(args: argparse.Namespace) -> list[IgnoreRule]:
    """The ignore file's entries; one file may serve both modes, so either mode's ids count."""
    if not args.ignore:
        return []
    from conformance.drift.live import LIVE_RULES

    rules = load_ignore_file(args.ignore)
    check_rule_ids(rules, [*RULES, *LIVE_RULES])
    return rules


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        sys.stdout.write(list_rules(args.format))
        return 0
    check_writable(args.output, flag="--output")
    check_writable(args.suggest_patch, flag="--suggest-patch")
    if args.live or args.base_url:
        return run_live_command(args)
    if args.spec:
        return _error("--spec is for --live; compare two descriptions with: canvas-lti drift OLD NEW")
    if not args.old or not args.new:
        return _error("need two descriptions: canvas-lti drift OLD NEW")
    try:
        ignore = _ignore(args)
        old = load_spec(args.old)
        new = load_spec(args.new)
    except LoadError as exc:
        return _error(str(exc))
    report = compare(old, new, ignore=ignore, old_label=args.old, new_label=args.new)
    return _emit(report, args)
