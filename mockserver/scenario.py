"""Test-scenario control: wiring of the journal, fault and throttle middlewares, what a reset
restores (those and the Canvas settings), and the ``scenario`` part of a state dump.

Middleware order, outermost first: journal (outside connexion's exception handling) → routing →
faults → throttle → Canvas filter chain → request validation → response validation. So the
journal records every status (injected faults and throttle refusals too), injected answers
bypass response validation, a fault answers before Canvas counts the request, and the throttle
answers before authentication, like Canvas's Rack middleware.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .connexion_adapter import MiddlewarePosition
from .faults import FaultMiddleware
from .journal import DEFAULT_CAPACITY, JournalMiddleware, iso, parse_time
from .settings import CanvasSettings
from .throttle import ThrottleMiddleware

if TYPE_CHECKING:
    from .connexion_adapter import AsyncApp
    from .context import AppState

DUMP_KEY = "scenario"


@dataclass
class ScenarioDefaults:
    """The start-up scenario (CLI ``--faults``/``--throttle``/``--journal-size``/``--setting``) a reset restores."""

    fault_sets: list[Any] = field(default_factory=list)
    throttle: dict[str, Any] = field(default_factory=dict)
    journal_capacity: int = DEFAULT_CAPACITY
    settings: dict[str, bool] = field(default_factory=dict)

    def apply(self, state: AppState) -> None:
        state.journal.resize(self.journal_capacity)
        state.journal.clear()
        state.faults.clear()
        for raw in self.fault_sets:
            state.faults.add(copy.deepcopy(raw))
        state.throttle.reset()
        if self.throttle:
            state.throttle.configure(self.throttle)
        state.settings.reset(self.settings)


def install(app: AsyncApp, state: AppState) -> None:
    """Add the scenario middlewares; call before the filter chain is added (they wrap it).

    The journal goes outside connexion's ExceptionMiddleware (to see the statuses its error
    handlers answer). Faults and throttle need the routed operationId: ``BEFORE_VALIDATION``,
    because this app replaces connexion's SecurityMiddleware (there is no ``BEFORE_SECURITY``
    anchor); each insert lands just before request validation, so the first added is outermost.
    """
    app.add_middleware(JournalMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state)
    for middleware in (FaultMiddleware, ThrottleMiddleware):
        app.add_middleware(middleware, position=MiddlewarePosition.BEFORE_VALIDATION, state=state)


def configure(state: AppState, *, fault_sets: list[Any] | None = None, throttle: Mapping[str, Any] | None = None,
              journal_capacity: int | None = None, settings: Mapping[str, bool] | None = None) -> None:
    """Set the start-up scenario (validated now) and apply it."""
    defaults = state.scenario_defaults
    if settings is not None:
        CanvasSettings().update(settings)  # raises ValueError before anything changes
        defaults.settings = dict(settings)
    if fault_sets is not None:
        defaults.fault_sets = list(fault_sets)
    if throttle is not None:
        defaults.throttle = dict(throttle)
    if journal_capacity is not None:
        if journal_capacity < 1:
            raise ValueError("journal capacity must be at least 1")
        defaults.journal_capacity = journal_capacity
    defaults.apply(state)


def clock_body(state: AppState) -> dict[str, Any]:
    now = state.clock.now()
    return {"now": iso(now), "epoch": now, "offset": state.clock.current_offset(), "frozen": state.clock.frozen}


MAX_EPOCH = 221845392000.0  # 9000-01-01: far enough from 9999 that the clock can keep running


def move_clock(state: AppState, body: Mapping[str, Any]) -> None:
    """``{"advance": s}`` | ``{"now": ISO 8601 or epoch}`` | ``{"reset": true}``, at most one,
    with or without ``"freeze": true|false`` (stop the clock after the change, or let it run)."""
    given = [k for k in ("advance", "now", "reset") if body.get(k) not in (None, False)]
    freeze = body.get("freeze")
    if freeze is not None and not isinstance(freeze, bool):
        raise ValueError("freeze: expected true or false")
    if len(given) > 1 or (not given and freeze is None):
        raise ValueError("give exactly one of 'advance' (seconds), 'now' (ISO 8601 or epoch) or 'reset': true, "
                         "and/or 'freeze': true|false")
    target = None
    if given == ["advance"]:
        value = body["advance"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("advance: expected a number of seconds")
        target = state.clock.now() + float(value)
    elif given == ["now"]:
        target = parse_time(body["now"])
    if target is not None and not 0 <= target <= MAX_EPOCH:  # also rejects NaN: datetimes must stay representable
        raise ValueError("the mock clock must stay between 1970-01-01 and 9000-01-01")
    if given == ["reset"]:
        state.clock.reset()
    if freeze is True:  # before the move, so the clock stands exactly where it was put
        state.clock.freeze()
    if given == ["advance"]:
        state.clock.advance(float(body["advance"]))
    elif target is not None:
        state.clock.set(target)
    if freeze is False:
        state.clock.thaw()


def dump(state: AppState, *, journal: bool = False) -> dict[str, Any]:
    """The scenario part of a state dump; the journal and the throttle's buckets only when asked
    for (they are a record of traffic, not configuration: a dump taken before and after a reset
    should compare equal, and the always-on throttle counts every request)."""
    throttle = state.throttle.dump()
    if not journal:
        del throttle["buckets"]
    out: dict[str, Any] = {
        "clock": {"offset": state.clock.current_offset(), "frozen_at": state.clock.frozen_at},
        "faults": state.faults.dump(),
        "throttle": throttle,
        "settings": state.settings.dump(),
    }
    if journal:
        out["journal"] = state.journal.dump()
    return out


def load(state: AppState, raw: Any) -> None:
    """Restore a ``scenario`` dump; raises ValueError (nothing changed) when it is invalid."""
    if not isinstance(raw, Mapping):
        raise ValueError("scenario: expected an object")
    from .faults import Faults
    from .journal import Journal
    from .throttle import Throttle

    journal, faults, throttle, settings = Journal(), Faults(), Throttle(), CanvasSettings()
    try:
        settings.update(raw.get("settings", state.settings.dump()))
        journal.load(raw.get("journal", {}))
        faults.load(raw.get("faults", {}))
        throttle.load(raw.get("throttle", {}))
        offset = float(raw.get("clock", {}).get("offset", 0.0))
        frozen_at = raw.get("clock", {}).get("frozen_at")
        frozen_at = None if frozen_at is None else float(frozen_at)
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        raise ValueError(f"scenario: {exc}") from None
    if not 0 <= (time.time() + offset if frozen_at is None else frozen_at) <= MAX_EPOCH:
        raise ValueError("scenario: the clock offset puts the mock clock outside 1970..9000")
    if "journal" in raw:
        state.journal.load(journal.dump())
    state.faults.load(faults.dump())
    kept = throttle.dump()
    if "buckets" not in raw.get("throttle", {}):  # like the journal: without them the current ones stay
        kept["buckets"] = state.throttle.dump()["buckets"]
    state.throttle.load(kept)
    state.clock.offset, state.clock.frozen_at = offset, frozen_at
    state.settings.update(settings.dump())
