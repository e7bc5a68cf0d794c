"""Executing one case: send it through the gate, keep the pools current, probe auth, and judge
the answer with every check. Failures are recorded, not raised, so one run reports everything."""

from __future__ import annotations

from typing import Any

from schemathesis.core.failures import FailureGroup

from .auth import TokenError
from .auth_probe import AuthProbe
from .context import RunContext
from .report import Finding
from .safety import BudgetExhausted, WriteRefused
from .tracking import revokes_credentials, track


class Executor:
    """Sends cases and runs the per-answer checks on them (one per run)."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.probe_auth = AuthProbe(ctx)

    def execute(self, operation_id: str, case: Any, phase: str = "stateless") -> list[str]:
        """Send one case and run every check on the answer; failures are recorded, and the names
        of the checks that failed are returned (the caller raises them so Hypothesis shrinks)."""
        ctx = self.ctx
        stat = ctx.result.stat(operation_id)
        kwargs = ctx.transport_kwargs()
        try:
            response = case.call(**kwargs)
        except BudgetExhausted as exc:
            ctx.stopped = str(exc)
            return []
        except WriteRefused as exc:
            stat.errors.append(f"refused by the write policy (suite bug): {exc}")
            return []
        except TokenError as exc:
            ctx.result.add(Finding(operation_id, "token_request", str(exc), phase=phase))
            return []
        except Exception as exc:
            ctx.result.add(Finding(operation_id, "transport", f"{type(exc).__name__}: {exc}", curl(case, None), phase))
            return ["transport"]
        stat.count(response.status_code)
        op = ctx.ops_by_id.get(operation_id)
        track(ctx, operation_id, case, response)
        failed = self.probe_auth(op, case, response, phase)
        failed += self.judge(operation_id, case, response, phase, kwargs)
        if ctx.target.is_mock and op is not None and revokes_credentials(op) and 200 <= response.status_code < 300:
            # The case may have deleted, unbound or re-keyed the suite's own tool: put the world back
            # before the next case (after the checks and probes, which replay this one's request).
            with ctx.tolerant("mock reset"):
                ctx.target.request("POST", "/__mock__/reset")
        return failed

    def judge(self, operation_id: str, case: Any, response: Any, phase: str, kwargs: dict[str, Any]) -> list[str]:
        """Run each registered check on one answer; the names of those that failed."""
        ctx, failed = self.ctx, []
        stat = ctx.result.stat(operation_id)
        stat.checks.update(check.__name__ for check in ctx.checks)
        for check in ctx.checks:
            try:
                case.validate_response(response, checks=[check], transport_kwargs=kwargs or None)
            except FailureGroup as group:
                for failure in group.exceptions:
                    message = f"{failure.title}\n{failure.message}".strip()
                    ctx.result.add(Finding(operation_id, check.__name__, message, curl(case, response), phase))
                failed.append(check.__name__)
            except BudgetExhausted as exc:
                ctx.stopped = str(exc)
            except (WriteRefused, TokenError) as exc:
                stat.errors.append(f"{check.__name__}: {exc}")
            except AssertionError as exc:
                ctx.result.add(Finding(operation_id, check.__name__, str(exc), curl(case, response), phase))
                failed.append(check.__name__)
        return failed


def curl(case: Any, response: Any) -> str | None:
    """schemathesis's reproduction of ``case``, with the headers actually sent when known."""
    try:
        headers = dict(response.request.headers) if response is not None else None
        return case.as_curl_command(headers=headers)
    except Exception:
        return None
