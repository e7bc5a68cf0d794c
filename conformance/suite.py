"""The conformance suite: stateless property-based checks per operation, then stateful runs.

One entry point, :func:`run_suite`, used by the CLI and by pytest alike. Cases come from
schemathesis strategies (positive and negative) driven by Hypothesis; each is steered to the
sandbox (course, the tool's line items, enrolled students) unless the very parameter is the one
being negated, sent through the target's gate, and judged by every check. Failures are recorded
rather than raised, so one run reports everything and never shrinks (shrinking costs requests).
"""

from __future__ import annotations

import contextlib
import functools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.meta import negated_parameters

from mockserver.spec import load_spec

from . import checks as checks_module
from .auth import (
    ASSERTION_TYPE,
    TokenError,
    TokenManager,
    client_assertion,
    make_auth_provider,
    required_scope_sets,
)
from .curl import FORGED_TOKEN, curl_for_response
from .recipes import Recipes, RecipeUnavailable, utc_now
from .report import NOT_RUN, Finding, RunResult
from .safety import BudgetExhausted, RunStopped, WriteRefused
from .targets import Target, spec_operations

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_RO = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
FIXTURE_LABEL = "canvas-lti conform fixture"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
ACCOUNT_LOOKUP = "https://canvas.instructure.com/lti/account_lookup/scope/show"
ACCOUNT_TOOLS_LIST = "https://canvas.instructure.com/lti/account_external_tools/scope/list"
DATA_SERVICES_LIST = "https://canvas.instructure.com/lti/data_services/scope/list"
DATA_SERVICES_CREATE = "https://canvas.instructure.com/lti/data_services/scope/create"


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    stateful_examples: int
    stateful_steps: int


PROFILES = {
    "ci": Profile("ci", max_examples=25, stateful_examples=15, stateful_steps=12),
    "deep": Profile("deep", max_examples=100, stateful_examples=60, stateful_steps=30),
}


@dataclass
class SuiteOptions:
    profile: str = "ci"
    max_examples: int | None = None
    seed: int | None = None
    include_tags: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    stateful: bool = True
    #: Run the semantic checks (conformance/semantics): meaning, not only shape.
    semantic: bool = True
    progress: Callable[[str], None] = lambda _message: None

    def __post_init__(self) -> None:
        # An unseeded run draws its own seed, so every report names one that reproduces it (and
        # Hypothesis's CI profile, which derandomizes unseeded tests, cannot pin every run to one).
        if self.seed is None:
            self.seed = random.randrange(2**31)

    @property
    def settings(self) -> Profile:
        return PROFILES[self.profile]

    @property
    def examples(self) -> int:
        return self.max_examples if self.max_examples is not None else self.settings.max_examples


@dataclass
class Pools:
    """Known-good ids in the sandbox: what generated cases are steered to."""

    line_items: list[int] = field(default_factory=list)  # readable (pre-existing or ours)
    results: list[int] = field(default_factory=list)
    # REST and account-level LTI resources (read with the Canvas API token or LTI tokens).
    course_tools: list[int] = field(default_factory=list)  # installed in the sandbox course itself
    account_tools: list[int] = field(default_factory=list)  # installed in the sandbox account itself
    lti_account_tools: list[int] = field(default_factory=list)  # of the sandbox account and above (LTI token)
    tool_urls: list[str] = field(default_factory=list)  # launch URLs of LTI 1.3 tools reachable from the course
    resource_links: list[tuple[str, ...]] = field(default_factory=list)  # each link's id forms
    registrations: list[int] = field(default_factory=list)  # of the root account
    developer_keys: list[str] = field(default_factory=list)  # client ids (= developer key ids) of those
    deployments: list[tuple[int, int]] = field(default_factory=list)  # (registration id, tool id of its key)
    subscriptions: list[str] = field(default_factory=list)  # the tool's data-service subscriptions

    def forget_link(self, raw: Any) -> None:
        self.resource_links = [forms for forms in self.resource_links if str(raw) not in forms]

    def add_link(self, link: Any) -> None:
        if not isinstance(link, dict) or link.get("id") is None:
            return
        uuids = [f"{prefix}:{link[prefix]}" for prefix in ("lookup_uuid", "resource_link_uuid") if link.get(prefix)]
        forms = (str(link["id"]), *uuids)
        if not any(forms[0] == known[0] for known in self.resource_links):
            self.resource_links.append(forms)


