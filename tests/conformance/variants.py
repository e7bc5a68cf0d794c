"""Deliberately broken mocks: each breaks one thing the conformance suite must catch."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mockserver import create_app
from mockserver.handlers import HANDLERS

#: (method, path, query, status, headers, body) -> (status, headers, body)
Rewrite = Callable[[str, str, str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class RewritingApp:
    """ASGI wrapper that buffers each response and lets ``rewrite`` change it."""

    def __init__(self, app: Any, rewrite: Rewrite, request_headers: Callable[[Any], None] | None = None) -> None:
        self.app, self.rewrite, self.request_headers = app, rewrite, request_headers

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.request_headers is not None:
            self.request_headers(scope)
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
                    status, headers, body = self.rewrite(
                        scope["method"], scope["path"], scope.get("query_string", b"").decode(),
                        start["status"], headers, b"".join(chunks))
                    headers["content-length"] = str(len(body))
                    await send({"type": "http.response.start", "status": status,
                                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


LINE_ITEM_PATH = re.compile(r"^/api/lti/courses/\d+/line_items/\d+$")
LINE_ITEMS_PATH = re.compile(r"^/api/lti/courses/\d+/line_items$")


def wrap(rewrite: Rewrite, request_headers: Callable[[Any], None] | None = None) -> Any:
    return RewritingApp(create_app(), rewrite, request_headers)


@contextmanager
def patched_handler(operation_id: str, replacement: Callable[[Any], Any]) -> Iterator[Any]:
    """A mock built while ``HANDLERS[operation_id]`` is replaced (restored on exit)."""
    original = HANDLERS[operation_id]
    HANDLERS[operation_id] = replacement(original)
    try:
        yield create_app()
    finally:
        HANDLERS[operation_id] = original


# -- response rewrites ----------------------------------------------------------------------------


def wrong_media_type(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "GET" and LINE_ITEM_PATH.match(path) and status == 200:
        headers["content-type"] = "application/json"
    return status, headers, body


def server_error_on_tag(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "GET" and LINE_ITEMS_PATH.match(path) and "tag=" in query:
        return 500, {"content-type": "application/json"}, b'{"errors":[{"message":"An error occurred."}]}'
    return status, headers, body


def spaced_link_header(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if "link" in headers:
        headers["link"] = headers["link"].replace(">; rel=", ">;rel=").replace(",<", ", <")
    return status, headers, body


def wrong_error_shape(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if "/line_items" in path and status >= 400 and body:  # any LTI error on the line item routes
        body = b'{"message":"not found"}'
    return status, headers, body


def created_as_200(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "POST" and LINE_ITEMS_PATH.match(path) and status == 201:
        status = 200
    return status, headers, body


def accepts_invalid_body(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "POST" and LINE_ITEMS_PATH.match(path) and status == 400:
        course = path.split("/")[4]
        item = {"id": f"http://testserver/api/lti/courses/{course}/line_items/999", "scoreMaximum": 1.0, "label": "x"}
        return 201, {"content-type": "application/vnd.ims.lis.v2.lineitem+json"}, json.dumps(item).encode()
    return status, headers, body


def relative_ids(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if LINE_ITEM_PATH.match(path) and status == 200:
        body = body.replace(b"http://testserver/api/lti/courses/", b"http://canvas.invalid/api/lti/courses/")
    return status, headers, body


def unchanged(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    return status, headers, body


def auth_injector(token: str) -> Callable[[Any], None]:
    """Requests to the line item list without credentials get the tool's token: auth not enforced."""

    def inject(scope: Any) -> None:
        headers = scope["headers"]
        if (scope["method"] == "GET" and LINE_ITEMS_PATH.match(scope["path"])
                and not any(k.lower() == b"authorization" for k, _ in headers)):
            scope["headers"] = [*headers, (b"authorization", f"Bearer {token}".encode())]

    return inject


# -- handler replacements -------------------------------------------------------------------------


def drop_label(original: Any) -> Any:
    async def handler(ctx: Any, **params: Any) -> Any:
        response = await original(ctx, **params)
        body = json.loads(response.body)
        body.pop("label", None)
        response.body = json.dumps(body).encode()
        response.headers["content-length"] = str(len(response.body))
        return response

    return handler


def forget_scores(original: Any) -> Any:
    """Answers like Canvas but never stores the score."""

    async def handler(ctx: Any, course_id: int, body: Any = None, **params: Any) -> Any:
        from mockserver.canvas.errors import json_response

        world = ctx.world
        snapshot = {k: (v.score_given, v.updated_at) for k, v in world.results.items()}
        response = await original(ctx, course_id=course_id, body=body, **params)
        for result_id, (given, updated) in snapshot.items():
            world.results[result_id].score_given, world.results[result_id].updated_at = given, updated
        for result_id in set(world.results) - set(snapshot):
            world.results[result_id].score_given = None
        return response if response.status_code != 200 else json_response(
            json.loads(response.body), media_type=response.media_type)

    return handler


