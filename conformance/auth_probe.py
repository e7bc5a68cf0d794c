"""The auth probe: a secured operation that answered a success is replayed without a token and
with a forged one, and both must be refused with 401.

schemathesis's ``ignored_auth`` sends no probes for OAuth2 schemes such as ``LtiServiceToken``
(and would send its own past the gate), so the suite does it, once per operation and run. A
failure's reproduction is the probe itself, not the original (authorised) request.
"""

from __future__ import annotations

from typing import Any

from .context import READ_METHODS, RunContext
from .curl import FORGED_TOKEN, curl_for_response
from .report import Finding
from .safety import BudgetExhausted, WriteRefused

CHECK = "auth_enforced"


class AuthProbe:
    """Probes each secured operation once per run."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.probed: set[str] = set()

    def __call__(self, op: dict[str, Any] | None, case: Any, response: Any, phase: str) -> list[str]:
        """The names of the checks that failed (``auth_enforced`` or nothing)."""
        ctx = self.ctx
        if op is None or not op["secured"] or not 200 <= response.status_code < 300:
            return []
        if op["operationId"] in self.probed or (op["method"] not in READ_METHODS and not ctx.may_write()):
            return []
        self.probed.add(op["operationId"])
        ctx.result.stat(op["operationId"]).checks.add(CHECK)
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        body: dict[str, Any] = {}
        if isinstance(case.body, dict | list):  # (an absent body is schemathesis's NOT_SET)
            body = {"json": case.body} if "json" in (case.media_type or "json") else {"data": case.body}
        for label, token in (("no token", None), ("a forged token", f"Bearer {FORGED_TOKEN}")):
            probe_headers = {**headers, **({"Authorization": token} if token else {})}
            try:
                probe = ctx.target.request(op["method"], case.formatted_path, params=case.query,
                                           headers=probe_headers, **body)
            except (BudgetExhausted, WriteRefused) as exc:
                ctx.stopped = ctx.stopped or (str(exc) if isinstance(exc, BudgetExhausted) else None)
                return []
            if probe.status_code != 401:
                ctx.result.add(Finding(op["operationId"], CHECK,
                                       f"with {label} the operation answered {probe.status_code}, expected 401",
                                       curl_for_response(probe), phase))
                return [CHECK]
        return []