#: LTI Registrations answer only on a root account (a sub-account is 404).
REGISTRATION_PATH = "/lti_registrations"
#: Steering draws an index in ``0..POOL_INDEX_MAX`` and takes it modulo the pool's size.
POOL_INDEX_MAX = 1023


class Suite:
    """One run against one target."""

    def __init__(self, target: Target, options: SuiteOptions) -> None:
        self.target = target
        self.options = options
        self.raw = load_spec()
        self.result = RunResult(target=target.base_url + (" (mock)" if target.is_mock else ""),
                                profile=options.profile, seed=options.seed)
        self.tokens = TokenManager(target.creds, target.post_token)
        self.schema = self._schema()
        self.checks = checks_module.all_checks()
        self.pools = Pools()
        self.created: list[int] = []
        self.stopped: str | None = None
        self.auth_probed: set[str] = set()
        #: Every request of the AGS model, as sent (method, URL, body): a seed reproduces it exactly.
        self.ags_trace: list[str] = []
        self.ops_by_id = {op["operationId"]: op for op in spec_operations(self.raw)}
        self.recipes = Recipes(self)

    # -- set-up ---------------------------------------------------------------------------------

    def _schema(self) -> Any:
        schema = schemathesis.openapi.from_dict(self.raw, config=schemathesis.Config())
        schema.config.update(base_url=self.target.base_url)
        schema.auth(refresh_interval=None)(make_auth_provider(self.tokens, self.raw, lambda: self.target.api_token))
        return schema

    def transport_kwargs(self) -> dict[str, Any]:
        """Every case goes through the target's gated session, in-process or over HTTP alike."""
        return {"session": self.target.session, "base_url": self.target.base_url}

    def bearer(self, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.token(scopes)}"}

    @property
    def course(self) -> int:
        return self.target.sandbox.course_id

    def may_write(self) -> bool:
        return self.target.gate.allow_writes

    def selected(self) -> list[dict[str, Any]]:
        chosen = []
        for op in spec_operations(self.raw):
            if self.options.operations and op["operationId"] not in self.options.operations:
                continue
            if self.options.include_tags and not set(op["tags"]) & set(self.options.include_tags):
                continue
            chosen.append(op)
        # Mock control operations reset or replace the world: run them last.
        return sorted(chosen, key=lambda op: op["mock_only"])

    def create_line_item(self, label: str = FIXTURE_LABEL) -> int | None:
        """A line item owned by this run (registered for clean-up before it is even used)."""
        response = self.target.request(
            "POST", f"/api/lti/courses/{self.course}/line_items",
            json={"label": label, "scoreMaximum": 10, "tag": "canvas-lti-conform"},
            headers={**self.bearer(AGS_LINEITEM), "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"})
        if response.status_code != 201:
            self.result.notes.append(f"could not create a fixture line item: {response.status_code} {response.text[:200]}")
            return None
        return self.own(response.json().get("id"))

    def own(self, url: Any) -> int | None:
        try:
            item = int(str(url).rstrip("/").rsplit("/", 1)[-1])
        except ValueError:
            return None
        self.target.gate.owned.add(item)
        if item not in self.created:
            self.created.append(item)
        if item not in self.pools.line_items:
            self.pools.line_items.append(item)
        return item

    def forget(self, item: Any) -> None:
        """A deleted line item leaves the pools (it stays in ``created``: clean-up tolerates 404)."""
        with contextlib.suppress(ValueError, TypeError):
            self.pools.line_items = [i for i in self.pools.line_items if i != int(item)]

    def ensure_fixtures(self, count: int) -> None:
        owned = [i for i in self.pools.line_items if i in self.target.gate.owned]
        for _ in range(count - len(owned)):
            with self._tolerant("fixture creation"):
                self.create_line_item()

    def discover(self) -> None:
        """Fill the pools with reads (and, when allowed, one fixture line item with a score)."""
        with self._tolerant("discovery"):
            response = self.target.request("GET", f"/api/lti/courses/{self.course}/line_items",
                                           params={"per_page": 100}, headers=self.bearer(AGS_LINEITEM_RO))
            if response.status_code == 200:
                self.pools.line_items += [i for i in (_last_id(li.get("id")) for li in response.json()) if i]
        sandbox = self.target.sandbox
        if not sandbox.student_ids:
            with self._tolerant("student discovery"):
                response = self.target.request("GET", f"/api/lti/courses/{self.course}/names_and_roles",
                                               headers=self.bearer(NRPS))
                if response.status_code == 200:
                    sandbox.student_ids = [m["user_id"] for m in response.json().get("members", [])
                                           if LEARNER in m.get("roles", [])]
        if self.may_write():
            with self._tolerant("fixture creation"):
                item = self.create_line_item()
                if item is not None and sandbox.student_ids:
                    self.post_score(item, sandbox.student_ids[0], 5)
        with self._tolerant("result discovery"):
            for item in self.pools.line_items[:5]:
                response = self.target.request(
                    "GET", f"/api/lti/courses/{self.course}/line_items/{item}/results", headers=self.bearer(AGS_RESULT))
                if response.status_code == 200:
                    self.pools.results += [i for i in (_last_id(r.get("id")) for r in response.json()) if i]
        self.discover_account_services()  # first: it finds the root account registrations live in
        self.discover_rest()

    # -- discovery of REST and account-level resources (GETs only) -------------------------------

    def _get(self, what: str, path: str, headers: dict[str, str], **params: Any) -> Any:
        """The JSON body of a successful GET (None otherwise); failures become notes."""
        with self._tolerant(what):
            response = self.target.request("GET", path, params=params or None, headers=headers)
            if response.status_code == 200:
                return response.json()
        return None

    def granted(self, scope: str) -> bool:
        return self.tokens.choose_scopes([(scope,)]) is not None

    def api_headers(self) -> dict[str, str] | None:
        token = self.target.api_token
        return {"Authorization": f"Bearer {token}"} if token else None

    def discover_rest(self) -> None:
        """External tools, resource links and registrations, read with the Canvas API token."""
        headers, pools, sandbox = self.api_headers(), self.pools, self.target.sandbox
        if headers is None:
            return
        tools = self._get("course tool discovery", f"/api/v1/courses/{self.course}/external_tools", headers, per_page=100)
        pools.course_tools = _ids(tools)
        reachable = self._get("tool discovery", f"/api/v1/courses/{self.course}/external_tools", headers,
                              per_page=100, include_parents="true")
        for tool in reachable if isinstance(reachable, list) else []:
            if isinstance(tool, dict) and tool.get("developer_key_id") and isinstance(tool.get("url"), str):
                pools.tool_urls.append(tool["url"])
        account_tools = None
        if sandbox.account_id:
            account_tools = self._get("account tool discovery",
                                      f"/api/v1/accounts/{sandbox.account_id}/external_tools", headers, per_page=100)
            pools.account_tools = _ids(account_tools)
        links = self._get("resource link discovery", f"/api/v1/courses/{self.course}/lti_resource_links",
                          headers, per_page=100)
        for link in links if isinstance(links, list) else []:
            pools.add_link(link)
        root = sandbox.root_account_id or sandbox.account_id
        if root:
            listed = self._get("registration discovery", f"/api/v1/accounts/{root}/lti_registrations", headers,
                               per_page=100)
            registrations = listed.get("data", []) if isinstance(listed, dict) else []
            pools.registrations = _ids(registrations)
            pools.developer_keys = [str(r["developer_key_id"]) for r in registrations
                                    if isinstance(r, dict) and r.get("developer_key_id")]
            by_key = {str(r.get("developer_key_id")): r["id"] for r in registrations
                      if isinstance(r, dict) and isinstance(r.get("id"), int)}
            every = [*(reachable if isinstance(reachable, list) else []),
                     *(account_tools if isinstance(account_tools, list) else [])]
            for tool in every:
                if not isinstance(tool, dict):
                    continue
                pair = (by_key.get(str(tool.get("developer_key_id"))), tool.get("id"))
                if isinstance(pair[0], int) and isinstance(pair[1], int) and pair not in pools.deployments:
                    pools.deployments.append((pair[0], pair[1]))

    def discover_account_services(self) -> None:
        """Account-level LTI services (the tool's own LTI tokens): root account, tools, subscriptions."""
        sandbox, pools = self.target.sandbox, self.pools
        if not sandbox.account_id:
            return
        base = f"/api/lti/accounts/{sandbox.account_id}"
        if sandbox.root_account_id is None and self.granted(ACCOUNT_LOOKUP):
            account = self._get("account lookup", base, self.bearer(ACCOUNT_LOOKUP))
            if isinstance(account, dict):
                root = account.get("root_account_id")
                sandbox.root_account_id = root if isinstance(root, int) else sandbox.account_id
        if self.granted(ACCOUNT_TOOLS_LIST):
            pools.lti_account_tools = _ids(self._get("LTI account tool discovery", f"{base}/external_tools",
                                                     self.bearer(ACCOUNT_TOOLS_LIST), per_page=100))
        if self.granted(DATA_SERVICES_LIST):
            subscriptions = self._get("subscription discovery", f"{base}/data_services", self.bearer(DATA_SERVICES_LIST))
            pools.subscriptions = [str(s["Id"]) for s in subscriptions or [] if isinstance(s, dict) and s.get("Id")]

    def ensure_rest_fixtures(self, op: dict[str, Any]) -> None:
        """On the mock only: rich-content resource links and data-service subscriptions for the
        operations that read, change or delete one (nothing pre-exists of the latter)."""
        if not self.target.is_mock or not self.may_write():
            return
        wanted = 3 if op["method"] == "DELETE" else 1
        if "{subscription_id}" in op["path"] and self.granted(DATA_SERVICES_CREATE):
            for _ in range(wanted - len(self.pools.subscriptions)):
                with self._tolerant("subscription fixture"):
                    self.create_subscription()
        if "/lti_resource_links/{id}" in op["path"] and self.pools.tool_urls and self.target.api_token:
            for _ in range(wanted - len(self.pools.resource_links)):
                with self._tolerant("resource link fixture"):
                    response = self.target.request(
                        "POST", f"/api/v1/courses/{self.course}/lti_resource_links",
                        json={"url": self.pools.tool_urls[0], "title": FIXTURE_LABEL}, headers=self.api_headers())
                    if response.status_code == 201:
                        self.pools.add_link(response.json())

    def create_subscription(self) -> None:
        account = self.target.sandbox.account_id
        body = {"subscription": {"ContextId": str(account), "ContextType": "account", "EventTypes": ["asset_accessed"],
                                 "Format": "live-event", "TransportType": "https",
                                 "TransportMetadata": {"Url": "https://example.com/live-events"}}}
        response = self.target.request("POST", f"/api/lti/accounts/{account}/data_services", json=body,
                                       headers=self.bearer(DATA_SERVICES_CREATE))
        if response.status_code == 200 and response.json().get("Id"):
            self.pools.subscriptions.append(str(response.json()["Id"]))

    def token_form(self, data: Any) -> dict[str, str]:
        """A genuine client-credentials form for some of the tool's scopes."""
        granted = sorted(self.tokens.creds.scopes) or ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]
        scopes = data.draw(st.lists(st.sampled_from(granted), min_size=1, unique=True), label="scopes")
        return {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(self.tokens.creds), "scope": " ".join(scopes)}

    def post_score(self, item: int, user_id: str, given: float, when: str | None = None) -> Any:
        body = {"userId": user_id, "scoreGiven": given, "scoreMaximum": 10, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": when or utc_now()}
        return self.target.request(
            "POST", f"/api/lti/courses/{self.course}/line_items/{item}/scores", json=body,
            headers={**self.bearer(AGS_SCORE), "Content-Type": "application/vnd.ims.lis.v1.score+json"})

    @contextlib.contextmanager
    def _tolerant(self, what: str) -> Iterator[None]:
        try:
            yield
        except (BudgetExhausted, KeyboardInterrupt):
            raise
        except Exception as exc:  # discovery is best-effort; the checks will say what is wrong
            self.result.notes.append(f"{what} failed: {type(exc).__name__}: {exc}")

    # -- stateless ------------------------------------------------------------------------------

    def skip_reason(self, op: dict[str, Any]) -> str | None:
        if op["mock_only"] and not self.target.is_mock:
            return "mock-only operation (target is not the mock)"
        if op["method"] not in READ_METHODS and not self.may_write():
            return "write operation (read-only run; pass --allow-writes)"
        definition = self.raw["paths"][op["path"]][op["method"].lower()]
        alternatives = required_scope_sets(definition, self.raw)
        if alternatives and self.tokens.choose_scopes(alternatives) is None:
            return "the sandbox tool is not granted the scopes it needs: " + " | ".join(" ".join(a) for a in alternatives)
        return None

    def run_stateless(self) -> None:
        for op in self.selected():
            stat = self.result.stat(op["operationId"])
            reason = self.skip_reason(op)
            if reason:
                stat.skipped = reason
                continue
            if self.stopped:
                stat.skipped = f"{NOT_RUN} {self.stopped}"
                continue
            operation = self.schema[op["path"]][op["method"]]
            started = time.monotonic()
            for mode in self.options.modes:
                if op["method"] not in READ_METHODS and op["operationId"] != "createLineItem":
                    self.ensure_fixtures(3 if op["operationId"] == "deleteLineItem" else 1)
                self.ensure_rest_fixtures(op)
                self._run_operation(op, operation, mode)
            with self._tolerant(f"{op['operationId']} known-good request"):
                self.run_recipes(op, operation)
            self.options.progress(
                f"  {op['operationId']:<24} {stat.cases:>4} cases  "
                f"{sum(f.count for f in self.result.failures_for(op['operationId'])):>3} failures  "
                f"{time.monotonic() - started:5.1f}s")
            if op["operationId"] in ("resetMock", "putMockState") or (self.target.is_mock and revokes_credentials(op)):
                self._reset_mock()

    def _reset_mock(self) -> None:
        with self._tolerant("mock reset"):
            self.target.request("POST", "/__mock__/reset")
        self.pools = Pools()
        self.target.gate.owned.clear()
        self.created.clear()
        self.discover()

    def _run_operation(self, op: dict[str, Any], operation: Any, mode: GenerationMode) -> None:
        suite = self

        @settings(max_examples=self.options.examples, database=None, deadline=None,
                  phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck), print_blob=False,
                  verbosity=hypothesis.Verbosity.quiet)
        @hypothesis.given(case=operation.as_strategy(mode), data=st.data())
        def generated(case: Any, data: Any) -> None:
            suite.halt_if_stopped()
            if not suite.steer(op, case, mode, data):
                return
            failed = suite.execute(op["operationId"], case)
            suite.halt_if_stopped()
            if failed:
                # Recorded already; raising lets Hypothesis shrink the example (one kind of
                # failure per check), and the report keeps the shortest reproduction.
                raise check_failure(failed[0])(f"{', '.join(failed)} failed on {op['operationId']}")

        generated = hypothesis.seed(self.options.seed)(generated)
        try:
            generated()
        except (hypothesis.errors.Unsatisfiable, RunStopped):
            pass
        except CheckFailed:
            pass  # every failure was recorded when it happened
        except hypothesis.errors.Flaky as exc:
            self.result.notes.append(f"{op['operationId']}: a failure did not reproduce while shrinking "
                                     f"({type(exc).__name__})")
        except ExceptionGroup as group:  # several kinds of failure, each shrunk
            if not all(isinstance(e, CheckFailed) for e in group.exceptions):
                raise

    def scopes_for(self, operation_id: str) -> tuple[str, ...]:
        """The LTI scopes the suite's tool would ask for to call ``operation_id``."""
        op = self.ops_by_id[operation_id]
        definition = self.raw["paths"][op["path"]][op["method"].lower()]
        scopes = self.tokens.choose_scopes(required_scope_sets(definition, self.raw))
        if scopes is None:
            raise RecipeUnavailable("the tool is not granted the scopes")
        return scopes

    def run_recipes(self, op: dict[str, Any], operation: Any) -> None:
        """Send the operation's known-good requests (:mod:`.recipes`) as cases, through every check."""
        if op["operationId"] not in self.recipes or self.stopped:
            return
        try:
            known = self.recipes.build(op["operationId"])
        except RecipeUnavailable as exc:
            self.result.notes.append(f"{op['operationId']}: no known-good request ({exc})")
            return
        except (BudgetExhausted, WriteRefused) as exc:
            self.stopped = str(exc) if isinstance(exc, BudgetExhausted) else self.stopped
            return
        for good in known:
            if self.target.gate.write_problem(op["method"], op["path"]) is not None:
                return  # a write the gate would refuse (read-only run, or outside the sandbox)
            case = operation.Case(path_parameters=good.path_parameters or None, query=good.query,
                                  headers=good.headers or None, body=good.body if good.body is not None else NOT_SET,
                                  media_type=good.media_type)
            self.execute(op["operationId"], case, phase="known-good request")

    def halt_if_stopped(self) -> None:
        """Inside a Hypothesis test: end it at once when a budget is spent (even between requests)."""
        self.stopped = self.stopped or self.target.gate.exhausted()
        if self.stopped:
            raise RunStopped(self.stopped)

    def steer(self, op: dict[str, Any], case: Any, mode: GenerationMode, data: Any) -> bool:
        """Point the case at the sandbox; False drops it (it could only be refused by policy)."""
        negated = {name for name, _location in negated_parameters(case.meta)}
        params = case.path_parameters if case.path_parameters is not None else {}
        writes = op["method"] not in READ_METHODS
        strict = writes and not self.target.is_mock  # the gate would refuse anything else
        if strict and negated & set(params):
            return False
        sandbox = self.target.sandbox
        if "course_id" in params and "course_id" not in negated:
            params["course_id"] = self.course
        if "line_item_id" in params and "line_item_id" not in negated:
            pool = [i for i in self.pools.line_items if i in self.target.gate.owned] if writes else self.pools.line_items
            if pool:
                params["line_item_id"] = data.draw(st.sampled_from(pool), label="line_item_id")
            elif strict:
                return False
        if "result_id" in params and "result_id" not in negated and self.pools.results:
            params["result_id"] = data.draw(st.sampled_from(self.pools.results), label="result_id")
        if "account_id" in params and "account_id" not in negated and sandbox.account_id:
            params["account_id"] = sandbox.account_id
        if "group_id" in params and "group_id" not in negated:
            params["group_id"] = choose(data, sandbox.group_ids, "group_id") or params["group_id"]
        if not writes or self.target.is_mock:
            # Discovered REST and account-level ids are not the run's own: on a real Canvas they are
            # only read (the gate refuses writes outside the sandbox course's line items anyway).
            self.steer_discovered(op["path"], params, negated, data)
        body = case.body if isinstance(case.body, dict) else None
        if mode == GenerationMode.POSITIVE and body is not None:
            if op["operationId"] == "createScore":
                if sandbox.student_ids and data.draw(st.booleans(), label="enrolled userId"):
                    body["userId"] = data.draw(st.sampled_from(sandbox.student_ids), label="userId")
                if data.draw(st.booleans(), label="current timestamp"):
                    body["timestamp"] = utc_now()
            if op["operationId"] == "createLineItem" and data.draw(st.booleans(), label="drop resourceLinkId"):
                body.pop("resourceLinkId", None)
            if op["operationId"] == "createAccessToken" and data.draw(st.booleans(), label="valid assertion"):
                body.update(self.token_form(data))
        return True

    def steer_discovered(self, path: str, params: dict[str, Any], negated: set[str], data: Any) -> None:
        """External tools, resource links, registrations, developer keys, deployments and
        subscriptions: the matching path parameters get known ids (unless negated)."""
        pools, sandbox = self.pools, self.target.sandbox

        def pick(name: str, pool: list[Any]) -> None:
            if name in params and name not in negated:
                chosen = choose(data, pool, name)
                if chosen is not None:
                    params[name] = chosen

        if REGISTRATION_PATH in path or "/lti_registration_by_client_id/" in path:
            root = sandbox.root_account_id or sandbox.account_id
            if "account_id" in params and "account_id" not in negated and root:
                params["account_id"] = root
            if "registration_id" in params and "deployment_id" in params:
                free = {"registration_id", "deployment_id"} - negated
                pair = choose(data, pools.deployments, "deployment") if free else None
                if pair is not None:
                    if "registration_id" in free:
                        params["registration_id"] = pair[0]
                    if "deployment_id" in free:
                        params["deployment_id"] = pair[1]
            pick("id", pools.registrations)
            pick("client_id", pools.developer_keys)
        elif "/lti_resource_links/" in path and "id" in params and "id" not in negated:
            forms = choose(data, pools.resource_links, "resource link")
            form = choose(data, list(forms or ()), "id form")
            if form is not None:
                params["id"] = form
        elif "/external_tools/" in path:
            if path.startswith("/api/lti/accounts/"):
                pick("external_tool_id", pools.lti_account_tools)
            elif path.startswith("/api/v1/accounts/"):
                pick("external_tool_id", pools.account_tools)
            elif path.startswith("/api/v1/courses/"):
                pick("external_tool_id", pools.course_tools)
        pick("developer_key_id", pools.developer_keys)
        pick("subscription_id", pools.subscriptions)

    def execute(self, operation_id: str, case: Any, phase: str = "stateless") -> list[str]:
        """Send one case and run every check on the answer; failures are recorded, and the names
        of the checks that failed are returned (the caller raises them so Hypothesis shrinks)."""
        stat = self.result.stat(operation_id)
        kwargs = self.transport_kwargs()
        try:
            response = case.call(**kwargs)
        except BudgetExhausted as exc:
            self.stopped = str(exc)
            return []
        except WriteRefused as exc:
            stat.errors.append(f"refused by the write policy (suite bug): {exc}")
            return []
        except TokenError as exc:
            self.result.add(Finding(operation_id, "token_request", str(exc), phase=phase))
            return []
        except Exception as exc:
            self.result.add(Finding(operation_id, "transport", f"{type(exc).__name__}: {exc}",
                                    _curl(case, None), phase))
            return ["transport"]
        stat.count(response.status_code)
        op = self.ops_by_id.get(operation_id)
        if operation_id == "createLineItem" and response.status_code == 201:
            with contextlib.suppress(Exception):
                self.own(response.json().get("id"))
        if operation_id == "deleteLineItem" and response.status_code == 204:
            self.forget((case.path_parameters or {}).get("line_item_id"))
        self.track_rest(operation_id, case, response)
        failed = self.probe_auth(op, case, response, phase)
        for check in self.checks:
            try:
                case.validate_response(response, checks=[check], transport_kwargs=kwargs or None)
            except FailureGroup as group:
                for failure in group.exceptions:
                    message = f"{failure.title}\n{failure.message}".strip()
                    self.result.add(Finding(operation_id, check.__name__, message, _curl(case, response), phase))
                failed.append(check.__name__)
            except BudgetExhausted as exc:
                self.stopped = str(exc)
            except (WriteRefused, TokenError) as exc:
                stat.errors.append(f"{check.__name__}: {exc}")
            except AssertionError as exc:
                self.result.add(Finding(operation_id, check.__name__, str(exc), _curl(case, response), phase))
                failed.append(check.__name__)
        if self.target.is_mock and op is not None and revokes_credentials(op) and 200 <= response.status_code < 300:
            # The case may have deleted, unbound or re-keyed the suite's own tool: put the world back
            # before the next case (after the checks and probes, which replay this one's request).
            with self._tolerant("mock reset"):
                self.target.request("POST", "/__mock__/reset")
        return failed

    def track_rest(self, operation_id: str, case: Any, response: Any) -> None:
        """Keep the REST pools current on the mock: created links and subscriptions join them,
        deleted ones leave (external tools and registrations are reset after every write)."""
        if not self.target.is_mock or not 200 <= response.status_code < 300:
            return
        params = case.path_parameters or {}
        with contextlib.suppress(Exception):
            if operation_id == "createLtiResourceLink":
                self.pools.add_link(response.json())
            elif operation_id == "deleteLtiResourceLink":
                self.pools.forget_link(params.get("id"))
            elif operation_id == "createDataServiceSubscription" and response.json().get("Id"):
                self.pools.subscriptions.append(str(response.json()["Id"]))
            elif operation_id == "deleteDataServiceSubscription":
                self.pools.subscriptions = [s for s in self.pools.subscriptions if s != str(params.get("subscription_id"))]

    def probe_auth(self, op: dict[str, Any] | None, case: Any, response: Any, phase: str) -> list[str]:
        """Replay a successful secured case without a token and with a forged one: both must be
        refused with 401. schemathesis's ``ignored_auth`` sends no probes for OAuth2 schemes such
        as ``LtiServiceToken``, so the suite does it, once per operation and run. A failure's
        reproduction is the probe itself, not the original (authorised) request."""
        if op is None or not op["secured"] or not 200 <= response.status_code < 300:
            return []
        if op["operationId"] in self.auth_probed or (op["method"] not in READ_METHODS and not self.may_write()):
            return []
        self.auth_probed.add(op["operationId"])
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        body: dict[str, Any] = {}
        if isinstance(case.body, dict | list):  # (an absent body is schemathesis's NOT_SET)
            body = {"json": case.body} if "json" in (case.media_type or "json") else {"data": case.body}
        for label, token in (("no token", None), ("a forged token", f"Bearer {FORGED_TOKEN}")):
            probe_headers = {**headers, **({"Authorization": token} if token else {})}
            try:
                probe = self.target.request(op["method"], case.formatted_path, params=case.query,
                                            headers=probe_headers, **body)
            except (BudgetExhausted, WriteRefused) as exc:
                self.stopped = self.stopped or (str(exc) if isinstance(exc, BudgetExhausted) else None)
                return []
            if probe.status_code != 401:
                self.result.add(Finding(op["operationId"], "auth_enforced",
                                        f"with {label} the operation answered {probe.status_code}, expected 401",
                                        curl_for_response(probe), phase))
                return ["auth_enforced"]
        return []

    # -- clean-up -------------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Delete every line item this run created (budgets do not apply)."""
        self.target.gate.cleanup_mode()
        leftovers = []
        for item in list(self.created):
            try:
                response = self.target.request("DELETE", f"/api/lti/courses/{self.course}/line_items/{item}",
                                               headers=self.bearer(AGS_LINEITEM))
                if response.status_code not in (204, 404):
                    leftovers.append(f"{item} ({response.status_code})")
            except Exception as exc:
                leftovers.append(f"{item} ({type(exc).__name__}: {exc})")
        if leftovers:
            self.result.notes.append("could not delete line items created by the run: " + ", ".join(leftovers))
        elif self.created:
            self.result.notes.append(f"deleted the {len(self.created)} line item(s) the run created")
        self.created.clear()

    def run(self) -> RunResult:
        started = time.monotonic()
        self.target.gate.start()
        try:
            self.options.progress(f"target {self.result.target}; profile {self.options.profile}; "
                                  f"seed {self.options.seed}; {self.options.examples} examples per operation and mode")
            self.discover()
            if self.options.semantic and not self.stopped:
                from .semantics import run_semantics

                self.options.progress("semantic checks:")
                run_semantics(self)
            self.options.progress("stateless checks:")
            self.run_stateless()
            if self.options.stateful and not self.stopped:
                from .stateful import run_stateful

                if self.target.is_mock:
                    self._reset_mock()
                self.options.progress("stateful checks:")
                run_stateful(self)
        except BudgetExhausted as exc:
            self.stopped = str(exc)
        except KeyboardInterrupt:
            self.result.interrupted = True
            self.result.notes.append("interrupted")
        finally:
            try:
                self.cleanup()
            finally:
                if self.stopped:
                    self.result.notes.append(f"stopped early: {self.stopped}")
                    for op in self.selected():  # every operation the stop kept from running shows so
                        if op["operationId"] not in self.result.stats:
                            self.result.stat(op["operationId"]).skipped = f"{NOT_RUN} {self.stopped}"
                self.result.requests_sent = self.target.gate.sent
                self.result.duration = time.monotonic() - started
                if self.target.gate.throttled:
                    self.result.notes.append(f"backed off {self.target.gate.throttled}× on Canvas rate limiting")
        return self.result