def fake_delete(original: Any) -> Any:
    """204 without deleting anything."""

    async def handler(ctx: Any, **params: Any) -> Any:
        from starlette.responses import Response

        return Response(status_code=204)

    return handler


# -- semantic bugs: every answer stays well-formed, but says something wrong ------------------------
#
# Each is what a QA engineer would plant to see whether the suite judges meaning: the shape checks
# pass all of them (tests/conformance/test_broken_mocks.py asserts it), the semantic checks must not.

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
RESULTS_PATH = re.compile(r"^/api/lti/courses/\d+/line_items/\d+/results$")
ROSTER_PATH = re.compile(r"^/api/lti/(courses|groups)/\d+/names_and_roles$")
TOKEN_PATH = "/login/oauth2/token"


def ignoring(param: str, path: re.Pattern[str]) -> Callable[[Any], None]:
    """A request hook: the server never sees ``param`` on ``path`` (an ignored filter)."""

    def drop(scope: Any) -> None:
        if scope["method"] == "GET" and path.match(scope["path"]):
            query = scope.get("query_string", b"").decode()
            kept = "&".join(p for p in query.split("&") if p and p.split("=", 1)[0] != param)
            scope["query_string"] = kept.encode()

    return drop


def page_size_plus_one(param: str, path: re.Pattern[str]) -> Callable[[Any], None]:
    """A request hook: the server serves pages one element larger than ``param`` asks (its links,
    which it builds from what it saw, are self-consistent; nothing is lost or repeated)."""

    def grow(scope: Any) -> None:
        if scope["method"] == "GET" and path.match(scope["path"]):
            query = scope.get("query_string", b"").decode()
            scope["query_string"] = re.sub(rf"(^|&){param}=(\d+)", lambda m: f"{m.group(1)}{param}={int(m.group(2)) + 1}",
                                           query).encode()

    return grow


def with_request_hook(hook: Callable[[Any], None]) -> Any:
    return RewritingApp(create_app(), unchanged, hook)


