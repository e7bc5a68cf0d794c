"""Tokens grant what Canvas grants (§8, §2.1, §13).

A token answer can be perfectly shaped and still wrong: another lifetime, a wider ``scope`` than
asked for, a scope the key never held, or a token that services accept for any operation.
"""

from __future__ import annotations

from typing import Any

from ..scopes import AGS_LINEITEM, AGS_LINEITEM_RO, AGS_RESULT, LINE_ITEM_TYPE, NRPS, SCORE_TYPE
from . import semantic_check
from .probe import Probe, Skip, iso, now

TOKEN_OP = "createAccessToken"
#: A scope no developer key can hold: always ``invalid_scope`` (§8.2 step 7).
UNKNOWN_SCOPE = "https://canvas.instructure.com/lti/conformance-probe/scope/unknown"
#: Documented LTI scopes (§13): on the mock, one the key lacks is asked for too.
DOCUMENTED_SCOPES = (
    AGS_LINEITEM, AGS_LINEITEM_RO, AGS_RESULT, "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://canvas.instructure.com/lti-ags/progress/scope/show", NRPS,
    "https://canvas.instructure.com/lti/public_jwk/scope/update",
    "https://canvas.instructure.com/lti/account_lookup/scope/show",
    "https://canvas.instructure.com/lti/feature_flags/scope/show",
    "https://canvas.instructure.com/lti/page_content/show",
    "https://purl.imsglobal.org/spec/lti/scope/noticehandlers",
    "https://purl.imsglobal.org/spec/lti/scope/asset.readonly",
    "https://purl.imsglobal.org/spec/lti/scope/report",
)


def read_scopes(probe: Probe) -> tuple[str, ...]:
    """The scopes of the three read services the checks use, as the key holds them."""
    chosen: list[str] = []
    for operation in ("listLineItems", "listResults", "listCourseMemberships"):
        try:
            chosen += [s for s in probe.scopes_for(operation) if s not in chosen]
        except Skip:
            continue
    if not chosen:
        raise Skip("the suite's key holds none of the AGS/NRPS read scopes")
    return tuple(chosen)


def _granted(probe: Probe, scopes: tuple[str, ...]) -> dict[str, Any]:
    status, body = probe.token_response(scopes)
    if status != 200 or not isinstance(body, dict):
        probe.fail(TOKEN_OP, f"a token for scopes the key holds ({' '.join(scopes)}) was refused: {status} {body}")
        raise Skip("no token")
    return body


@semantic_check("§8.3", TOKEN_OP)
def token_lifetime_and_type(probe: Probe) -> None:
    """A granted token says ``token_type`` Bearer and ``expires_in`` 3600."""
    body = _granted(probe, read_scopes(probe)[:1])
    if body.get("token_type") != "Bearer":
        probe.fail(TOKEN_OP, f'token_type must be "Bearer", got {body.get("token_type")!r}')
    if body.get("expires_in") != 3600:
        probe.fail(TOKEN_OP, f"expires_in must be 3600 (one hour), got {body.get('expires_in')!r}")


@semantic_check("§8.3", TOKEN_OP)
def token_scope_is_requested_scope(probe: Probe) -> None:
    """The granted ``scope`` is exactly the requested scopes (each subset asked for, not the key's list)."""
    scopes = read_scopes(probe)
    for requested in dict.fromkeys((scopes, scopes[:1], scopes[-1:])):
        body = _granted(probe, requested)
        granted = str(body.get("scope", "")).split()
        if sorted(set(granted)) != sorted(requested) or len(granted) != len(set(granted)):
            probe.fail(TOKEN_OP, f"asked for {sorted(requested)}, the token grants {granted}")


@semantic_check("§8.2", TOKEN_OP)
def token_refuses_unheld_scope(probe: Probe) -> None:
    """Asking for a scope the key lacks (with ones it holds) is refused with 400 ``invalid_scope``."""
    held = read_scopes(probe)
    lacking = [UNKNOWN_SCOPE]
    known = set(probe.target.creds.scopes)
    if known:  # the mock tells us the key's scopes: a documented one it lacks must be refused too
        lacking += [s for s in DOCUMENTED_SCOPES if s not in known][:1]
    for scope in lacking:
        status, body = probe.token_response((*held, scope))
        error = body.get("error") if isinstance(body, dict) else None
        if status != 400 or error != "invalid_scope":
            granted = body.get("scope") if isinstance(body, dict) else None
            probe.fail(TOKEN_OP, f"asked for {scope}, which the key does not hold: expected 400 invalid_scope, "
                                 f"got {status} {error or ''}" + (f" granting {granted!r}" if granted else ""))
        elif scope not in str(body.get("error_description", "")):
            probe.fail(TOKEN_OP, f"the invalid_scope description does not name {scope}: {body.get('error_description')!r}")


#: Read services and the scopes any one of which lets a token in (§3.1, §5, §7.1).
SERVICES = (("listLineItems", {AGS_LINEITEM, AGS_LINEITEM_RO}), ("listResults", {AGS_RESULT}),
            ("listCourseMemberships", {NRPS}))


