"""What a semantic check works with: the suite's own requests, page walks, and what the target exposes.

Semantic checks judge meaning from answers alone, so they run unchanged against a real Canvas.
A :class:`Probe` sends their requests through the run's gate (the write policy and budgets
apply), remembers each check's last request for a ``curl`` reproduction, caches page walks that
several checks share, and, on our mock only, reads ``/__mock__/state`` for the few facts an API
client cannot see (other tools' line items, enrollment states, tools' privacy levels).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..auth import ASSERTION_TYPE, LtiCredentials, client_assertion
from ..context import RunContext
from ..recipes import RESOURCE_LINK_REQUEST, Launch, Recipes, RecipeUnavailable
from ..report import Finding
from ..scopes import AGS_LINEITEM, AGS_SCORE, LINE_ITEM_TYPE, SCORE_TYPE
from .pages import MAX_PAGES, Listing, PageSeen, Walk, parse_link

#: Label and tag of everything the semantic checks create (deleted at the end of the run).
FIXTURE_LABEL = "canvas-lti conform semantics"
FIXTURE_TAG = "canvas-lti-conform-semantics"
FIXTURE_RESOURCE = "canvas-lti-conform-resource"
PHASE = "semantic"


class Skip(Exception):
    """The target offers nothing this check can judge (no data, no scope, read-only run)."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now() -> datetime:
    """Wall-clock "now" for score timestamps (Canvas compares them with the stored ones only)."""
    return datetime.now(UTC)


