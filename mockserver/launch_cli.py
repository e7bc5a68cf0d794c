"""``canvas-lti launch``: start an LTI 1.3 launch on a running mock (over HTTP).

Prints the third-party-initiated login request Canvas would send to the tool: as JSON (for a
headless driver: POST ``params`` to ``login_url``), or with ``--html`` as the auto-submitting
page a browser would get. Only ``httpx`` is imported, so the command starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx

from .cli_errors import CommandError, unreachable

MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "launch", help="start an LTI 1.3 launch on a running mock",
        description="Start an LTI 1.3 launch on a running mock: prints the OIDC login request "
                    "(JSON, or an auto-submitting HTML page with --html).")
    parser.add_argument("--tool", required=True, help="tool (deployment) id, client id, or tool name")
    parser.add_argument("--course", required=True, help="course id")
    parser.add_argument("--user", required=True, help="user id or LTI user id (the launching 'session')")
    parser.add_argument("--placement", default=None, help="placement, e.g. course_navigation, link_selection")
    parser.add_argument("--message-type", default="LtiResourceLinkRequest", choices=MESSAGE_TYPES)
    parser.add_argument("--resource-link", default=None, help="resource link id (resource_link_uuid) to launch")
    parser.add_argument("--assignment", default=None, help="external-tool assignment id to launch")
    parser.add_argument("--base-url", default="http://127.0.0.1:8080", help="the mock (default http://127.0.0.1:8080)")
    parser.add_argument("--html", action="store_true", help="print the auto-submitting login page instead of JSON")
    parser.set_defaults(func=run)


def launch_body(args: argparse.Namespace) -> dict[str, Any]:
    body = {"tool": args.tool, "course": args.course, "user": args.user, "placement": args.placement,
            "message_type": args.message_type, "resource_link": args.resource_link, "assignment": args.assignment}
    return {k: v for k, v in body.items() if v is not None}


def run(args: argparse.Namespace) -> int:
    url = f"{args.base_url.rstrip('/')}/__mock__/launches"
    headers = {"Accept": "text/html"} if args.html else {"Accept": "application/json"}
    try:
        response = httpx.post(url, json=launch_body(args), headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        raise CommandError(unreachable(args.base_url, exc), flag="--base-url",
                           hint="start the mock (canvas-lti mock) or correct the URL") from None
    if response.status_code >= 400:
        try:
            message = "; ".join(e.get("message", "") for e in response.json().get("errors", []))
        except (ValueError, AttributeError):
            message = response.text
        print(f"canvas-lti launch: {response.status_code}: {message}", file=sys.stderr)
        return 1
    if args.html:
        sys.stdout.write(response.text)
    else:
        print(json.dumps(response.json(), indent=2))
    return 0
