"""One run's shared state: the target, the loaded spec and schema, tokens, pools and the result.

Every part of a run (discovery, steering, execution, the semantic checks, the state machines,
clean-up) works on a :class:`RunContext` and nothing else, so none of them needs another part
to exist: the parts import this module, and only :mod:`.suite` imports the parts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import schemathesis

from mockserver.spec import load_spec

from . import checks as checks_module
from .auth import TokenManager, make_auth_provider, required_scope_sets
from .options import SuiteOptions
from .pools import Pools, last_id
from .report import RunResult
from .safety import BudgetExhausted, RunStopped
from .targets import Target, spec_operations

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class ScopesUnavailable(Exception):
    """The suite's key is not granted any scope set an operation accepts."""


class RunContext:
    """What every part of one run shares (one per run; nothing global)."""

    def __init__(self, target: Target, options: SuiteOptions) -> None:
        self.target = target
        self.options = options
        self.raw = load_spec()
        self.ops_by_id = {op["operationId"]: op for op in spec_operations(self.raw)}
        self.result = RunResult(target=target.base_url + (" (mock)" if target.is_mock else ""),
                                profile=options.profile, seed=options.seed)
        self.tokens = TokenManager(target.creds, target.post_token)
        self.schema = self._schema()
        self.checks = checks_module.all_checks()
        self.pools = Pools()
        #: The pools as the first discovery found them (a reset mock holds the same ids again).
        self.baseline: Pools | None = None
        #: Line items this run created (clean-up deletes them; 404 is fine).
        self.created: list[int] = []
        #: Why the run stopped early (a spent budget), or None.
        self.stopped: str | None = None
        #: Every request of the AGS model, as sent (method, URL, body): a seed reproduces it exactly.
        self.ags_trace: list[str] = []

    def _schema(self) -> Any:
        # The spec's own OpenAPI links drive the stateful phase: schemathesis's inferred ones would
        # feed a line item's ``id`` (an absolute URL, §3.2) whole into ``{line_item_id}``. Its steps
        # are positive: a chain is for the state it builds up (each operation's negative cases are
        # the stateless phase's), and a negative step ends it.
        config = schemathesis.Config.from_dict({"phases": {"stateful": {
            "inference": {"algorithms": []}, "generation": {"mode": "positive"}}}})
        schema = schemathesis.openapi.from_dict(self.raw, config=config)
        schema.config.update(base_url=self.target.base_url)
        schema.auth(refresh_interval=None)(make_auth_provider(self.tokens, self.raw, lambda: self.target.api_token))
        return schema

    # -- where and who --------------------------------------------------------------------------

    @property
    def course(self) -> int:
        return self.target.sandbox.course_id

    def may_write(self) -> bool:
        return self.target.gate.allow_writes

    def transport_kwargs(self) -> dict[str, Any]:
        """Every case goes through the target's gated session, in-process or over HTTP alike."""
        return {"session": self.target.session, "base_url": self.target.base_url}

    def selected(self) -> list[dict[str, Any]]:
        """The operations the options select; mock control operations (which reset or replace
        the world) last, and only against the mock."""
        chosen = [op for op in self.ops_by_id.values()
                  if (self.target.is_mock or not op["mock_only"])
                  and (not self.options.operations or op["operationId"] in self.options.operations)
                  and (not self.options.include_tags or set(op["tags"]) & set(self.options.include_tags))]
        return sorted(chosen, key=lambda op: op["mock_only"])

    # -- credentials ----------------------------------------------------------------------------

    def bearer(self, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.token(scopes)}"}

    def api_headers(self) -> dict[str, str] | None:
        token = self.target.api_token
        return {"Authorization": f"Bearer {token}"} if token else None

    def granted(self, scope: str) -> bool:
        return self.tokens.choose_scopes([(scope,)]) is not None

    def scope_sets(self, operation_id: str) -> list[tuple[str, ...]]:
        op = self.ops_by_id[operation_id]
        return required_scope_sets(self.raw["paths"][op["path"]][op["method"].lower()], self.raw)

    def scopes_for(self, operation_id: str) -> tuple[str, ...]:
        """The LTI scopes the suite's tool would ask for to call ``operation_id``."""
        scopes = self.tokens.choose_scopes(self.scope_sets(operation_id))
        if scopes is None:
            raise ScopesUnavailable(f"the tool is not granted the scopes of {operation_id}")
        return scopes

    # -- line items the run owns ---------------------------------------------------------------

    def own(self, url: Any) -> int | None:
        """Register a line item the run created (before it is even used): the gate lets the run
        write to it, and clean-up deletes it."""
        item = last_id(url)
        if item is None:
            return None
        self.target.gate.owned.add(item)
        if item not in self.created:
            self.created.append(item)
        if item not in self.pools.line_items:
            self.pools.line_items.append(item)
        return item

    # -- stopping -------------------------------------------------------------------------------

    def halt_if_stopped(self) -> None:
        """Inside a Hypothesis test: end it at once when a budget is spent (even between requests)."""
        self.stopped = self.stopped or self.target.gate.exhausted()
        if self.stopped:
            raise RunStopped(self.stopped)

    @contextlib.contextmanager
    def tolerant(self, what: str) -> Iterator[None]:
        """Best-effort work (discovery, fixtures): a failure becomes a note; a stop goes through."""
        try:
            yield
        except (BudgetExhausted, KeyboardInterrupt):
            raise
        except Exception as exc:
            self.result.notes.append(f"{what} failed: {type(exc).__name__}: {exc}")


def utc_now() -> str:
    """Now, as AGS timestamps are written (ISO 8601, milliseconds, ``Z``)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
