"""Targets for ``canvas-lti drift --live``, built from the same flags as ``canvas-lti conform``."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from conformance.drift.live import LiveResult
from mockserver.cli_errors import CommandError, read_private_key


class LiveSetupError(Exception):
    """The target cannot be used as configured (one line for the user)."""


def build_target(args: argparse.Namespace) -> Any:
    """A fresh in-process mock without ``--base-url``; else the mock or Canvas at that URL.

    Read-only unless ``--allow-writes`` (on the mock too: the write flow is opt-in)."""
    from conformance.safety import Gate
    from conformance.targets import RemoteOptions, TargetError, TargetUnreachable, in_process_target, remote_target

    gate = Gate(allow_writes=True, max_requests=args.max_requests, max_time=args.max_time)
    try:
        if args.base_url:
            pem = read_private_key(args.private_key, flag="--private-key") if args.private_key else None
            target = remote_target(args.base_url, gate, RemoteOptions(
                client_id=args.client_id, private_key_pem=pem, kid=args.kid, token_url=args.token_url,
                deployment_id=args.deployment_id, api_token=args.api_token, course_id=args.course_id,
                account_id=args.account_id))
        else:
            logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)
            target = in_process_target(gate, course_id=args.course_id)
            if args.api_token:
                target.api_token = args.api_token
    except TargetUnreachable as exc:
        raise CommandError(str(exc), flag="--base-url", hint="start the mock or Canvas there, or correct the URL") from None
    except TargetError as exc:
        raise LiveSetupError(str(exc)) from exc
    gate.allow_writes = bool(args.allow_writes)
    return target


def live_result(args: argparse.Namespace, spec: dict[str, Any], *, spec_label: str, ignore: Any = ()) -> LiveResult:
    from conformance.drift.live_plan import run_live

    target = build_target(args)
    try:
        return run_live(target, spec, allow_writes=bool(args.allow_writes), spec_label=spec_label, ignore=ignore)
    finally:
        target.close()