@semantic_check("§2.1 step 3, §13", TOKEN_OP, "listLineItems", "listResults", "listCourseMemberships")
def token_works_for_its_scopes_only(probe: Probe) -> None:
    """A token for one scope reads the services that scope opens (200) and no other (401)."""
    read_scopes(probe)  # Skip when the key holds none of them
    known = set(probe.target.creds.scopes)
    paths = {"listLineItems": probe.line_items_path(), "listCourseMemberships": f"/api/lti/courses/{probe.course}/names_and_roles"}
    items = probe.reference(probe.line_items())
    first = next((i for i in (str(e.get("id", "")).rsplit("/", 1)[-1] for e in items) if i.isdigit()), None)
    if first is not None:
        paths["listResults"] = f"{probe.line_items_path(int(first))}/results"
    for scope in sorted(set().union(*(accepted for _, accepted in SERVICES))):
        if known and scope not in known:
            continue
        status, body = probe.token_response((scope,))
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            if known:  # the key holds it (a real Canvas's key may simply not: then there is nothing to judge)
                probe.fail(TOKEN_OP, f"a token for {scope} alone was refused: {status}")
            continue
        for operation, accepted in SERVICES:
            if operation not in paths:
                continue
            response = probe.call("GET", paths[operation], token=body["access_token"])
            opens = scope in accepted
            if opens and response.status_code != 200:
                probe.fail(operation, f"a token for {scope} must read {operation}: got {response.status_code}")
            elif not opens and response.status_code != 401:
                probe.fail(operation, f"a token for {scope} alone must not read {operation} "
                                      f"(it needs {' or '.join(sorted(accepted))}): expected 401, got {response.status_code}")


def _service(probe: Probe) -> tuple[str, str, tuple[str, ...]]:
    """(operation, path, scopes) of a read service the key can call."""
    for operation, path in (("listLineItems", probe.line_items_path()),
                            ("listCourseMemberships", f"/api/lti/courses/{probe.course}/names_and_roles")):
        try:
            return operation, path, probe.scopes_for(operation)
        except Skip:
            continue
    raise Skip("the suite's key holds no scope of a read service")


def _token_with_lifetime(probe: Probe) -> tuple[str, str, str, int]:
    """(operation, path, token, expires_in): a fresh token for a read service the key holds."""
    operation, path, scopes = _service(probe)
    status, body = probe.token_response(scopes)
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("expires_in"), int):
        raise Skip(f"no token with a lifetime: {status}")
    return operation, path, body["access_token"], body["expires_in"]


def _advance_clock(probe: Probe, seconds: int) -> None:
    """Move the mock's clock on by ``seconds``, and back when the run cleans up."""
    probe.control("POST", "/__mock__/clock", {"advance": seconds})
    probe.undo("put the mock clock back", lambda: probe.control("POST", "/__mock__/clock", {"advance": -seconds}))


@semantic_check("§2.2, §8.3", TOKEN_OP, "listLineItems", "listCourseMemberships", mock_only=True)
def expired_token_refused(probe: Probe) -> None:
    """A token used after its ``expires_in`` (the mock's clock moved on) is refused with 401."""
    operation, path, token, lifetime = _token_with_lifetime(probe)
    if not probe.expect_status(operation, probe.call("GET", path, token=token), (200,), "a fresh token"):
        return
    _advance_clock(probe, lifetime + 1)
    probe.expect_status(operation, probe.call("GET", path, token=token), (401,), "the token expired 1 s ago")


@semantic_check("§2.2, §8.3", TOKEN_OP, "listLineItems", "listCourseMemberships", mock_only=True)
def token_valid_until_expiry(probe: Probe) -> None:
    """A token still works a minute before its ``expires_in`` runs out (the mock's clock moved on): a tool
    that caches it for the lifetime it was promised is not refused early."""
    operation, path, token, lifetime = _token_with_lifetime(probe)
    if lifetime <= 60:
        raise Skip(f"a lifetime of {lifetime} s leaves no minute to spare")
    _advance_clock(probe, lifetime - 60)
    probe.expect_status(operation, probe.call("GET", path, token=token), (200,), "the token has 60 s of its lifetime left")


#: Writes of the line item service, and the scope each needs (§3.1, §4.1).
LINE_ITEM_WRITES = (("createLineItem", "POST", None), ("updateLineItem", "PUT", "item"), ("deleteLineItem", "DELETE", "item"))


@semantic_check("§2.1 step 3, §3.1, §4.1", "createLineItem", "updateLineItem", "deleteLineItem", "createScore", writes=True)
def read_only_token_cannot_write(probe: Probe) -> None:
    """A ``lineitem.readonly`` token cannot create, update or delete line items, a ``result.readonly`` one
    cannot post scores: each is 401, and nothing changes."""
    item = probe.line_item_for("createLineItem", "read-only token", maximum=10)
    body = {"label": "written with a read-only token", "scoreMaximum": 3}
    for scope in (AGS_LINEITEM_RO, AGS_RESULT):
        status, granted = probe.token_response((scope,))
        if status != 200 or not isinstance(granted, dict):
            continue  # the key does not hold it: nothing to judge
        token = granted["access_token"]
        for operation, method, target in LINE_ITEM_WRITES:
            path = probe.line_items_path(item if target else None)
            response = probe.call(method, path, token=token, json_body=body if method != "DELETE" else None,
                                  content_type=LINE_ITEM_TYPE if method != "DELETE" else None)
            if response.status_code in (200, 201) and operation == "createLineItem":
                probe.ctx.own((probe.json(response) or {}).get("id"))  # clean-up deletes it
            probe.expect_status(operation, response, (401,), f"a {scope.rsplit('/', 1)[-1]} token may not write line items")
        if scope == AGS_RESULT and probe.students:
            response = probe.call("POST", f"{probe.line_items_path(item)}/scores", token=token, json_body={
                "userId": probe.students[0], "scoreGiven": 1, "scoreMaximum": 10, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": iso(now())}, content_type=SCORE_TYPE)
            probe.expect_status("createScore", response, (401,), "a result.readonly token may not post scores")
    answer = probe.json(probe.get(probe.line_items_path(item), (AGS_LINEITEM,)))
    if not isinstance(answer, dict) or answer.get("label") == body["label"]:
        probe.fail("updateLineItem", f"a read-only token's writes changed line item {item}: {str(answer)[:200]}")