def _json_rewrite(match: Callable[[str, str, int], bool], change: Callable[[Any], Any]) -> Rewrite:
    def rewrite(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
        if match(method, path, status) and body:
            body = json.dumps(change(json.loads(body))).encode()
        return status, headers, body

    return rewrite


def _context_of_another_course(body: Any) -> Any:
    body["context"]["id"] = "0" * 40  # well-formed (an opaque LTI id), but no course's
    return body


#: The course roster's container names a context that is not the course asked for.
roster_names_another_context = _json_rewrite(
    lambda method, path, status: bool(re.match(r"^/api/lti/courses/\d+/names_and_roles$", path)) and status == 200,
    _context_of_another_course)


def _results_of_another_item(body: Any) -> Any:
    for result in body if isinstance(body, list) else [body]:
        result["scoreOf"] = re.sub(r"/line_items/\d+$", "/line_items/1", result["scoreOf"])
    return body


#: Results name, as the line item they belong to, line item 1 (a well-formed URL, another line item).
results_name_another_line_item = _json_rewrite(
    lambda method, path, status: bool(RESULTS_PATH.match(path) or re.match(r".*/results/\d+$", path)) and status == 200,
    _results_of_another_item)


def _page(query: str) -> int:
    found = re.search(r"(?:^|&)page=(\d+)", query)
    return int(found.group(1)) if found else 1


def page_drops_element(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    """Line item pages after the first silently lose their first element (the Link header is right)."""
    if method == "GET" and LINE_ITEMS_PATH.match(path) and status == 200 and _page(query) > 1:
        body = json.dumps(json.loads(body)[1:]).encode()
    return status, headers, body


def _next_always(path: re.Pattern[str]) -> Rewrite:
    """Pages of ``path`` that always offer rel="next", even when every element was listed."""

    def rewrite(method: str, request_path: str, query: str, status: int, headers: dict[str, str], body: bytes):
        link = headers.get("link", "")
        if method == "GET" and path.match(request_path) and status == 200 and 'rel="next"' not in link:
            current = re.match(r'<([^>]+)>; rel="current"', link)
            if current:
                url = current.group(1)
                following = re.sub(r"page=(\d+)", lambda m: f"page={int(m.group(1)) + 1}", url, count=1)
                headers["link"] = link.replace(f'<{url}>; rel="current"', f'<{url}>; rel="current",<{following}>; rel="next"', 1)
        return status, headers, body

    return rewrite


def last_link_off_by_one(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    """Result pages name a rel="last" page one beyond the real last page."""
    link = headers.get("link", "")
    if method == "GET" and RESULTS_PATH.match(path) and status == 200:
        headers["link"] = re.sub(r'page=(\d+)(&per_page=\d+>; rel="last")',
                                 lambda m: f"page={int(m.group(1)) + 1}{m.group(2)}", link)
    return status, headers, body


def token_lifetime(seconds: int) -> Rewrite:
    """Tokens that claim another lifetime than Canvas's hour."""

    def change(body: Any) -> Any:
        return {**body, "expires_in": seconds} if isinstance(body, dict) and "access_token" in body else body

    return _json_rewrite(lambda method, path, status: path == TOKEN_PATH and status == 200, change)


def truncated_maximum(body: Any) -> Any:
    def fix(item: Any) -> Any:
        if isinstance(item, dict) and isinstance(item.get("scoreMaximum"), float):
            return {**item, "scoreMaximum": float(int(item["scoreMaximum"]))}
        return item

    return [fix(i) for i in body] if isinstance(body, list) else fix(body)


#: Line items whose decimal scoreMaximum comes back truncated (12.5 -> 12.0).
truncates_decimal_maximum = _json_rewrite(
    lambda method, path, status: bool(LINE_ITEMS_PATH.match(path) or LINE_ITEM_PATH.match(path)) and status in (200, 201),
    truncated_maximum)


def _without_comment(body: Any) -> Any:
    strip = lambda r: {k: v for k, v in r.items() if k != "comment"} if isinstance(r, dict) else r  # noqa: E731
    return [strip(r) for r in body] if isinstance(body, list) else strip(body)


#: Results that never show the score's comment.
drops_result_comment = _json_rewrite(
    lambda method, path, status: "/results" in path and status == 200, _without_comment)


def _student_role_renamed(body: Any) -> Any:
    text = json.dumps(body).replace(f'"{LIS}#Learner"', '"http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"')
    return json.loads(text)


#: Rosters that call students by their institution role instead of §7.3's membership URI.
wrong_role_uris = _json_rewrite(
    lambda method, path, status: bool(ROSTER_PATH.match(path)) and status == 200, _student_role_renamed)


def scores_for_anyone(original: Any) -> Any:
    """The enrollment check is skipped: a score for any user Canvas knows (staff, a concluded
    student, a user of another course) answers 200 like an accepted one. An id that names nobody
    is still refused, so a fuzzed ``userId`` keeps its 422 and the shape checks stay quiet."""

    async def handler(ctx: Any, course_id: int, body: Any = None, **params: Any) -> Any:
        from mockserver.canvas.errors import CanvasError, json_response

        try:
            return await original(ctx, course_id=course_id, body=body, **params)
        except CanvasError as error:
            user = body.get("userId") if isinstance(body, dict) else None
            refused_as_non_student = error.status == 422 and "not a student" in str(error.body)
            if not refused_as_non_student or not isinstance(user, str) or user not in ctx.world.user_by_lti_id:
                raise
        result = f"http://testserver/api/lti/courses/{course_id}/line_items/{ctx.auth.line_item.id}/results/999999"
        ok = {"resultUrl": result, "https://canvas.instructure.com/lti/submission": {"content_items": []}}
        return json_response(ok, media_type="application/vnd.ims.lis.v1.score+json")

    return handler


def results_open_to_any_ags_read_scope() -> Any:
    """Results accept a token for line items (lineitem.readonly) although §5 needs result.readonly."""
    app = create_app()
    info = app.state.operations["listResults"]  # type: ignore[attr-defined]
    extra = frozenset({"https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"})
    return operation_changed_on(app, "listResults", scope_sets=(*info.scope_sets, extra))


def operation_changed_on(app: Any, operation_id: str, **changes: Any) -> Any:
    import dataclasses

    state = app.state
    state.operations[operation_id] = dataclasses.replace(state.operations[operation_id], **changes)
    return app


def foreign_line_item_readable() -> Any:
    """Showing a line item skips the §2.1 step 8 client-id check: any tool reads any line item."""
    app = create_app()
    info = app.state.operations["getLineItem"]  # type: ignore[attr-defined]
    return operation_changed_on(app, "getLineItem", filters=tuple(f for f in info.filters if f != "line_item_client_id"))


def results_survive_delete() -> Any:
    """Results are served without checking that their line item still exists."""
    app = create_app()
    info = app.state.operations["listResults"]  # type: ignore[attr-defined]
    return operation_changed_on(app, "listResults", filters=tuple(f for f in info.filters if f != "line_item"))


# -- handler replacements that misbehave only while they answer -------------------------------------


def _sub_of(body: Any) -> str | None:
    import jwt

    form = {k: (v[0] if isinstance(v, list) and v else v) for k, v in (body or {}).items()}
    try:
        return str(jwt.decode(form.get("client_assertion", ""), options={"verify_signature": False}).get("sub"))
    except jwt.PyJWTError:
        return None


def grants_unheld_scopes(original: Any) -> Any:
    """The token endpoint grants whatever is asked for, held by the key or not."""

    async def handler(ctx: Any, body: Any = None, **params: Any) -> Any:
        key = ctx.world.developer_keys.get(_sub_of(body) or "")
        if key is None:
            return await original(ctx, body=body, **params)
        form = {k: (v[0] if isinstance(v, list) and v else v) for k, v in (body or {}).items()}
        held = list(key.scopes)
        key.scopes = held + [s for s in str(form.get("scope", "")).split() if s not in held]
        try:
            return await original(ctx, body=body, **params)
        finally:
            key.scopes = held

    return handler


def grants_every_key_scope(original: Any) -> Any:
    """The token's ``scope`` lists all of the key's scopes, not the requested ones."""

    async def handler(ctx: Any, body: Any = None, **params: Any) -> Any:
        response = await original(ctx, body=body, **params)
        key = ctx.world.developer_keys.get(_sub_of(body) or "")
        if response.status_code == 200 and key is not None:
            payload = json.loads(response.body)
            payload["scope"] = " ".join(key.scopes)
            response.body = json.dumps(payload).encode()
            response.headers["content-length"] = str(len(response.body))
        return response

    return handler


def lists_foreign_line_items(original: Any) -> Any:
    """The line item list shows every tool's line items in the course."""

    async def handler(ctx: Any, course_id: int, **params: Any) -> Any:
        world, key = ctx.world, ctx.auth.key.id
        own = world.visible_line_items.get((course_id, key), [])
        everyone = sorted({i for (course, _), items in world.visible_line_items.items() if course == course_id for i in items})
        world.visible_line_items[(course_id, key)] = everyone
        try:
            return await original(ctx, course_id=course_id, **params)
        finally:
            world.visible_line_items[(course_id, key)] = own

    return handler


def keeps_score_without_score_given(original: Any) -> Any:
    """A score without ``scoreGiven`` is answered as Canvas answers it, but the result keeps its old score."""
    remembering = forgets_changes("results")(original)

    async def handler(ctx: Any, **params: Any) -> Any:
        body = params.get("body")
        chosen = remembering if isinstance(body, dict) and "scoreGiven" not in body else original
        return await chosen(ctx, **params)

    return handler


def accepts_stale_scores(original: Any) -> Any:
    """Scores never compare their timestamp with the stored result's."""

    async def handler(ctx: Any, **params: Any) -> Any:
        for result in ctx.world.results.values():
            result.updated_at = "1970-01-01T00:00:00.000Z"
        return await original(ctx, **params)

    return handler


def lists_inactive_enrollments(original: Any) -> Any:
    """Rosters count invited and concluded enrollments as active."""

    async def handler(ctx: Any, course_id: int, **params: Any) -> Any:
        enrollments = ctx.world.enrollments_by_course.get(course_id, [])
        states = [e.state for e in enrollments]
        for e in enrollments:
            e.state = "active"
        try:
            return await original(ctx, course_id=course_id, **params)
        finally:
            for e, state in zip(enrollments, states, strict=True):
                e.state = state

    return handler


def ignores_privacy(original: Any) -> Any:
    """Rosters show names, emails and pictures whatever the tool's privacy level."""

    async def handler(ctx: Any, **params: Any) -> Any:
        tool = ctx.auth.tool
        level, tool.privacy_level = tool.privacy_level, "public"
        try:
            return await original(ctx, **params)
        finally:
            tool.privacy_level = level

    return handler


def links_forget_filters(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    """Line item Link URLs drop the request's ``tag`` (following them pages the unfiltered list)."""
    if method == "GET" and LINE_ITEMS_PATH.match(path) and "link" in headers:
        headers["link"] = re.sub(r"tag=[^&>]*&", "", headers["link"])
    return status, headers, body


# -- promises of the REST APIs, tokens and keys (issue 23): each breaks one, every answer well-formed ----


@contextmanager
def patched_handlers(replacements: dict[str, Callable[[Any], Any]]) -> Iterator[Any]:
    """A mock built while several handlers are replaced (restored on exit)."""
    originals = {op: HANDLERS[op] for op in replacements}
    for op, replace in replacements.items():
        HANDLERS[op] = replace(originals[op])
    try:
        yield create_app()
    finally:
        HANDLERS.update(originals)


def forgets_changes(*collections: str) -> Callable[[Any], Any]:
    """A handler that answers exactly as Canvas would, then puts these world collections back as
    they were: a write that is answered but not stored (or a delete that deletes nothing)."""
    import copy

    def wrap(original: Any) -> Any:
        async def handler(ctx: Any, **params: Any) -> Any:
            world = ctx.world
            with world.lock:
                saved = {name: copy.deepcopy(getattr(world, name)) for name in collections}
            try:
                return await original(ctx, **params)
            finally:
                with world.lock:
                    for name, value in saved.items():
                        kept = getattr(world, name)
                        kept.clear()
                        kept.update(value)

        return handler

    return wrap


def ignores_fields(*names: str) -> Callable[[Any], Any]:
    """A write that never sees ``names`` in its JSON body: it answers, and stores, without them."""

    def wrap(original: Any) -> Any:
        async def handler(ctx: Any, **params: Any) -> Any:
            if isinstance(params.get("body"), dict):
                params["body"] = {key: value for key, value in params["body"].items() if key not in names}
            return await original(ctx, **params)

        return handler

    return wrap


def lookup_returns_another_link(original: Any) -> Any:
    """A link looked up by ``lookup_uuid:``/``resource_link_uuid:`` answers another link of the course."""

    async def handler(ctx: Any, **params: Any) -> Any:
        from mockserver.canvas.errors import json_response
        from mockserver.handlers.resource_links import link_json

        response = await original(ctx, **params)
        if response.status_code != 200 or str(ctx.request.path_params.get("id", "")).isdigit():
            return response
        shown = ctx.world.resource_links[json.loads(response.body)["id"]]
        others = sorted((link for link in ctx.world.resource_links.values() if link.workflow_state == "active"
                         and link.id != shown.id and link.course_id == shown.course_id), key=lambda link: link.id)
        return json_response(link_json(ctx.world, ctx.base_url, others[0])) if others else response

    return handler


def finds_another_registration(original: Any) -> Any:
    """The lookup by client id answers the registration of another developer key."""

    async def handler(ctx: Any, **params: Any) -> Any:
        world, asked = ctx.world, str(ctx.request.path_params.get("client_id"))
        keys = sorted({str(r.developer_key_id) for r in world.registrations.values() if r.workflow_state == "active"} - {asked})
        if keys and asked in world.developer_keys:
            ctx.request.path_params["client_id"] = keys[0]
        return await original(ctx, **params)

    return handler


ACCOUNT_PATH = re.compile(r"^/api/lti/accounts/\d+$")
COURSE_TOOLS_PATH = re.compile(r"^/api/v1/courses/\d+/external_tools$")
REGISTRATIONS_PATH = re.compile(r"^/api/v1/accounts/\d+/lti_registrations$")
JWKS_PATH = "/api/lti/security/jwks"


def _root_instead(body: Any) -> Any:
    return {**body, "id": body.get("root_account_id") or body["id"]} if isinstance(body, dict) else body


#: The account lookup answers the root account's id for any account of it.
account_lookup_answers_root = _json_rewrite(
    lambda method, path, status: bool(ACCOUNT_PATH.match(path)) and method == "GET" and status == 200, _root_instead)


def _renamed_kids(suffix: Callable[[], str]) -> Callable[[Any], Any]:
    def change(body: Any) -> Any:
        return {"keys": [{**k, "kid": f"{k['kid']}{suffix()}"} for k in body["keys"]]} if isinstance(body, dict) else body

    return change


def jwks_kids_change_every_request() -> Rewrite:
    """Each JWKS answer names its keys with new kids (no rotation happened)."""
    served = itertools.count(1)

    def rewrite(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
        if path == JWKS_PATH and status == 200 and not query:
            suffix = f"-{next(served)}"
            change = _renamed_kids(lambda: suffix)
            body = json.dumps(change(json.loads(body))).encode()
        return status, headers, body

    return rewrite


#: The JWKS publishes the keys under other kids than the ones id_tokens are signed with.
jwks_kids_not_the_signing_kids = _json_rewrite(
    lambda method, path, status: path == JWKS_PATH and status == 200, _renamed_kids(lambda: "-published"))


def _elsewhere_jwks(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("jwks_uri"), str):
        return {**body, "jwks_uri": body["jwks_uri"].replace("/security/jwks", "/security/keys")}
    return body


#: The OpenID configuration's jwks_uri points at a path that serves nothing.
openid_jwks_uri_elsewhere = _json_rewrite(
    lambda method, path, status: path == "/api/lti/security/openid-configuration" and status == 200, _elsewhere_jwks)


@contextmanager
def accepts_expired_tokens() -> Iterator[Any]:
    """Service tokens are accepted after their ``exp`` (every other token check stays)."""
    import mockserver.auth.pipeline as pipeline
    from mockserver.auth.tokens import _verified_claims
    from mockserver.canvas.errors import CanvasError

    original = pipeline.decode_access_token

    def lenient(secret: str, authorization: str | None, audiences: list[str], now: float) -> dict[str, Any]:
        try:
            return original(secret, authorization, audiences, now)
        except CanvasError as error:
            if "Access token expired" not in json.dumps(error.body):
                raise
            return _verified_claims(secret, (authorization or "").partition(" ")[2].strip())

    pipeline.decode_access_token = lenient  # type: ignore[assignment]
    try:
        yield create_app()
    finally:
        pipeline.decode_access_token = original  # type: ignore[assignment]


@contextmanager
def tokens_expire_early() -> Iterator[Any]:
    """Service tokens die after ten minutes, although they are granted with ``expires_in`` 3600."""
    import mockserver.auth.pipeline as pipeline

    original = pipeline.decode_access_token

    def hasty(secret: str, authorization: str | None, audiences: list[str], now: float) -> dict[str, Any]:
        return original(secret, authorization, audiences, now + 3000)

    pipeline.decode_access_token = hasty  # type: ignore[assignment]
    try:
        yield create_app()
    finally:
        pipeline.decode_access_token = original  # type: ignore[assignment]


def line_items_writable_read_only() -> Any:
    """A ``lineitem.readonly`` token may create, update and delete line items."""
    app = create_app()
    extra = frozenset({"https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"})
    for operation in ("createLineItem", "updateLineItem", "deleteLineItem"):
        info = app.state.operations[operation]  # type: ignore[attr-defined]
        operation_changed_on(app, operation, scope_sets=(*info.scope_sets, extra))
    return app


# -- the client assertion and key rotation (§8.2 steps 2-5, §9.1) ---------------------------------

@contextmanager
def _replaced(owner: Any, name: str, replacement: Any) -> Iterator[Any]:
    """A fresh mock while ``owner.name`` is ``replacement(original)``."""
    original = getattr(owner, name)
    setattr(owner, name, replacement(original))
    try:
        yield create_app()
    finally:
        setattr(owner, name, original)


def assertion_signature_unchecked() -> Any:
    """Any RS256 signature passes (the kid's key is never applied)."""
    from mockserver.auth.jws import CompactJWS

    return _replaced(CompactJWS, "verifies_with", lambda original: lambda self, key: True)


def client_taken_from_iss() -> Any:
    """The developer key is looked up by the assertion's ``iss`` (as many platforms do), not its ``sub``."""
    import dataclasses

    from mockserver.auth import jws

    def by_iss(original: Any) -> Any:
        def parse(token: str) -> Any:
            parsed = original(token)
            return dataclasses.replace(parsed, claims={**parsed.claims, "sub": parsed.claims.get("iss")})
        return parse

    return _replaced(jws, "parse", by_iss)


def _assertion_errors_without(unwanted: Callable[[str], bool], *, fill: dict[str, Any] | None = None,
                              any_audience: bool = False) -> Any:
    """The client assertion's claim checks forget the errors ``unwanted`` picks (service tokens keep them)."""
    from mockserver.auth import tokens

    def lenient(original: Any) -> Any:
        def claim_errors(claims: dict[str, Any], audiences: Any, now: float, max_age: int, prefix: str = "") -> list[str]:
            if max_age != tokens.ASSERTION_MAX_AGE:
                return original(claims, audiences, now, max_age, prefix)
            claims = {**(fill or {}), **claims}
            audiences = [*audiences, str(claims.get("aud"))] if any_audience else audiences
            return [e for e in original(claims, audiences, now, max_age, prefix) if not unwanted(e)]
        return claim_errors

    return _replaced(tokens, "claim_errors", lenient)


def accepts_expired_assertions() -> Any:
    return _assertion_errors_without(lambda e: e == "EXPIRED")


def accepts_stale_assertions() -> Any:
    return _assertion_errors_without(lambda e: "seconds old" in e)


def accepts_future_assertions() -> Any:
    return _assertion_errors_without(lambda e: "in the future" in e)


def accepts_any_assertion_audience() -> Any:
    return _assertion_errors_without(lambda e: False, any_audience=True)


def assertion_jti_optional() -> Any:
    return _assertion_errors_without(lambda e: False, fill={"jti": "filled-in-by-the-broken-mock"})


def rotation_drops_previous_key() -> Any:
    """A rotation unpublishes the key that signed until then."""
    from mockserver.auth.keys import PlatformKeys

    def forgetful(original: Any) -> Any:
        def rotate(self: Any) -> None:
            original(self)
            self.past, self._jwks = None, None
        return rotate

    return _replaced(PlatformKeys, "rotate", forgetful)


def rotation_signs_with_unpublished_key() -> Any:
    """A rotation makes a brand-new key current instead of the pre-published future one."""
    from mockserver.auth.keys import PlatformKeys, generate_key

    def hasty(original: Any) -> Any:
        def rotate(self: Any) -> None:
            original(self)
            self.current, self._jwks = generate_key("mock-platform-unannounced"), None
        return rotate

    return _replaced(PlatformKeys, "rotate", hasty)


# -- the REST API's collections around LTI (§15.1) -------------------------------------------------

REGISTRATIONS_PATH = re.compile(r"^/api/v1/accounts/\d+/lti_registrations$")
COURSE_TOOLS_PATH = re.compile(r"^/api/v1/courses/\d+/external_tools$")
RESOURCE_LINKS_PATH = re.compile(r"^/api/v1/courses/\d+/lti_resource_links$")


def registrations_page_drops_element(method: str, path: str, query: str, status: int, headers: dict[str, str],
                                     body: bytes):
    """Registration pages after the first lose their first element (``total`` and the Link header stay right)."""
    if method == "GET" and REGISTRATIONS_PATH.match(path) and status == 200 and _page(query) > 1:
        page = json.loads(body)
        body = json.dumps({**page, "data": page["data"][1:]}).encode()
    return status, headers, body


def course_tools_pages_one_short(method: str, path: str, query: str, status: int, headers: dict[str, str],
                                 body: bytes):
    """A course's tool pages that have a next page hold one tool fewer than ``per_page`` (the tool is lost)."""
    if method == "GET" and COURSE_TOOLS_PATH.match(path) and status == 200 and 'rel="next"' in headers.get("link", ""):
        body = json.dumps(json.loads(body)[:-1]).encode()
    return status, headers, body


#: Rosters, and resource link pages, that always offer rel="next".
next_on_last_page = _next_always(ROSTER_PATH)
resource_links_next_on_last_page = _next_always(RESOURCE_LINKS_PATH)


def link_custom_not_updated(original: Any) -> Any:
    """A link update stores ``url`` and ``title`` but keeps the old ``custom`` (its answer shows the new one)."""

    async def handler(ctx: Any, **params: Any) -> Any:
        raw = str(ctx.request.path_params.get("id", ""))
        link = ctx.world.resource_links.get(int(raw)) if raw.isdigit() else None
        kept = dict(link.custom) if link is not None else None
        response = await original(ctx, **params)
        if link is not None and kept is not None:
            link.custom = kept
        return response

    return handler


def bulk_links_stored_with_the_first_title(original: Any) -> Any:
    """Bulk creation answers every link as sent but stores each with the first item's title."""

    async def handler(ctx: Any, body: Any = None, **params: Any) -> Any:
        response = await original(ctx, body=body, **params)
        if response.status_code == 200 and isinstance(body, list) and body:
            for answered in json.loads(response.body):
                ctx.world.resource_links[answered["id"]].title = body[0].get("title")
        return response

    return handler


# -- tool configurations and registration history (issue 23: the operations next to the named ones) ----

CONTEXT_SEARCH_PATH = re.compile(r"^/api/v1/accounts/\d+/lti_registrations/\d+/deployments/\d+/context_search$")


def never_recorded(attribute: str) -> Callable[[Any], Any]:
    """A registration write that is stored and answered, but adds nothing to each registration's
    ``attribute`` (``history``: its history; ``overlay_versions``: its overlay history)."""

    def wrap(original: Any) -> Any:
        async def handler(ctx: Any, **params: Any) -> Any:
            kept = {r.id: len(getattr(r, attribute)) for r in ctx.world.registrations.values()}
            try:
                return await original(ctx, **params)
            finally:
                for registration in ctx.world.registrations.values():
                    del getattr(registration, attribute)[kept.get(registration.id, 0):]

        return handler

    return wrap


# -- sessionless launch links (§16.1): the link answered is fine, the page it opens launches another tool ----

def _lti13_tool_ids(world: Any) -> list[int]:
    return sorted(t.id for t in world.tools.values() if t.developer_key_id and t.workflow_state == "active")


def launches_first_installed_tool(original: Any) -> Any:
    """The tool page launches the first-installed LTI 1.3 tool, whichever tool its link names."""

    async def handler(ctx: Any, course_id: str, tool_id: str, **params: Any) -> Any:
        ids = _lti13_tool_ids(ctx.world)
        return await original(ctx, course_id=course_id, tool_id=str(ids[0]) if ids else tool_id, **params)

    return handler


def retrieves_first_installed_tool(original: Any) -> Any:
    """``retrieve`` launches the first-installed LTI 1.3 tool, whatever url or resource link it is given."""

    async def handler(ctx: Any, course_id: str, **params: Any) -> Any:
        from mockserver.handlers import sessionless

        user = sessionless._signed_in(ctx, params)
        ids = _lti13_tool_ids(ctx.world)
        if user is None or not ids:
            return await original(ctx, course_id=course_id, **params)
        return sessionless._launch(ctx, course_id, user, tool=str(ids[0]))

    return handler


def assignment_launches_newest_tool(original: Any) -> Any:
    """An assignment's page launches the most recently installed LTI 1.3 tool (a plain launch of it),
    not the assignment's."""

    async def handler(ctx: Any, course_id: str, assignment_id: str, **params: Any) -> Any:
        from mockserver.handlers import sessionless

        user = sessionless._signed_in(ctx, params)
        ids = _lti13_tool_ids(ctx.world)
        if user is None or not ids or not assignment_id.isdigit() or int(assignment_id) not in ctx.world.assignments:
            return await original(ctx, course_id=course_id, assignment_id=assignment_id, **params)
        return sessionless._launch(ctx, course_id, user, tool=str(ids[-1]))

    return handler


ACCOUNT_LINKS_PATH = re.compile(r"^/api/v1/accounts/(\d+)/external_tools/sessionless_launch$")


def account_links_for_first_tool() -> Any:
    """An account's sessionless link is always made for the account's first tool, whatever ``id`` asks."""
    app = create_app()
    world = app.state.world  # type: ignore[attr-defined]

    def first_tool(scope: Any) -> None:
        found = ACCOUNT_LINKS_PATH.match(scope["path"])
        if scope["method"] != "GET" or found is None:
            return
        own = sorted(t.id for t in world.tools.values() if t.context_type == "Account"
                     and t.context_id == int(found.group(1)) and t.workflow_state == "active")
        query = scope.get("query_string", b"").decode()
        if own:
            scope["query_string"] = re.sub(r"(^|&)id=\d+", rf"\g<1>id={own[0]}", query).encode()

    return RewritingApp(app, unchanged, first_tool)


# -- id_token claims (§10.3): signed with the right key, but one claim says something wrong -------------

LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def id_token_changed(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[], Any]:
    """A mock whose id_tokens are signed (correctly) after ``change`` rewrote their claims."""
    from mockserver.launch import id_token

    def build() -> Any:
        return _replaced(id_token, "sign", lambda original: lambda keys, claims: original(keys, change(dict(claims))))

    return build


def _course_path_to(claims: dict[str, Any], name: str, field: str, replace: tuple[str, str]) -> dict[str, Any]:
    claim = claims.get(name)
    if isinstance(claim, dict) and isinstance(claim.get(field), str):
        claims[name] = {**claim, field: claim[field].replace(*replace)}
    return claims


#: Each: what the broken mock's id_tokens get wrong.
ID_TOKEN_BUGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # the test environment's issuer, not the one the login initiation named
    "issuer": lambda c: {**c, "iss": "https://canvas.test.instructure.com"},
    # the developer key's local id (no shard prefix) as audience and azp
    "audience": lambda c: {**c, "aud": str(int(c["aud"]) % 10**13), "azp": str(int(c["aud"]) % 10**13)},
    # a nonce of the platform's own, not the authentication request's
    "nonce": lambda c: {**c, "nonce": "platform-generated-nonce"},
    # the tool id alone, without the context part of the deployment id
    "deployment": lambda c: {**c, LTI_CLAIM + "deployment_id": str(c[LTI_CLAIM + "deployment_id"]).split(":")[0]},
    # every launch called a resource link launch, also deep linking ones
    "message type": lambda c: {**c, LTI_CLAIM + "message_type": "LtiResourceLinkRequest"},
    # LTI 1.1 role names instead of LIS URIs
    "roles": lambda c: {**c, LTI_CLAIM + "roles": [str(r).rsplit("#", 1)[-1] for r in c.get(LTI_CLAIM + "roles", [])]},
    # expired on arrival
    "lifetime": lambda c: {**c, "exp": c["iat"]},
    # the line items of the tool's installation context (its account), not the launch's course
    "AGS endpoint": lambda c: _course_path_to(c, "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint", "lineitems",
                                              ("/courses/101/", "/courses/2/")),
    # the course's first group's memberships instead of the course's
    "NRPS endpoint": lambda c: _course_path_to(c, "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
                                               "context_memberships_url", ("/courses/101/", "/groups/1/")),
}


# -- tool lists around a context (§16.1, §13.1) ----------------------------------------------------------

GROUP_TOOLS_PATH = re.compile(r"^/api/v1/groups/\d+/external_tools$")


def lti_account_tools_without_parents() -> Any:
    """The LTI account tools list (and lookup) knows only the account's own tools, none from above."""
    from mockserver.handlers import lti_services

    def own_only(original: Any) -> Any:
        return lambda world, account: [t for t in original(world, account) if t.context_id == account.id]

    return _replaced(lti_services, "_account_tools", own_only)


def lti_account_tool_lookup_answers_first(original: Any) -> Any:
    """An LTI account tool looked up by id answers the account's first tool."""

    async def handler(ctx: Any, **params: Any) -> Any:
        from mockserver.handlers import lti_services

        with ctx.world.lock:
            account = lti_services._lti_account(ctx)
            tools = lti_services._account_tools(ctx.world, account)
        if tools:
            ctx.request.path_params["external_tool_id"] = str(tools[0].id)
        return await original(ctx, **params)

    return handler


def redirect_drops_state() -> Any:
    """``authorize_redirect`` forwards the OIDC parameters except the tool's ``state``."""
    from mockserver.launch import authorize

    def forgetful(original: Any) -> Any:
        return lambda scheme, params, secret, now: original(scheme, {k: v for k, v in params.items() if k != "state"},
                                                            secret, now)

    return _replaced(authorize, "redirect_location", forgetful)