class Probe:
    """One run's semantic checks: requests, findings and shared fixtures."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.target = ctx.target
        self.check_name = ""
        self.section = ""
        self.last_curl: str | None = None
        #: Page walks, kept from one check to the next until a check sends anything but a GET.
        self._walks: dict[tuple[str, str], Walk] = {}
        self._sent_writes = False
        self._state: dict[str, Any] | None = None
        self._fixture: int | None = None
        #: What the running check must undo when it ends (newest first): resources it made, the clock.
        self._undo: list[tuple[str, Callable[[], Any]]] = []
        #: Launches of the suite's tool, by message type: made once per run (the id_token checks
        #: each judge one rule of the same tokens).
        self._launches: dict[str, Launch] = {}
        #: operationIds the run selected (checks look only at those collections).
        self.selected = {op["operationId"] for op in ctx.selected()}

    # -- where -----------------------------------------------------------------------------

    @property
    def course(self) -> int:
        return self.ctx.course

    @property
    def students(self) -> list[str]:
        return list(self.target.sandbox.student_ids)

    def line_items_path(self, item: int | None = None) -> str:
        base = f"/api/lti/courses/{self.course}/line_items"
        return base if item is None else f"{base}/{item}"

    def scopes_for(self, operation_id: str) -> tuple[str, ...]:
        """Scopes the suite's key holds for ``operation_id`` (Skip when it holds none)."""
        chosen = self.ctx.tokens.choose_scopes(self.ctx.scope_sets(operation_id))
        if chosen is None:
            raise Skip(f"the suite's key holds no scope for {operation_id}")
        return chosen

    # -- requests --------------------------------------------------------------------------

    def call(self, method: str, path_or_url: str, scopes: Iterable[str] = (), *, token: str | None = None,
             params: dict[str, Any] | None = None, json_body: Any = None, form: dict[str, str] | None = None,
             content_type: str | None = None, redirects: bool = True) -> Any:
        """Send one request through the gate (a bearer token for ``scopes``, or ``token``); with
        ``redirects`` False a redirect is answered as it is, not followed."""
        headers: dict[str, str] = {}
        scopes = tuple(scopes)
        if token is None and scopes:
            token = self.ctx.tokens.token(scopes)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if content_type:
            headers["Content-Type"] = content_type
        kwargs: dict[str, Any] = {"headers": headers, "allow_redirects": redirects}
        if params:
            kwargs["params"] = params
        if json_body is not None:
            kwargs["json"] = json_body  # an explicit Content-Type (IMS media type) wins in both clients
        if form is not None:
            kwargs["data"] = form
        url = path_or_url if "://" in path_or_url else self.target.base_url + path_or_url
        problem = self.target.gate.write_problem(method, urlsplit(url).path)
        if problem is not None:
            raise Skip(f"the write policy forbids it on this target: {problem}")
        self.last_curl = _curl(method, url, params, headers, json_body, form)
        self._sent_writes = self._sent_writes or method != "GET"
        response = self.target.request(method, url, **kwargs)
        statuses = self.ctx.result.stat(f"semantic:{self.check_name}").statuses
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        return response

    def get(self, path_or_url: str, scopes: Iterable[str] = (), **params: Any) -> Any:
        return self.call("GET", path_or_url, scopes, params=params or None)

    def api(self, method: str, path: str, json_body: Any = None, **params: Any) -> Any:
        """A Canvas REST API request with the run's API token (Skip without one)."""
        token = self.target.api_token
        if not token:
            raise Skip("no Canvas API token (--api-token)")
        return self.call(method, path, token=token, json_body=json_body, params=params or None)

    def control(self, method: str, path: str, json_body: Any = None) -> Any:
        """A request to the mock's control API (``/__mock__/…``); only mock-only checks use it."""
        if not self.target.is_mock:
            raise Skip("needs the mock's control API")
        return self.call(method, path, json_body=json_body)

    def undo(self, what: str, action: Callable[[], Any]) -> None:
        """Run ``action`` when the running check ends, whatever happens (newest first)."""
        self._undo.append((what, action))

    def cleanup(self) -> None:
        """Undo what the check changed; a failure to undo is a note, not a finding."""
        while self._undo:
            what, action = self._undo.pop()
            try:
                action()
            except Exception as exc:
                self.ctx.result.notes.append(f"{self.check_name}: could not {what}: {type(exc).__name__}: {exc}")
        if self._sent_writes:  # what it wrote may show in a list: walk again (read-only checks share walks)
            self.forget_walks()
            self._sent_writes = False

    def json(self, response: Any) -> Any:
        try:
            return response.json()
        except ValueError:
            return None

    def token_response(self, scopes: Iterable[str], creds: LtiCredentials | None = None,
                       assertion: str | None = None) -> tuple[int, Any]:
        """A fresh client-credentials exchange (not cached): ``(status, body)``; ``assertion`` replaces
        the one signed with the suite's key."""
        creds = creds or self.target.creds
        form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion or client_assertion(creds), "scope": " ".join(scopes)}
        response = self.call("POST", creds.token_url, form=form)
        return response.status_code, self.json(response)

    # -- findings --------------------------------------------------------------------------

    def fail(self, operation: str, message: str, curl: str | None = None) -> None:
        """Record a finding for the running check (and carry on: one check may find several)."""
        self.ctx.result.add(Finding(operation, self.check_name, f"{message} ({self.section})",
                                      curl or self.last_curl, PHASE))

    def expect_status(self, operation: str, response: Any, allowed: Iterable[int], why: str) -> bool:
        allowed = tuple(allowed)
        if response.status_code in allowed:
            return True
        body = (response.text or "")[:200]
        self.fail(operation, f"expected {' or '.join(map(str, allowed))} ({why}), got {response.status_code} {body}")
        return False

    # -- page walks ------------------------------------------------------------------------

    def walk(self, listing: Listing, size: int | None = None, **filters: Any) -> Walk:
        """Follow ``rel="next"`` from the first page of ``listing`` (``limit=size`` or ``per_page``); cached."""
        size = size or listing.max_size
        params = {**filters, listing.size_param: size}
        cache_key = (listing.path, urlencode(sorted(params.items())))
        cached = self._walks.get(cache_key)
        if cached is not None:
            return cached
        walk = Walk(listing, params, size)
        token = self.target.api_token if listing.api else None
        if listing.api and not token:
            raise Skip("no Canvas API token (--api-token)")
        response = self.call("GET", listing.path, listing.scopes, token=token, params=params)
        while True:
            items = listing.items(self.json(response)) if response.status_code == 200 else None
            page = PageSeen(str(response.url), response.status_code, items or [], parse_link(response.headers.get("link")))
            walk.pages.append(page)
            if items is None or not items or "next" not in page.links:
                break
            if len(walk.pages) >= MAX_PAGES:
                walk.endless = True
                break
            response = self.call("GET", page.links["next"], listing.scopes, token=token)
        self._walks[cache_key] = walk
        return walk

    def reference(self, listing: Listing, **filters: Any) -> list[dict[str, Any]]:
        """Every element of ``listing`` in the largest pages Canvas serves (Skip if unreadable)."""
        walk = self.walk(listing, **filters)
        if walk.pages[0].status != 200:
            raise Skip(f"{listing.operation} answered {walk.pages[0].status}")
        return walk.elements

    def forget_walks(self) -> None:
        self._walks.clear()

    # -- the collections the checks look at --------------------------------------------------

    def line_items(self) -> Listing:
        return Listing("listLineItems", self.line_items_path(), self.scopes_for("listLineItems"), "id", 100)

    def results(self, item: int) -> Listing:
        return Listing("listResults", f"{self.line_items_path(item)}/results", self.scopes_for("listResults"), "id", 100)

    def course_roster(self) -> Listing:
        return Listing("listCourseMemberships", f"/api/lti/courses/{self.course}/names_and_roles",
                       self.scopes_for("listCourseMemberships"), "user_id", 50)

    def group_roster(self) -> Listing | None:
        groups = self.target.sandbox.group_ids
        if not groups:
            return None
        return Listing("listGroupMemberships", f"/api/lti/groups/{groups[0]}/names_and_roles",
                       self.scopes_for("listGroupMemberships"), "user_id", 50)

    def root_account(self) -> int:
        """The account LTI Registrations, developer keys and registration tokens live in (Skip without one)."""
        root = self.target.sandbox.root
        if not root:
            raise Skip("no root account known")
        return int(root)

    def rest_listings(self) -> dict[str, Listing]:
        """The REST API collections around LTI (Canvas's ``Api.paginate``, §15.1), by operation."""
        sandbox = self.target.sandbox
        listings = {"listCourseExternalTools": f"/api/v1/courses/{self.course}/external_tools",
                    "listLtiResourceLinks": f"/api/v1/courses/{self.course}/lti_resource_links"}
        if sandbox.account_id:
            listings["listAccountExternalTools"] = f"/api/v1/accounts/{sandbox.account_id}/external_tools"
        if sandbox.root:
            listings["listLtiRegistrations"] = f"/api/v1/accounts/{sandbox.root}/lti_registrations"
        return {operation: Listing(operation, path, (), "id", 100, size_param="per_page", api=True)
                for operation, path in listings.items()}

    def item_with_results(self) -> int:
        """The sandbox line item with the most results (the run's own fixture when writes are allowed)."""
        if self._fixture is not None:
            return self._fixture
        best: tuple[int, int] | None = None
        for element in self.reference(self.line_items())[:5]:
            item = item_id(element.get("id"))
            if item is None:
                continue
            count = len(self.reference(self.results(item)))
            if best is None or count > best[1]:
                best = (item, count)
        if best is None or best[1] == 0:
            raise Skip("no line item of the sandbox course has results")
        return best[0]

    # -- fixtures (only where writes are allowed) ---------------------------------------------

    def create_line_item(self, body: dict[str, Any]) -> tuple[Any, int | None]:
        """POST a line item; a created one is registered with the run (its clean-up deletes it)."""
        response = self.call("POST", self.line_items_path(), (AGS_LINEITEM,), json_body=body, content_type=LINE_ITEM_TYPE)
        item = None
        if response.status_code == 201:
            item = self.ctx.own((self.json(response) or {}).get("id"))
        self.forget_walks()
        return response, item

    def line_item_for(self, operation: str, label: str, maximum: float = 12.5, **extra: Any) -> int:
        """A line item of the running check's own (Skip, with a finding, when it cannot be made)."""
        body = {"label": f"{FIXTURE_LABEL}: {label}", "scoreMaximum": maximum, "tag": f"{FIXTURE_TAG}-{label}", **extra}
        response, item = self.create_line_item(body)
        if item is None:
            self.fail(operation, f"creating a line item for this check answered {response.status_code}, expected 201")
            raise Skip("no line item")
        return item

    def post_score(self, item: int, user: str, given: float | None, maximum: float, when: datetime,
                   comment: str | None = None) -> Any:
        body: dict[str, Any] = {"userId": user, "scoreMaximum": maximum, "activityProgress": "Completed",
                                "gradingProgress": "FullyGraded", "timestamp": iso(when)}
        if given is not None:
            body["scoreGiven"] = given
        if comment is not None:
            body["comment"] = comment
        response = self.call("POST", f"{self.line_items_path(item)}/scores", (AGS_SCORE,), json_body=body,
                             content_type=SCORE_TYPE)
        self.forget_walks()
        return response

    def ensure_fixture(self) -> None:
        """With writes: one tagged line item with a score for up to three students, so filters and
        paging have something to judge even in an empty sandbox."""
        if self._fixture is not None or not self.ctx.may_write():
            return
        if not self.selected & {"listLineItems", "listResults"}:
            return  # only the filter and paging checks of these collections need it
        response, item = self.create_line_item({"label": FIXTURE_LABEL, "scoreMaximum": 10, "tag": FIXTURE_TAG,
                                                "resourceId": FIXTURE_RESOURCE})
        if item is None:
            self.ctx.result.notes.append(f"semantic fixture not created: {response.status_code}")
            return
        self._fixture = item
        started = now() - timedelta(minutes=30)
        for n, student in enumerate(self.students[:3]):
            self.post_score(item, student, n + 1, 10, started)

    # -- what only the mock exposes ------------------------------------------------------------

    def launch(self, message_type: str = RESOURCE_LINK_REQUEST, method: str = "GET") -> Launch:
        """A launch of the suite's tool in the sandbox course through the mock's control API, its
        authentication request sent with ``method`` (Skip where none can be made); the same one for
        every check of the run."""
        if message_type not in self._launches:
            try:
                self._launches[message_type] = Recipes(self.ctx).launch(message_type, method)
            except RecipeUnavailable as exc:
                raise Skip(str(exc)) from None
        return self._launches[message_type]

    def mock_state(self) -> dict[str, Any] | None:
        """``/__mock__/state`` on our mock (None on a real Canvas: the checks then judge answers only)."""
        if not self.target.is_mock:
            return None
        if self._state is None:
            response = self.target.request("GET", "/__mock__/state")
            self._state = self.json(response) if response.status_code == 200 else {}
        return self._state or None

    def refresh_state(self) -> None:
        self._state = None

    def run(self, name: str, section: str, func: Callable[[Probe], None]) -> None:
        self.check_name, self.section, self.last_curl = name, section, None
        self.ensure_fixture()
        func(self)


def item_id(url: Any) -> int | None:
    try:
        return int(str(url).rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def _curl(method: str, url: str, params: dict[str, Any] | None, headers: dict[str, str], json_body: Any,
          form: dict[str, str] | None) -> str:
    full = url + (("&" if "?" in url else "?") + urlencode(params) if params else "")
    parts = ["curl", "-X", method, shlex.quote(full)]
    for name, value in headers.items():
        # Like schemathesis's reproductions: no live credential in a report (insert a fresh token).
        value = "Bearer [Filtered]" if name.lower() == "authorization" else value
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if json_body is not None:
        parts += ["-d", shlex.quote(json.dumps(json_body))]
    for name, value in (form or {}).items():
        value = "[Filtered]" if name == "client_assertion" else value
        parts += ["--data-urlencode", shlex.quote(f"{name}={value}")]
    return " ".join(parts)