class CheckFailed(AssertionError):
    """Raised in a Hypothesis test after a check failed (and was recorded), so it shrinks."""


@functools.cache
def check_failure(check: str) -> type[CheckFailed]:
    """One exception class per check: Hypothesis tells failures apart by type, and shrinks
    each kind of failure to its own minimal example."""
    return type(f"{check}_failed", (CheckFailed,), {})


#: Paths under which a write can delete, unbind or re-key the developer key the suite itself uses.
CREDENTIAL_PATHS = ("lti_registrations", "developer_key", "tool_configuration", "external_tools")


def revokes_credentials(op: dict[str, Any]) -> bool:
    """On the mock, such operations are followed by a reset, after every successful case."""
    return op["method"] not in READ_METHODS and any(part in op["path"] for part in CREDENTIAL_PATHS)


def scope_sets_for(operation: Any, raw: dict[str, Any]) -> list[tuple[str, ...]]:
    return required_scope_sets(operation.definition.raw, raw)


def choose(data: Any, pool: list[Any], label: str) -> Any:
    """An element of ``pool`` (None if empty), always with one draw of the same shape: the pools
    change during a run (items are created and deleted), and Hypothesis insists that the same
    choices draw the same way when it replays or shrinks (FlakyStrategyDefinition otherwise)."""
    index = data.draw(st.integers(min_value=0, max_value=POOL_INDEX_MAX), label=label)
    return pool[index % len(pool)] if pool else None


def _ids(items: Any) -> list[int]:
    """The integer ``id`` of each object of a list body."""
    return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), int)] if isinstance(items, list) else []


def _last_id(url: Any) -> int | None:
    try:
        return int(str(url).rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def _curl(case: Any, response: Any) -> str | None:
    try:
        headers = dict(response.request.headers) if response is not None else None
        return case.as_curl_command(headers=headers)
    except Exception:
        return None


def run_suite(target: Target, options: SuiteOptions) -> RunResult:
    return Suite(target, options).run()
