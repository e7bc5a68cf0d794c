"""Stateful checks: schemathesis's link-driven state machine, and an AGS reference model.

The link machine follows the spec's OpenAPI links (create line item → get/update/delete/score/
results) and runs every check plus schemathesis's stateful ones (use_after_free,
ensure_resource_availability). It only runs against our mock: its cases are not confined to
line items the run owns. The AGS machine (a hypothesis ``RuleBasedStateMachine``) creates, edits
and deletes its own line items, posts scores with moving timestamps and compares each answer
with a small model of §3-§5; it runs on any target where writes are allowed.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from schemathesis.core.failures import FailureGroup

from .report import Finding
from .safety import BudgetExhausted

if TYPE_CHECKING:
    from .suite import Suite

LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
MODEL_CHECK = "ags_model"


class ModelDivergence(AssertionError):
    """The target answered differently from the §3-§5 model (already recorded)."""


class StopRun(Exception):
    """A budget ran out inside a scenario."""


def _settings(suite: Suite) -> settings:
    profile = suite.options.settings
    return settings(max_examples=profile.stateful_examples, stateful_step_count=profile.stateful_steps,
                    database=None, deadline=None, phases=[Phase.generate], print_blob=False,
                    suppress_health_check=list(HealthCheck))


# -- schemathesis: OpenAPI links ------------------------------------------------------------------


def run_links(suite: Suite) -> None:
    from schemathesis.checks import CHECKS

    stateful_checks = [CHECKS.get_one("use_after_free"), CHECKS.get_one("ensure_resource_availability")]
    base = suite.schema.as_state_machine()

    class LinkWorkflow(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            params = case.path_parameters or {}
            if "course_id" in params:
                params["course_id"] = suite.course
            if suite.stopped:
                raise StopRun(suite.stopped)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return suite.transport_kwargs()

        def call(self, case: Any, **kwargs: Any) -> Any:
            try:
                return case.call(**kwargs)
            except BudgetExhausted as exc:
                suite.stopped = str(exc)
                raise StopRun(str(exc)) from None

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            operation_id = case.operation.definition.raw.get("operationId", case.operation.label)
            stat = suite.result.stat(operation_id)
            stat.cases += 1
            stat.statuses[response.status_code] = stat.statuses.get(response.status_code, 0) + 1
            if operation_id == "createLineItem" and response.status_code == 201:
                with contextlib.suppress(Exception):
                    suite.own(response.json().get("id"))
            for check in [*suite.checks, *stateful_checks]:
                try:
                    case.validate_response(response, checks=[check], transport_kwargs=kwargs or None,
                                           recorder=self.recorder)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        suite.result.add(Finding(operation_id, check.__name__,
                                                 f"{failure.title}\n{failure.message}".strip(),
                                                 _curl(case, response), "stateful (links)"))
                except AssertionError as exc:
                    suite.result.add(Finding(operation_id, check.__name__, str(exc), _curl(case, response),
                                             "stateful (links)"))

    _run(suite, LinkWorkflow, "links")


def _curl(case: Any, response: Any) -> str | None:
    try:
        return case.as_curl_command(headers=dict(response.request.headers))
    except Exception:
        return None


def _run(suite: Suite, machine: type, label: str) -> None:
    try:
        if suite.options.seed is not None:
            # ``hypothesis.seed`` only takes effect on the @given test that runs the machine,
            # so seed that test, not a function around it (which left stateful runs random).
            import hypothesis
            from hypothesis.stateful import get_state_machine_test

            machine.TestCase.settings = _settings(suite)
            hypothesis.seed(suite.options.seed)(get_state_machine_test(machine, settings=_settings(suite)))()
        else:
            run_state_machine_as_test(machine, settings=_settings(suite))
    except StopRun:
        pass
    except ModelDivergence:
        pass  # recorded with its operation and message when it happened
    except BudgetExhausted as exc:
        suite.stopped = str(exc)
    except Exception as exc:  # a failure hypothesis re-raised, or a bug in the machine
        if not isinstance(exc, AssertionError):
            suite.result.stat(f"stateful:{label}").errors.append(f"{type(exc).__name__}: {exc}")


# -- the AGS reference model ----------------------------------------------------------------------


@dataclass
class ModelItem:
    id: int
    label: str
    score_maximum: float
    alive: bool = True
    #: user id -> (scoreGiven, timestamp of the accepted score)
    results: dict[str, tuple[float, datetime]] = field(default_factory=dict)


def make_ags_machine(suite: Suite) -> type[RuleBasedStateMachine]:
    students = list(suite.target.sandbox.student_ids)
    course = suite.course
    epoch = datetime.now(UTC) - timedelta(days=1)

    class AgsMachine(RuleBasedStateMachine):
        """Drive line items and scores; compare every answer with :class:`ModelItem` state."""

        items = Bundle("items")

        def __init__(self) -> None:
            super().__init__()
            self.model: dict[int, ModelItem] = {}
            self.baseline: set[int] = set()

        # -- plumbing --

        def send(self, method: str, path: str, scopes: tuple[str, ...], **kwargs: Any) -> Any:
            if suite.stopped:
                raise StopRun(suite.stopped)
            headers = {**suite.bearer(*scopes), **kwargs.pop("headers", {})}
            try:
                response = suite.target.request(method, f"/api/lti/courses/{course}{path}", headers=headers, **kwargs)
            except BudgetExhausted as exc:
                suite.stopped = str(exc)
                raise StopRun(str(exc)) from None
            suite.result.stat("stateful:ags_model").cases += 1
            return response

        def diverged(self, operation: str, message: str, response: Any, request: str) -> None:
            body = (response.text or "")[:300]
            detail = f"{message}\nRequest: {request}\nResponse: {response.status_code} {body}"
            suite.result.add(Finding(operation, MODEL_CHECK, detail, None, "stateful (AGS model)"))
            raise ModelDivergence(detail)

        def expect(self, operation: str, response: Any, status: int, request: str, why: str) -> None:
            if response.status_code != status:
                self.diverged(operation, f"expected {status} ({why}), got {response.status_code}", response, request)

        # -- rules --

        @initialize()
        def baseline_items(self) -> None:
            response = self.send("GET", "/line_items", (AGS_LINEITEM,), params={"per_page": 100})
            if response.status_code == 200:
                self.baseline = {_last_id(li.get("id")) for li in response.json()} - {None}  # type: ignore[assignment]

        @rule(target=items, label=st.text("abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool),
              maximum=st.integers(1, 100))
        def create(self, label: str, maximum: int) -> int:
            request = f"POST /line_items label={label!r} scoreMaximum={maximum}"
            response = self.send("POST", "/line_items", (AGS_LINEITEM,), json={"label": label, "scoreMaximum": maximum},
                                 headers={"Content-Type": LINE_ITEM})
            self.expect("createLineItem", response, 201, request, "a valid line item")
            item = suite.own(response.json().get("id"))
            if item is None:
                self.diverged("createLineItem", "the created line item has no numeric id", response, request)
            assert item is not None
            self.model[item] = ModelItem(item, label, float(maximum))
            return item

        @rule(item=items)
        def read(self, item: int) -> None:
            request = f"GET /line_items/{item}"
            response = self.send("GET", f"/line_items/{item}", (AGS_LINEITEM,))
            state = self.model[item]
            if not state.alive:
                self.expect("getLineItem", response, 404, request, "the line item was deleted")
                return
            self.expect("getLineItem", response, 200, request, "the line item exists")
            body = response.json()
            if body.get("label") != state.label or not _close(body.get("scoreMaximum"), state.score_maximum):
                self.diverged("getLineItem", f"expected label={state.label!r} scoreMaximum={state.score_maximum}",
                              response, request)

        @rule(item=items, label=st.text("klmnopqrst", min_size=1, max_size=8), maximum=st.integers(1, 100))
        def update(self, item: int, label: str, maximum: int) -> None:
            request = f"PUT /line_items/{item} label={label!r} scoreMaximum={maximum}"
            response = self.send("PUT", f"/line_items/{item}", (AGS_LINEITEM,),
                                 json={"label": label, "scoreMaximum": maximum}, headers={"Content-Type": LINE_ITEM})
            state = self.model[item]
            if not state.alive:
                self.expect("updateLineItem", response, 404, request, "the line item was deleted")
                return
            self.expect("updateLineItem", response, 200, request, "the line item exists")
            state.label, state.score_maximum = label, float(maximum)
            body = response.json()
            if body.get("label") != label or not _close(body.get("scoreMaximum"), maximum):
                self.diverged("updateLineItem", "the answer does not show the update", response, request)

        @rule(item=items)
        def delete(self, item: int) -> None:
            request = f"DELETE /line_items/{item}"
            response = self.send("DELETE", f"/line_items/{item}", (AGS_LINEITEM,))
            state = self.model[item]
            self.expect("deleteLineItem", response, 204 if state.alive else 404, request,
                        "deleting a live line item" if state.alive else "the line item was already deleted")
            state.alive = False

        @rule(item=items, student=st.sampled_from(students) if students else st.nothing(),
              given=st.integers(0, 10), shift=st.integers(-3, 5))
        def score(self, item: int, student: str, given: int, shift: int) -> None:
            state = self.model[item]
            last = state.results.get(student)
            when = (last[1] if last else epoch) + timedelta(seconds=shift)
            stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            body = {"userId": student, "scoreGiven": given, "scoreMaximum": 10, "activityProgress": "Completed",
                    "gradingProgress": "FullyGraded", "timestamp": stamp}
            request = f"POST /line_items/{item}/scores {body}"
            response = self.send("POST", f"/line_items/{item}/scores", (AGS_SCORE,), json=body,
                                 headers={"Content-Type": SCORE})
            if not state.alive:
                self.expect("createScore", response, 404, request, "the line item was deleted")
            elif last is not None and when < last[1]:
                self.expect("createScore", response, 400, request, "the timestamp is earlier than the last score's")
            else:
                self.expect("createScore", response, 200, request, "a valid score")
                state.results[student] = (float(given), when)

        @rule(item=items)
        def results(self, item: int) -> None:
            request = f"GET /line_items/{item}/results"
            response = self.send("GET", f"/line_items/{item}/results", (AGS_RESULT,), params={"per_page": 100})
            state = self.model[item]
            if not state.alive:
                self.expect("listResults", response, 404, request, "the line item was deleted")
                return
            self.expect("listResults", response, 200, request, "the line item exists")
            seen = {r.get("userId"): r.get("resultScore") for r in response.json()}
            expected = {user: given for user, (given, _) in state.results.items()}
            if set(seen) != set(expected) or any(not _close(seen[u], g) for u, g in expected.items()):
                self.diverged("listResults", f"results should reflect the latest accepted scores {expected}",
                              response, request)

        @rule()
        def listing(self) -> None:
            request = "GET /line_items?per_page=100"
            response = self.send("GET", "/line_items", (AGS_LINEITEM,), params={"per_page": 100})
            self.expect("listLineItems", response, 200, request, "listing the course's line items")
            listed = {_last_id(li.get("id")) for li in response.json()} - self.baseline
            alive = {i for i, s in self.model.items() if s.alive}
            if listed != alive:
                self.diverged("listLineItems", f"expected exactly the created-and-not-deleted items {sorted(alive)}, "
                              f"got {sorted(i for i in listed if i is not None)}", response, request)

        def teardown(self) -> None:
            for item, state in self.model.items():
                if state.alive:
                    with contextlib.suppress(Exception):
                        suite.target.request("DELETE", f"/api/lti/courses/{course}/line_items/{item}",
                                             headers=suite.bearer(AGS_LINEITEM))

    return AgsMachine


def _close(actual: Any, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    try:
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _last_id(url: Any) -> int | None:
    try:
        return int(str(url).rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def run_stateful(suite: Suite) -> None:
    wanted = suite.options.operations
    tags = suite.options.include_tags
    ags_selected = (not wanted or {"createLineItem", "createScore", "listResults", "getLineItem", "deleteLineItem",
                                   "updateLineItem", "listLineItems"} & set(wanted)) and (
        not tags or {"LineItems", "Scores", "Results"} & set(tags))
    if not ags_selected:
        return
    if suite.target.is_mock:
        suite.options.progress("  OpenAPI links (schemathesis state machine)")
        run_links(suite)
        suite._reset_mock()
    if suite.may_write() and not suite.stopped:
        suite.options.progress("  AGS reference model (hypothesis state machine)")
        _run(suite, make_ags_machine(suite), "ags_model")
    elif not suite.may_write():
        suite.result.stat("stateful:ags_model").skipped = "needs --allow-writes"
