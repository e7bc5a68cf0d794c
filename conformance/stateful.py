"""Stateful checks: schemathesis's link-driven state machine, and an AGS reference model.

The link machine follows the spec's OpenAPI links (create line item → get/update/delete/score/
results, and the same for tools, resource links, registrations, subscriptions), one family of
linked operations at a time and steered so that each link is followed and answers as it promises
(:func:`run_links`), and runs every check plus schemathesis's stateful ones (use_after_free,
ensure_resource_availability). It only runs against our mock: its cases are not confined to
line items the run owns. The AGS machine (a hypothesis ``RuleBasedStateMachine``) creates, edits
and deletes its own line items (decimal maxima, tags and resource ids), posts scores for several
students with later, equal and stale timestamps, reads results, line items and lists (filtered,
and paged with a small ``limit``) after every kind of change, deletes included, and compares each
answer with a small model of §3-§5; it runs on any target where writes are allowed.

Both machines raise on a failure after recording it with the steps so far, so Hypothesis shrinks
the sequence; the report keeps the shortest one (``Finding.merge``). A spent budget raises
:class:`RunStopped`, which Hypothesis lets through untouched.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis
import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    get_state_machine_test,
    initialize,
    precondition,
    rule,
)
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from .context import RunContext, ScopesUnavailable, utc_now
from .curl import curl_for_response
from .discovery import reset_mock
from .execution import curl
from .pools import last_id
from .recipes import Recipes, RecipeUnavailable
from .report import Finding, LinkTally
from .safety import BudgetExhausted, RunStopped
from .schemathesis_adapter import LinkPolicy, steered, transition_id, unsent_step
from .scopes import AGS_LINEITEM, AGS_RESULT, AGS_SCORE, LINE_ITEM_TYPE, SCORE_TYPE
from .targets import spec_operations

MODEL_CHECK = "ags_model"
#: The scenarios' rows in the table, and the phase their findings carry.
LINKS_ROW, LINKS_PHASE = "stateful:links", "stateful (links)"
AGS_ROW, AGS_PHASE = "stateful:ags_model", "stateful (AGS model)"


class ModelDivergence(AssertionError):
    """The target answered differently from the §3-§5 model (already recorded)."""


class LinkCheckFailed(AssertionError):
    """A check failed in the links machine (already recorded); raised so Hypothesis shrinks."""


def _settings(examples: int, steps: int) -> settings:
    # One bug per scenario run is enough: shrink it rather than keep exploring.
    return settings(max_examples=examples, stateful_step_count=steps,
                    database=None, deadline=None, phases=[Phase.generate, Phase.shrink], print_blob=False,
                    report_multiple_bugs=False, verbosity=hypothesis.Verbosity.quiet,
                    suppress_health_check=list(HealthCheck))


# -- schemathesis: OpenAPI links ------------------------------------------------------------------


class LinksKept(RunStopped):
    """Every link of a family answered as it promises: its machine stops (the ``ci`` profile)."""


def run_links(ctx: RunContext) -> None:
    """One links machine per family (the operations a chain of links joins: line items with their
    scores and results, course tools, account tools, resource links, registrations, subscriptions),
    each on its own budget: one machine over all of them spent most steps on the families it
    happened to start first and left the others unreached. Chains start at a create, and a delete
    comes after the other links from its source. At ``ci``, a link that answered as it promises is
    followed again only on the way to one that has not, and not while one that has not can be
    followed; the family stops once all have. A family's machine runs again, on the next seed,
    while a link has not, at most ``link_rounds`` times."""
    profile = ctx.options.settings
    for family in link_families(ctx):
        links = family_links(ctx, family)
        for link in links:
            ctx.result.transitions.setdefault(link.name, LinkTally(after_delete=link.after_delete))
        machine = _link_workflow(ctx, family, links)
        for attempt in range(profile.link_rounds):
            _run(ctx, machine, LINKS_ROW, _settings(profile.link_examples, profile.link_steps),
                 seed=(ctx.options.seed or 0) + attempt)
            if ctx.stopped or all(ctx.result.transitions[link.name].kept for link in links):
                break


def link_policy(ctx: RunContext, links: list[SpecLink]) -> LinkPolicy:
    """Which link the links machine may follow next (see :func:`run_links`)."""
    tallies = ctx.result.transitions
    by_labels = {(link.source_label, link.target_label): link for link in links}
    steer = ctx.options.settings.links_until_kept

    def useful(link: SpecLink, seen: frozenset[str] = frozenset()) -> bool:
        """Not yet kept, or the way to a link that is not (a read after a delete, answered 404,
        is the way to nothing)."""
        if not tallies[link.name].kept:
            return True
        return not link.after_delete and any(useful(after, seen | {link.name}) for after in links
                                             if after.source == link.target and after.name not in seen)

    def allow(source: str, target: str, followed: Mapping[str, int], called: Collection[str]) -> bool:
        link = by_labels.get((source, target))
        if link is None:
            return True
        if steer and not useful(link):
            return False
        if steer and tallies[link.name].kept and any(
                not tallies[other.name].kept and other.source_label in called for other in links):
            return False  # a link not yet kept can be followed now: that one first
        if target.startswith("DELETE "):  # first read and change what the delete removes
            return all(followed.get(other.target_label, 0) for other in links
                       if other.source_label == source and not other.target_label.startswith("DELETE ")
                       and not (steer and tallies[other.name].kept))
        return True

    return allow


def _link_workflow(ctx: RunContext, family: set[str], links: list[SpecLink]) -> type:
    """The links machine over ``family``: schemathesis's, steered (:func:`link_policy`), with
    chains that start at a create from a known-good body, the run's checks on every answer, and
    each step counted on its link."""
    from schemathesis.checks import CHECKS

    stateful_checks = [CHECKS.get_one(name) for name in LINK_CHECKS]
    starts = {_label(ctx.ops_by_id[op]) for op in family if op in ROOT_BODIES}
    base = steered(ctx.schema.include(operation_id=sorted(family)).as_state_machine(), starts, link_policy(ctx, links))
    row = ctx.result.scenario(LINKS_ROW, LINKS_PHASE)
    names = {check.__name__ for check in ctx.checks} | set(LINK_CHECKS)
    recipes = Recipes(ctx)
    by_id = {link.schemathesis_id: link.name for link in links}
    steer = ctx.options.settings.links_until_kept

    class LinkWorkflow(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            self.steps: list[str] = []
            #: Paths this scenario deleted (a 2xx DELETE): only the link that reads a deletion goes there.
            self.deleted: set[str] = set()

        def step(self, input: Any) -> Any:
            """Start chains with a body the target accepts, and count each link transition (a step
            whose input came over a link, with the link's values applied) on its link. A link step
            into what this scenario already deleted is not sent (schemathesis keeps every earlier
            answer to draw from, deleted or not): the read after the delete is the link that
            checks it, and each one sent elsewhere would only spend the budget on a 404."""
            if steer and all(ctx.result.transitions[link.name].kept for link in links):
                raise LinksKept("every link of the family answered as it promises")
            name = by_id.get(input.transition.id) if input.transition is not None else None
            if input.transition is None:
                root_body(ctx, recipes, input.case)
            elif steer and name is not None and not ctx.result.transitions[name].after_delete and self.gone(input.case):
                return unsent_step()
            else:
                link_inputs(ctx, input.case)
            output = super().step(input)
            status = output.response.status_code
            if input.case.method.upper() == "DELETE" and 200 <= status < 300:
                self.deleted.add(input.case.formatted_path)
            if name is not None and link_applied(input):
                ctx.result.follow(name, status)
            return output

        def gone(self, case: Any) -> bool:
            path = case.formatted_path
            return any(path == deleted or path.startswith(deleted + "/") for deleted in self.deleted)

        def before_call(self, case: Any) -> None:
            params = case.path_parameters or {}
            if "course_id" in params:
                params["course_id"] = ctx.course
            sandbox = ctx.target.sandbox
            if "account_id" in params and sandbox.account_id:
                params["account_id"] = sandbox.account_for(case.operation.path)
            ctx.halt_if_stopped()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return ctx.transport_kwargs()

        def call(self, case: Any, **kwargs: Any) -> Any:
            try:
                return case.call(**kwargs)
            except BudgetExhausted as exc:
                ctx.stopped = str(exc)
                raise RunStopped(str(exc)) from None

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            operation_id = case.operation.definition.raw.get("operationId", case.operation.label)
            ctx.result.stat(operation_id).count(response.status_code)
            ctx.result.stat(operation_id).checks.update(names)
            row.count(response.status_code)
            reproduction = curl(case, response)
            self.steps.append(reproduction or f"{case.method} {case.formatted_path}")
            if operation_id == "createLineItem" and response.status_code == 201:
                with contextlib.suppress(Exception):
                    ctx.own(response.json().get("id"))
            failed = []
            for check in [*ctx.checks, *stateful_checks]:
                try:
                    case.validate_response(response, checks=[check], transport_kwargs=kwargs or None,
                                           recorder=self.recorder)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        failed.append(check.__name__)
                        ctx.result.add(Finding(operation_id, check.__name__,
                                                 f"{failure.title}\n{failure.message}".strip(), reproduction, LINKS_PHASE,
                                                 steps=list(self.steps)))
                except BudgetExhausted as exc:
                    ctx.stopped = str(exc)
                    raise RunStopped(str(exc)) from None
                except AssertionError as exc:
                    failed.append(check.__name__)
                    ctx.result.add(Finding(operation_id, check.__name__, str(exc), reproduction, LINKS_PHASE,
                                             steps=list(self.steps)))
            if failed:
                raise LinkCheckFailed(f"{', '.join(failed)} failed on {operation_id}")

    return LinkWorkflow


def _run(ctx: RunContext, machine: type, row: str, budget: settings, seed: int | None) -> None:
    try:
        # ``hypothesis.seed`` only takes effect on the @given test that runs the machine,
        # so seed that test, not a function around it (which left stateful runs random).
        machine.TestCase.settings = budget
        hypothesis.seed(seed)(get_state_machine_test(machine, settings=budget))()
    except RunStopped:
        pass  # the budget ran out; the run ends with what it has
    except (ModelDivergence, LinkCheckFailed):
        pass  # recorded, with its steps, when it happened (the shortest sequence is kept)
    except BudgetExhausted as exc:
        ctx.stopped = str(exc)
    except hypothesis.errors.Flaky as exc:
        ctx.result.notes.append(f"{row}: a failure did not reproduce while shrinking ({type(exc).__name__})")
    except Exception as exc:  # a bug in the machine, or an unexpected answer it could not handle
        ctx.result.stat(row).errors.append(f"{type(exc).__name__}: {exc}")


# -- the AGS reference model ----------------------------------------------------------------------

#: Fixed score timestamps (not "now"), so that a seed reproduces every request byte for byte.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
#: Tags and resource ids the model's line items carry: the filters have something to select.
TAGS = ("conform-a", "conform-b")
RESOURCE_IDS = ("conform-r1", "conform-r2")
#: Decimal maxima and scores first (a truncating target must fail), integers too.
DECIMALS = st.one_of(st.sampled_from([0.5, 12.5, 33.25, 99.99, 10.0, 100.0]),
                     st.decimals(min_value="0.01", max_value="500", places=2).map(float))
GIVEN = st.one_of(st.sampled_from([0.0, 0.25, 7.75, 12.5]),
                  st.decimals(min_value="0", max_value="500", places=2).map(float))
#: When a score is sent relative to the user's last accepted one.
TIMINGS = ("later", "equal", "stale")
#: Page sizes the listings ask for: small, so that several pages are followed.
LIMITS = st.sampled_from([None, 2, 3])
MAX_PAGES = 200
NEXT_LINK = re.compile(r'<([^<>]+)>; rel="next"')


@dataclass
class ModelResult:
    score: float
    maximum: float
    comment: str | None
    timestamp: datetime
    url: str | None = None


@dataclass
class ModelItem:
    id: int
    label: str
    score_maximum: float
    tag: str | None = None
    resource_id: str | None = None
    alive: bool = True
    #: user id -> the last accepted score
    results: dict[str, ModelResult] = field(default_factory=dict)

    def matches(self, name: str | None, value: str | None) -> bool:
        return name is None or getattr(self, name) == value


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_ags_machine(ctx: RunContext) -> type[RuleBasedStateMachine]:
    students = list(ctx.target.sandbox.student_ids)
    course = ctx.course
    record = ctx.result.scenario(AGS_ROW, AGS_PHASE)

    class AgsMachine(RuleBasedStateMachine):
        """Drive line items and scores; compare every answer with the :class:`ModelItem` state.

        Each request is kept as a ``curl`` step; a divergence is recorded with the steps so far
        and raised, so Hypothesis shrinks the sequence and the report keeps the shortest one."""

        items = Bundle("items")

        def __init__(self) -> None:
            super().__init__()
            self.model: dict[int, ModelItem] = {}
            #: Line items that existed before the machine: id -> (tag, resource_id).
            self.baseline: dict[int, tuple[Any, Any]] = {}
            self.steps: list[str] = []

        # -- plumbing --

        def send(self, method: str, path: str, scopes: tuple[str, ...], **kwargs: Any) -> Any:
            if ctx.stopped:
                raise RunStopped(ctx.stopped)
            headers = {**ctx.bearer(*scopes), **kwargs.pop("headers", {})}
            url = path if "://" in path else f"/api/lti/courses/{course}{path}"
            try:
                response = ctx.target.request(method, url, headers=headers, **kwargs)
            except BudgetExhausted as exc:
                ctx.stopped = str(exc)
                raise RunStopped(str(exc)) from None
            step = curl_for_response(response) or f"{method} {url}"
            self.steps.append(step)
            ctx.ags_trace.append(_trace_line(response, method, url))
            record.count(response.status_code)
            return response

        def diverged(self, operation: str, message: str, response: Any) -> None:
            body = (response.text or "")[:300]
            detail = f"{message}\nLast answer: {response.status_code} {body}"
            ctx.result.add(Finding(operation, MODEL_CHECK, detail, self.steps[-1] if self.steps else None,
                                     AGS_PHASE, steps=list(self.steps)))
            raise ModelDivergence(detail)

        def expect(self, operation: str, response: Any, status: int, why: str) -> None:
            if response.status_code != status:
                self.diverged(operation, f"expected {status} ({why}), got {response.status_code}", response)

        def collect(self, operation: str, path: str, scopes: tuple[str, ...], params: dict[str, Any]) -> list[Any]:
            """Every element of a paginated list, following ``rel="next"`` from the first page."""
            response = self.send("GET", path, scopes, params=params)
            self.expect(operation, response, 200, "listing")
            elements: list[Any] = []
            for _ in range(MAX_PAGES):
                page = response.json()
                if not isinstance(page, list):
                    self.diverged(operation, "a page of the list is not a JSON array", response)
                elements += page
                found = NEXT_LINK.search(response.headers.get("link", ""))
                if found is None:
                    return elements
                response = self.send("GET", found.group(1), scopes)
                self.expect(operation, response, 200, "following the next link")
            self.diverged(operation, f"more than {MAX_PAGES} pages", response)
            return elements

        # -- rules --

        @initialize()
        def baseline_items(self) -> None:
            for item in self.collect("listLineItems", "/line_items", (AGS_LINEITEM,), {"per_page": 100}):
                item_id = last_id(item.get("id"))
                if item_id is not None:
                    self.baseline[item_id] = (item.get("tag"), item.get("resourceId"))

        @rule(target=items, label=st.text("abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool),
              maximum=DECIMALS, tag=st.sampled_from((None, *TAGS)), resource_id=st.sampled_from((None, *RESOURCE_IDS)))
        def create(self, label: str, maximum: float, tag: str | None, resource_id: str | None) -> int:
            sent = {"label": label, "scoreMaximum": maximum, "tag": tag, "resourceId": resource_id}
            body = {k: v for k, v in sent.items() if v is not None}
            response = self.send("POST", "/line_items", (AGS_LINEITEM,), json=body, headers={"Content-Type": LINE_ITEM_TYPE})
            self.expect("createLineItem", response, 201, "a valid line item")
            item = ctx.own(response.json().get("id"))
            if item is None:
                self.diverged("createLineItem", "the created line item has no numeric id", response)
            assert item is not None
            self.model[item] = ModelItem(item, label, maximum, tag, resource_id)
            self.same_item("createLineItem", response, self.model[item])
            return item

        def same_item(self, operation: str, response: Any, state: ModelItem) -> None:
            body = response.json()
            wrong = [name for name, expected in (("label", state.label), ("tag", state.tag),
                                                 ("resourceId", state.resource_id)) if body.get(name) != expected]
            if not _close(body.get("scoreMaximum"), state.score_maximum):
                wrong.append("scoreMaximum")
            if wrong:
                self.diverged(operation, f"{', '.join(wrong)} differ from what was sent\nexpected label="
                              f"{state.label!r} scoreMaximum={state.score_maximum} tag={state.tag!r} "
                              f"resourceId={state.resource_id!r}", response)

        @rule(item=items)
        def read(self, item: int) -> None:
            response = self.send("GET", f"/line_items/{item}", (AGS_LINEITEM,))
            state = self.model[item]
            if not state.alive:
                self.expect("getLineItem", response, 404, "the line item was deleted")
                return
            self.expect("getLineItem", response, 200, "the line item exists")
            self.same_item("getLineItem", response, state)

        @rule(item=items, label=st.text("klmnopqrst", min_size=1, max_size=8), maximum=DECIMALS,
              tag=st.sampled_from(TAGS))
        def update(self, item: int, label: str, maximum: float, tag: str) -> None:
            response = self.send("PUT", f"/line_items/{item}", (AGS_LINEITEM,),
                                 json={"label": label, "scoreMaximum": maximum, "tag": tag},
                                 headers={"Content-Type": LINE_ITEM_TYPE})
            state = self.model[item]
            if not state.alive:
                self.expect("updateLineItem", response, 404, "the line item was deleted")
                return
            self.expect("updateLineItem", response, 200, "the line item exists")
            state.label, state.score_maximum, state.tag = label, maximum, tag
            self.same_item("updateLineItem", response, state)

        @rule(item=items)
        def delete(self, item: int) -> None:
            response = self.send("DELETE", f"/line_items/{item}", (AGS_LINEITEM,))
            state = self.model[item]
            self.expect("deleteLineItem", response, 204 if state.alive else 404,
                        "deleting a live line item" if state.alive else "the line item was already deleted")
            state.alive = False
            # Read back at once, so a delete that only answers 204 is caught whatever steps follow.
            gone = self.send("GET", f"/line_items/{item}", (AGS_LINEITEM,))
            self.expect("getLineItem", gone, 404, "the line item was deleted")

        @rule(item=items, student=st.sampled_from(students) if students else st.nothing(), given=GIVEN,
              maximum=DECIMALS, timing=st.sampled_from(TIMINGS), seconds=st.integers(1, 3600),
              comment=st.sampled_from((None, "Good work")))
        def score(self, item: int, student: str, given: float, maximum: float, timing: str, seconds: int,
                  comment: str | None) -> None:
            state = self.model[item]
            last = state.results.get(student)
            base = last.timestamp if last else EPOCH
            when = base + timedelta(seconds={"later": seconds, "equal": 0, "stale": -seconds}[timing])
            body = {"userId": student, "scoreGiven": given, "scoreMaximum": maximum, "activityProgress": "Completed",
                    "gradingProgress": "FullyGraded", "timestamp": _stamp(when)}
            if comment:
                body["comment"] = comment
            response = self.send("POST", f"/line_items/{item}/scores", (AGS_SCORE,), json=body,
                                 headers={"Content-Type": SCORE_TYPE})
            if not state.alive:
                self.expect("createScore", response, 404, "the line item was deleted")
            elif last is not None and when < last.timestamp:
                self.expect("createScore", response, 400, "the timestamp is earlier than the last accepted score's")
            else:
                why = "a score as recent as the last one" if last is not None and when == last.timestamp else "a valid score"
                self.expect("createScore", response, 200, why)
                url = response.json().get("resultUrl")
                state.results[student] = ModelResult(given, maximum, comment, when, url if isinstance(url, str) else None)
                # Read back at once, so a score that is answered but not stored is caught whatever steps follow.
                listed = self.collect("listResults", f"/line_items/{item}/results", (AGS_RESULT,), {"user_id": student})
                self.same_results("listResults", listed, {student: state.results[student]}, state)

        @precondition(lambda self: any(s.alive and s.results for s in self.model.values()))
        @rule(data=st.data(), given=GIVEN, timing=st.sampled_from(TIMINGS), seconds=st.integers(1, 3600))
        def rescore(self, data: Any, given: float, timing: str, seconds: int) -> None:
            """Score a user again on a line item they already have a result on: the timestamp rules
            (equal accepted, older refused) only show there."""
            scored = sorted((i, u) for i, s in self.model.items() if s.alive for u in s.results)
            item, student = data.draw(st.sampled_from(scored), label="scored")
            self.score(item, student, given, self.model[item].results[student].maximum, timing, seconds, None)

        @rule(item=items, limit=LIMITS)
        def results(self, item: int, limit: int | None) -> None:
            state = self.model[item]
            params = {"limit": limit} if limit else {}
            if not state.alive:
                response = self.send("GET", f"/line_items/{item}/results", (AGS_RESULT,), params=params)
                self.expect("listResults", response, 404, "the line item was deleted")
                return
            listed = self.collect("listResults", f"/line_items/{item}/results", (AGS_RESULT,), params)
            self.same_results("listResults", listed, state.results, state)

        @rule(item=items, student=st.sampled_from(students) if students else st.nothing())
        def result_of(self, item: int, student: str) -> None:
            state = self.model[item]
            if not state.alive:
                response = self.send("GET", f"/line_items/{item}/results", (AGS_RESULT,), params={"user_id": student})
                self.expect("listResults", response, 404, "the line item was deleted")
                return
            listed = self.collect("listResults", f"/line_items/{item}/results", (AGS_RESULT,), {"user_id": student})
            wanted = {student: state.results[student]} if student in state.results else {}
            self.same_results("listResults", listed, wanted, state)

        @rule(item=items, student=st.sampled_from(students) if students else st.nothing())
        def read_result(self, item: int, student: str) -> None:
            state = self.model[item]
            known = state.results.get(student)
            if known is None or known.url is None:
                return
            response = self.send("GET", known.url, (AGS_RESULT,))
            if not state.alive:
                self.expect("getResult", response, 404, "its line item was deleted")
                return
            self.expect("getResult", response, 200, "the result of an accepted score")
            self.same_results("getResult", [response.json()], {student: known}, state)

        def same_results(self, operation: str, listed: list[Any], expected: dict[str, ModelResult],
                         state: ModelItem) -> None:
            seen = [r.get("userId") for r in listed if isinstance(r, dict)]
            problems = []
            if len(seen) != len(set(seen)):
                problems.append(f"users listed more than once: {seen}")
            by_user = {r.get("userId"): r for r in listed if isinstance(r, dict)}
            if set(by_user) != set(expected):
                problems.append(f"expected results for {sorted(expected)}, got {sorted(map(str, by_user))}")
            for user, want in expected.items():
                got = by_user.get(user)
                if got is None:
                    continue
                if not (_close(got.get("resultScore"), want.score) and _close(got.get("resultMaximum"), want.maximum)
                        and got.get("comment") == want.comment):
                    problems.append(f"{user}: expected resultScore={want.score} resultMaximum={want.maximum} "
                                    f"comment={want.comment!r}, got resultScore={got.get('resultScore')} "
                                    f"resultMaximum={got.get('resultMaximum')} comment={got.get('comment')!r}")
            if problems:
                response = _Answer(200, json.dumps(listed)[:300])
                self.diverged(operation, "results differ from the last accepted scores\n"
                              f"line item {state.id}: " + "; ".join(problems), response)

        @rule(limit=LIMITS, by=st.sampled_from((None, "tag", "resource_id")), which=st.integers(0, 1))
        def listing(self, limit: int | None, by: str | None, which: int) -> None:
            value = (TAGS if by == "tag" else RESOURCE_IDS)[which] if by else None
            params: dict[str, Any] = {"limit": limit} if limit else {"per_page": 100}
            if by:
                params[by] = value
            listed = self.collect("listLineItems", "/line_items", (AGS_LINEITEM,), params)
            ids = [last_id(li.get("id")) for li in listed if isinstance(li, dict)]
            index = {"tag": 0, "resource_id": 1}.get(by or "", -1)
            expected = {i for i, s in self.model.items() if s.alive and s.matches(by, value)}
            expected |= {i for i, known in self.baseline.items() if index < 0 or known[index] == value}
            if len(ids) != len(set(ids)) or set(ids) != expected:
                query = "&".join(f"{k}={v}" for k, v in params.items())
                self.diverged("listLineItems", f"a {'filtered ' if by else ''}{'paged ' if limit else ''}listing does "
                              f"not list each expected line item exactly once\nGET /line_items?{query} should list "
                              f"{sorted(expected)}, got {ids}", _Answer(200, json.dumps(listed)[:300]))

        def teardown(self) -> None:
            for item, state in self.model.items():
                if state.alive:
                    with contextlib.suppress(Exception):
                        ctx.target.request("DELETE", f"/api/lti/courses/{course}/line_items/{item}",
                                             headers=ctx.bearer(AGS_LINEITEM))

    return AgsMachine


@dataclass
class _Answer:
    """A stand-in answer for divergences found across several pages (no single response)."""

    status_code: int
    text: str


def _trace_line(response: Any, method: str, url: str) -> str:
    """The request as sent (method, URL, body) and the answer's status: what a seed must
    reproduce exactly."""
    request = getattr(response, "request", None)
    if request is None:
        return f"{method} {url} -> {response.status_code}"
    body = getattr(request, "body", None)
    if body is None:
        with contextlib.suppress(Exception):
            body = request.content
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    return f"{request.method} {request.url} {body or ''}".rstrip() + f" -> {response.status_code}"


def _close(actual: Any, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool):
        return False
    try:
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False



#: Operations the AGS model drives: it runs when the selection includes any of them.
AGS_OPERATIONS = frozenset({"createLineItem", "createScore", "listResults", "getResult", "getLineItem", "deleteLineItem",
                            "updateLineItem", "listLineItems"})
#: schemathesis's checks that only the links machine runs.
LINK_CHECKS = ("use_after_free", "ensure_resource_availability")


#: Operations that start chains (create), and the known-good body that makes a positive root case
#: succeed: a fuzzed body almost never creates a tool, link or registration, so chains would stop
#: at their first step (the stateless phase fuzzes these bodies already).
ROOT_BODIES: dict[str, Callable[[Recipes], Any]] = {
    "createLineItem": lambda _: {"label": "canvas-lti conform links", "scoreMaximum": 10},
    "createCourseExternalTool": lambda _: Recipes.lti11_tool(),
    "createAccountExternalTool": lambda _: Recipes.lti11_tool(),
    "createLtiResourceLink": lambda recipes: recipes.build("createLtiResourceLink")[0].body,
    "createLtiRegistration": lambda recipes: recipes.build("createLtiRegistration")[0].body,
    "createDataServiceSubscription": lambda recipes: recipes.build("createDataServiceSubscription")[0].body,
}


def _score_body(ctx: RunContext) -> dict[str, Any] | None:
    students = ctx.target.sandbox.student_ids
    return {"userId": students[0], "scoreGiven": 7.5, "scoreMaximum": 10, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": utc_now()} if students else None


#: Link targets whose positive case the link alone does not make succeed: the link brings the ids,
#: these the body no generator guesses (an enrolled student and a current timestamp, a binding's
#: state, a subscription's change), as :data:`ROOT_BODIES` do for the creates. Each operation's own
#: bodies are fuzzed by the stateless phase; a chain is here to go on past the step.
LINK_BODIES: dict[str, tuple[str, Callable[[RunContext], Any]]] = {
    "createScore": (SCORE_TYPE, _score_body),
    "bindLtiRegistration": ("application/json", lambda _: {"workflow_state": "on"}),
    "updateDataServiceSubscription": ("application/json", lambda _: {"subscription": {"EventTypes": ["asset_accessed"]}}),
}
#: Optional inputs that name another resource (a resource link): a generated one names none, and
#: Canvas answers 412. Link steps leave them out.
LINK_DROPS: dict[str, tuple[str, str]] = {
    "getLineItem": ("query", "resourceLinkId"),
    "updateLineItem": ("body", "resourceLinkId"),
}


def link_inputs(ctx: RunContext, case: Any) -> None:
    """A positive link-driven case gets :data:`LINK_BODIES`'s body and loses :data:`LINK_DROPS`'s input."""
    operation_id = case.operation.definition.raw.get("operationId")
    meta = getattr(case, "meta", None)
    if meta is not None and meta.generation.mode != GenerationMode.POSITIVE:
        return
    if operation_id in LINK_BODIES:
        media_type, make = LINK_BODIES[operation_id]
        body = make(ctx)
        if body is not None:
            case.body, case.media_type = body, media_type
    if operation_id in LINK_DROPS:
        where, name = LINK_DROPS[operation_id]
        container = case.query if where == "query" else case.body
        if isinstance(container, dict):
            container.pop(name, None)


def link_applied(step: Any) -> bool:
    """Whether a step followed its link: every value the link extracted was put into the request
    (schemathesis sometimes explores with a value of its own instead)."""
    wanted = {name for values in step.transition.parameters.values() for name in values}
    return bool(wanted) and wanted <= {name for _location, name in step.applied_parameters}


def root_body(ctx: RunContext, recipes: Recipes, case: Any) -> None:
    """Give a positive root case of a create operation its known-good body (when one can be made),
    as JSON: the same nested body sent as a form (the other media type these operations take) is
    not one (``configuration must be an object``)."""
    operation_id = case.operation.definition.raw.get("operationId")
    meta = getattr(case, "meta", None)
    positive = meta is None or meta.generation.mode == GenerationMode.POSITIVE
    if operation_id in ROOT_BODIES and positive:
        with contextlib.suppress(RecipeUnavailable, ScopesUnavailable):
            case.body = ROOT_BODIES[operation_id](recipes)
            case.media_type = LINE_ITEM_TYPE if operation_id == "createLineItem" else "application/json"


@dataclass(frozen=True)
class SpecLink:
    """One OpenAPI link of the spec: from an operation's answer with ``status`` to ``target``."""

    source: str
    status: str
    link: str
    target: str
    source_label: str
    target_label: str

    @property
    def name(self) -> str:
        """How the report names it (each source has at most one link to a target)."""
        return f"{self.source} -> {self.target}"

    @property
    def after_delete(self) -> bool:
        """The link reads what its source deleted (its promise is a 404)."""
        return self.source_label.startswith("DELETE ")

    @property
    def schemathesis_id(self) -> str:
        return transition_id(self.source_label, self.status, self.link, self.target_label)


def _label(op: dict[str, Any]) -> str:
    return f"{op['method'].upper()} {op['path']}"


def spec_links(raw: dict[str, Any]) -> list[SpecLink]:
    """Every OpenAPI link of the spec."""
    ops = {op["operationId"]: op for op in spec_operations(raw)}
    found = []
    for op in ops.values():
        for status, response in raw["paths"][op["path"]][op["method"].lower()].get("responses", {}).items():
            for name, link in (response.get("links") or {}).items() if isinstance(response, dict) else ():
                target = str(link.get("operationId"))
                found.append(SpecLink(op["operationId"], str(status), name, target, _label(op),
                                      _label(ops[target]) if target in ops else target))
    return found


def family_links(ctx: RunContext, family: set[str]) -> list[SpecLink]:
    """The spec's links between operations of ``family``."""
    return [link for link in spec_links(ctx.raw) if {link.source, link.target} <= family]


def linked_operations(ctx: RunContext) -> set[str]:
    """The selected operations the spec's OpenAPI links join (as a link's source or target)."""
    return {op for family in link_families(ctx) for op in family}


def link_families(ctx: RunContext) -> list[set[str]]:
    """The selected operations the spec's links join, in families: the connected parts of the
    link graph (operations as nodes, links between selected operations as edges)."""
    selected = {op["operationId"] for op in ctx.selected()}
    family: dict[str, set[str]] = {}
    for link in spec_links(ctx.raw):
        if {link.source, link.target} <= selected:
            joined = family.get(link.source, {link.source}) | family.get(link.target, {link.target})
            for op in joined:
                family[op] = joined
    unique = {id(members): members for members in family.values()}
    return sorted(unique.values(), key=sorted)


def run_stateful(ctx: RunContext) -> None:
    """The links machine (mock only) over the selected linked operations, then the AGS model."""
    selected = {op["operationId"] for op in ctx.selected()}
    linked = linked_operations(ctx)
    if linked and not ctx.target.is_mock:
        for operation in linked:
            ctx.result.stat(operation).uncovered.append(
                f"{', '.join(LINK_CHECKS)}: the links machine runs only against the mock (its cases are not confined "
                "to what the run owns)")
    elif linked:
        ctx.options.progress("  OpenAPI links (schemathesis state machine)")
        run_links(ctx)
        if not ctx.stopped:
            reset_mock(ctx)
    ags = AGS_OPERATIONS & selected
    if not ags:
        return
    if ctx.may_write() and not ctx.stopped:
        ctx.options.progress("  AGS reference model (hypothesis state machine)")
        profile = ctx.options.settings
        _run(ctx, make_ags_machine(ctx), AGS_ROW, _settings(profile.stateful_examples, profile.stateful_steps),
             ctx.options.seed)
        if ctx.result.stats[AGS_ROW].cases:
            for operation in ags:
                ctx.result.stat(operation).checks.add(MODEL_CHECK)
    elif not ctx.may_write():
        ctx.result.scenario(AGS_ROW, AGS_PHASE).skipped = "needs --allow-writes"
        for operation in ags:
            ctx.result.stat(operation).uncovered.append(f"{MODEL_CHECK}: needs --allow-writes")
