"""What ``canvas-lti drift --live`` sends: safe requests built from known-good ids.

Discovery first (each discovery request is also a checked request of its operation): the course's
line items and their results, the roster (NRPS), the account (and its root), account-level tools
and data-service subscriptions (LTI tokens), then external tools, resource links and LTI
registrations (Canvas API token). Then every GET of the spec, once or twice with known ids, plus
two safe error probes: an unknown id (-> 404) and, for secured operations, no token (-> 401).
With writes allowed, the AGS write flow follows: create a line item, read it, post a score, read
its results, delete it (always, also after a failure: budgets do not apply to clean-up).

Every request goes through :meth:`Target.request`, so the gate's read-only policy and budgets
apply; the only non-GET requests of a read-only run are the token requests.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance.auth import TokenError, TokenManager, required_scope_sets, wants_api_token
from conformance.drift.live import Exchange, LiveChecker, LiveResult, build_report
from conformance.safety import BudgetExhausted, WriteRefused

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
#: An id no sandbox has: the "unknown id" probe (numeric, so integer-typed parameters accept it).
UNKNOWN_ID = "987654321"
FIXTURE_LABEL = "canvas-lti drift fixture"
#: Operations documented without ``security`` that Canvas authorises with the API token.
API_TOKEN_OPERATIONS = frozenset({"getRegistrationToken"})
#: OIDC launch endpoints: only a launch can reach them legitimately; probed without parameters.
LAUNCH_OPERATIONS = frozenset({"authorizeRedirect", "authorizeLaunch"})
_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass
class Pools:
    """Known-good ids found by discovery (strings: they go into paths)."""

    line_items: list[str] = field(default_factory=list)
    results: list[tuple[str, str]] = field(default_factory=list)  # (line item, result)
    students: list[str] = field(default_factory=list)
    root_account: str | None = None
    course_tools: list[str] = field(default_factory=list)
    account_tools: list[str] = field(default_factory=list)
    lti_account_tools: list[str] = field(default_factory=list)
    resource_links: list[str] = field(default_factory=list)
    registrations: list[str] = field(default_factory=list)
    developer_keys: list[str] = field(default_factory=list)
    deployments: list[tuple[str, str]] = field(default_factory=list)  # (registration, tool)
    subscriptions: list[str] = field(default_factory=list)
    registration_token: str | None = None


def _add(pool: list[Any], value: Any) -> None:
    if value is not None and value != "" and value not in pool:
        pool.append(value)


def _last_segment(url: Any) -> str | None:
    text = str(url or "").rstrip("/")
    tail = text.rsplit("/", 1)[-1]
    return tail or None


def _ids(body: Any) -> list[str]:
    return [str(i["id"]) for i in body if isinstance(i, dict) and i.get("id") is not None] if isinstance(body, list) else []


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Stop(Exception):
    """The budget is spent: stop sending, report what was seen."""


class LivePlan:
    """One live run against one target."""

    def __init__(self, target: Any, spec: dict[str, Any], checker: LiveChecker, *, allow_writes: bool = False,
                 progress: Callable[[str], None] = lambda _m: None) -> None:
        self.target = target
        self.spec = spec
        self.checker = checker
        self.allow_writes = allow_writes
        self.progress = progress
        self.tokens = TokenManager(target.creds, target.post_token)
        self.pools = Pools()
        self.notes: list[str] = []
        self.done: set[str] = set()  # operations with at least one checked positive request
        self.sent: set[tuple[str, str, str]] = set()  # (method, path?query, auth): each request once
        self.ops: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for path, item in (spec.get("paths") or {}).items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    self.ops[op["operationId"]] = (method.upper(), path, op)

    # -- sending -----------------------------------------------------------------------------------

    def auth_headers(self, operation_id: str) -> dict[str, str] | None:
        """The Authorization the operation needs ({} = none needed; None = none available)."""
        _method, _path, definition = self.ops[operation_id]
        alternatives = required_scope_sets(definition, self.spec)
        if alternatives:
            scopes = self.tokens.choose_scopes(alternatives)
            if scopes is not None:
                return {"Authorization": f"Bearer {self.tokens.token(scopes)}"}
        if wants_api_token(definition, self.spec) or operation_id in API_TOKEN_OPERATIONS:
            token = self.target.api_token
            return {"Authorization": f"Bearer {token}"} if token else None
        return None if alternatives else {}

    def secured(self, operation_id: str) -> bool:
        _method, _path, definition = self.ops[operation_id]
        security = definition.get("security", self.spec.get("security", []))
        return any(requirement for requirement in security) or operation_id in API_TOKEN_OPERATIONS

    def send(self, operation_id: str, values: dict[str, str], *, params: dict[str, Any] | None = None, purpose: str = "request",
             auth: bool = True, body: Any = None, content_type: str | None = None) -> Exchange | None:
        """Send one request of ``operation_id`` and check its answer (None: not sent)."""
        method, template, _definition = self.ops[operation_id]
        path = _PARAM.sub(lambda m: str(values.get(m.group(1), UNKNOWN_ID)), template)
        key = (method, path + "?" + json.dumps(params or {}, sort_keys=True), str(auth))
        if key in self.sent:
            return None
        self.sent.add(key)
        headers: dict[str, str] = {}
        if auth:
            try:
                found = self.auth_headers(operation_id)
            except TokenError as exc:
                self.notes.append(f"{operation_id}: {exc}")
                return None
            if found is None:
                self.notes.append(f"{operation_id}: no credentials for it (LTI scopes not granted or no --api-token); only probed")
                return None
            headers.update(found)
        kwargs: dict[str, Any] = {"headers": headers}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["data"] = json.dumps(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        kwargs["allow_redirects"] = False
        try:
            response = self.target.request(method, path, **kwargs)
        except BudgetExhausted as exc:
            raise Stop(str(exc)) from exc
        except WriteRefused as exc:
            self.notes.append(f"{operation_id}: refused by the write policy: {exc}")
            return None
        except Exception as exc:  # a transport failure is a note, not drift
            self.notes.append(f"{operation_id}: {method} {path} failed: {type(exc).__name__}: {exc}")
            return None
        exchange = _exchange(operation_id, method, template, path, response, purpose)
        self.checker.check(exchange)
        if purpose == "request" and auth:
            self.done.add(operation_id)
        if 200 <= exchange.status < 300:
            with contextlib.suppress(Exception):
                self.mine(operation_id, values, exchange.body)
        return exchange

    # -- discovery ---------------------------------------------------------------------------------

    def mine(self, operation_id: str, values: dict[str, str], body: Any) -> None:
        pools = self.pools
        if operation_id == "listLineItems":
            for item in body:
                _add(pools.line_items, _last_segment(item.get("id")))
        elif operation_id == "listResults":
            for result in body:
                _add(pools.results, (values["line_item_id"], _last_segment(result.get("id"))))
        elif operation_id == "listCourseMemberships":
            for member in body.get("members", []):
                if LEARNER in member.get("roles", []):
                    _add(pools.students, str(member.get("user_id")))
        elif operation_id == "getLtiAccountLookup" and body.get("root_account_id") is not None:
            pools.root_account = str(body["root_account_id"])
        elif operation_id == "listLtiAccountExternalTools":
            pools.lti_account_tools += [i for i in _ids(body) if i not in pools.lti_account_tools]
        elif operation_id == "listDataServiceSubscriptions":
            for sub in body:
                _add(pools.subscriptions, str(sub["Id"]) if sub.get("Id") else None)
        elif operation_id == "listCourseExternalTools":
            pools.course_tools += [i for i in _ids(body) if i not in pools.course_tools]
        elif operation_id == "listAccountExternalTools":
            pools.account_tools += [i for i in _ids(body) if i not in pools.account_tools]
        elif operation_id == "listLtiResourceLinks":
            pools.resource_links += [i for i in _ids(body) if i not in pools.resource_links]
        elif operation_id == "listLtiRegistrations":
            registrations = body.get("data", []) if isinstance(body, dict) else []
            pools.registrations += [i for i in _ids(registrations) if i not in pools.registrations]
            for registration in registrations:
                _add(pools.developer_keys, str(registration.get("developer_key_id") or "") or None)
        elif operation_id == "getRegistrationToken" and isinstance(body.get("token"), str):
            pools.registration_token = body["token"]

    def account(self) -> str | None:
        account = self.target.sandbox.account_id
        return str(account) if account is not None else None

    def root(self) -> str | None:
        known = getattr(self.target.sandbox, "root_account_id", None)
        return self.pools.root_account or (str(known) if known is not None else None) or self.account()

    def discover(self) -> None:
        sandbox, pools = self.target.sandbox, self.pools
        course = {"course_id": str(sandbox.course_id)}
        pools.students = [str(s) for s in sandbox.student_ids]
        self.send("listLineItems", course)
        for item in pools.line_items[:3]:
            self.send("listResults", {**course, "line_item_id": item})
        self.send("listCourseMemberships", course)
        account = self.account()
        if account:
            self.send("getLtiAccountLookup", {"account_id": account})
            self.send("listLtiAccountExternalTools", {"account_id": account})
            self.send("listDataServiceSubscriptions", {"account_id": account})
            self.send("listAccountExternalTools", {"account_id": account})
        self.send("listCourseExternalTools", course)
        self.send("listCourseExternalTools", course, params={"include_parents": "true"})
        self.send("listLtiResourceLinks", course)
        if self.root():
            self.send("listLtiRegistrations", {"account_id": str(self.root())})
            self.send("getRegistrationToken", {"account_id": str(self.root())})
        if not pools.deployments and pools.registrations:
            # A deployment of a registration: an account tool made from the registration's developer key.
            listed = [ex for ex, _ in self.checker.observations if ex.operation_id == "listCourseExternalTools" and ex.status == 200]
            tools = [t for ex in listed if isinstance(ex.body, list) for t in ex.body if isinstance(t, dict)]
            registrations = self._registrations_by_key()
            for tool in tools:
                registration = registrations.get(str(tool.get("developer_key_id")))
                if registration and tool.get("id") is not None:
                    _add(pools.deployments, (registration, str(tool["id"])))

    def _registrations_by_key(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for ex, _ in self.checker.observations:
            if ex.operation_id == "listLtiRegistrations" and ex.status == 200 and isinstance(ex.body, dict):
                for registration in ex.body.get("data", []):
                    if isinstance(registration, dict) and registration.get("id") is not None:
                        found[str(registration.get("developer_key_id"))] = str(registration["id"])
        return found

    # -- the GET sweep -----------------------------------------------------------------------------

    def bindings(self, operation_id: str) -> list[dict[str, str]]:
        """Up to two sets of known-good path parameter values ([] = some id is unknown)."""
        _method, path, _definition = self.ops[operation_id]
        names = _PARAM.findall(path)
        pools, sandbox = self.pools, self.target.sandbox
        base: dict[str, str] = {}
        choices: list[dict[str, str]] = [{}]
        registrations_path = "/lti_registration" in path
        for name in names:
            value: str | None = None
            if name == "course_id":
                value = str(sandbox.course_id)
            elif name == "account_id":
                value = self.root() if registrations_path else self.account()
            elif name == "group_id":
                value = str(sandbox.group_ids[0]) if sandbox.group_ids else None
            elif name == "line_item_id" and "result_id" in names:
                choices = [{"line_item_id": li, "result_id": r} for li, r in pools.results[:2]]
                continue
            elif name == "line_item_id":
                choices = [{"line_item_id": li} for li in pools.line_items[:2]]
                continue
            elif name == "result_id":
                continue
            elif name == "external_tool_id":
                pool = (pools.lti_account_tools if path.startswith("/api/lti/accounts/")
                        else pools.account_tools if path.startswith("/api/v1/accounts/") else pools.course_tools)
                value = pool[0] if pool else None
            elif name == "id":
                pool = pools.registrations if registrations_path else pools.resource_links
                value = pool[0] if pool else None
            elif name in ("client_id", "developer_key_id"):
                value = pools.developer_keys[0] if pools.developer_keys else None
            elif name in ("registration_id", "deployment_id"):
                if pools.deployments:
                    base["registration_id"], base["deployment_id"] = pools.deployments[0]
                continue
            elif name == "subscription_id":
                value = pools.subscriptions[0] if pools.subscriptions else None
            if value is None:
                return []
            base[name] = value
        if any(name not in base and not any(name in c for c in choices) for name in names):
            return []
        return [{**base, **choice} for choice in choices if choice or not {"line_item_id", "result_id"} & set(names)]

    def query(self, operation_id: str, values: dict[str, str]) -> dict[str, str] | None:
        """Query parameters a positive request needs (None: cannot build one)."""
        if operation_id == "getCourseSessionlessLaunch":
            return {"id": self.pools.course_tools[0]} if self.pools.course_tools else None
        if operation_id == "getAccountSessionlessLaunch":
            return {"id": self.pools.account_tools[0]} if self.pools.account_tools else None
        if operation_id == "getOpenIdConfiguration" and self.pools.registration_token:
            return {"registration_token": self.pools.registration_token}
        return {}

    def sweep(self) -> None:
        for operation_id, (method, path, definition) in self.ops.items():
            if method != "GET" or (definition.get("x-mock-only") and not self.target.is_mock):
                continue
            if operation_id in LAUNCH_OPERATIONS:
                self.send(operation_id, {}, purpose="probe: no parameters", auth=False)
                continue
            bound = self.bindings(operation_id)
            if operation_id not in self.done:
                for values in bound:
                    params = self.query(operation_id, values)
                    if params is None:
                        self.notes.append(f"{operation_id}: no known id for its query; only probed")
                        break
                    self.send(operation_id, values, params=params or None)
                if not bound and _PARAM.search(path):
                    self.notes.append(f"{operation_id}: no known ids for {path}; only probed")
            names = _PARAM.findall(path)
            known = bound[0] if bound else {}
            if names:
                unknown = {**known, names[-1]: UNKNOWN_ID}
                self.send(operation_id, unknown, purpose="probe: unknown id")
            if operation_id == "getOpenIdConfiguration":
                self.send(operation_id, {}, purpose="probe: no token", auth=False)
            if self.secured(operation_id):
                self.send(operation_id, known, params=self.query(operation_id, known) or None, purpose="probe: no token", auth=False)

    # -- AGS write flow ----------------------------------------------------------------------------

    def write_flow(self) -> None:
        course = {"course_id": str(self.target.sandbox.course_id)}
        created: str | None = None
        try:
            exchange = self.send("createLineItem", course, purpose="write flow",
                                 body={"label": FIXTURE_LABEL, "scoreMaximum": 10, "tag": "canvas-lti-drift"},
                                 content_type="application/vnd.ims.lis.v2.lineitem+json")
            if exchange is None or exchange.status != 201 or not isinstance(exchange.body, dict):
                self.notes.append("write flow: could not create a line item")
                return
            created = _last_segment(exchange.body.get("id"))
            if created is None or not created.isdigit():
                return
            self.target.gate.owned.add(int(created))
            item = {**course, "line_item_id": created}
            self.send("getLineItem", item, purpose="write flow")
            if self.pools.students:
                self.send("createScore", item, purpose="write flow",
                          body={"userId": self.pools.students[0], "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed",
                                "gradingProgress": "FullyGraded", "timestamp": _now()},
                          content_type="application/vnd.ims.lis.v1.score+json")
            else:
                self.notes.append("write flow: no enrolled student known; no score posted")
            results = self.send("listResults", item, purpose="write flow")
            if results is not None and results.status == 200 and isinstance(results.body, list) and results.body:
                result = _last_segment(results.body[0].get("id"))
                if result:
                    self.send("getResult", {**item, "result_id": result}, purpose="write flow")
        finally:
            if created is not None:
                self.target.gate.cleanup_mode()
                response = self.send("deleteLineItem", {**course, "line_item_id": created}, purpose="write flow: clean-up")
                if response is None or response.status not in (204, 404):
                    self.notes.append(f"write flow: could not delete line item {created} "
                                      f"({response.status if response is not None else 'not sent'})")

    @contextlib.contextmanager
    def stoppable(self) -> Iterator[None]:
        try:
            yield
        except Stop as exc:
            self.notes.append(f"stopped early: {exc}")


def _exchange(operation_id: str, method: str, template: str, path: str, response: Any, purpose: str) -> Exchange:
    headers: dict[str, str] = {}
    for name, value in response.headers.items():
        lowered = name.lower()
        headers[lowered] = f"{headers[lowered]}, {value}" if lowered in headers else value
    raw_type = headers.get("content-type")
    media = raw_type.split(";")[0].strip().lower() if raw_type else None
    text = response.text
    body: Any = text if text else None
    if text and media and ("json" in media):
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return Exchange(operation_id=operation_id, method=method, path_template=template, status=response.status_code,
                    headers=headers, body=body, media_type=media, purpose=purpose, url=path)


def run_live(target: Any, spec: dict[str, Any], *, allow_writes: bool = False, spec_label: str = "spec",
             ignore: Any = (), progress: Callable[[str], None] = lambda _m: None) -> LiveResult:
    """Send the plan's requests to ``target``, compare every answer with ``spec``, and report."""
    started = time.monotonic()
    checker = LiveChecker(spec)
    plan = LivePlan(target, spec, checker, allow_writes=allow_writes, progress=progress)
    target.gate.start()
    with plan.stoppable():
        plan.discover()
        plan.sweep()
    if allow_writes:
        with plan.stoppable():
            plan.write_flow()
    label = target.base_url + (" (mock)" if target.is_mock else "")
    report, aggregates = build_report(checker, spec_label=spec_label, target_label=label, ignore=ignore)
    return LiveResult(report=report, aggregates=aggregates, exchanges=[ex for ex, _ in checker.observations],
                      notes=list(dict.fromkeys(plan.notes)), requests_sent=target.gate.sent, duration=time.monotonic() - started)
