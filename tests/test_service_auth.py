"""The §2 filter chain on the LTI services: each error, in Canvas's order, with Canvas's body."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from tests.ltiutil import AGS_LINEITEM_RO, AGS_RESULT, NRPS, api_error, bearer, get_token, lti_error

ROUTES = [
    "/api/lti/courses/101/line_items",
    "/api/lti/courses/101/line_items/1",
    "/api/lti/courses/101/line_items/1/results",
    "/api/lti/courses/101/names_and_roles",
    "/api/lti/groups/501/names_and_roles",
]


@pytest.mark.parametrize("path", ROUTES)
def test_missing_token(client: Any, path: str) -> None:
    lti_error(client.get(path), 401, "Missing access token")


@pytest.mark.parametrize("value", ["Bearer gibberish", "Bearer a.b.c", "Bearer "])
def test_invalid_format(client: Any, value: str) -> None:
    expected = "Missing access token" if value == "Bearer " else "Invalid access token format"
    lti_error(client.get(ROUTES[0], headers={"Authorization": value}), 401, expected)


def _forge(app: Any, secret: str | None = None, alg: str = "HS256", **overrides: Any) -> str:
    now = int(app.state.clock.now())
    claims = {"iss": "https://canvas.instructure.com", "sub": "10000000000001",
              "aud": "http://testserver/login/oauth2/token", "iat": now, "exp": now + 3600, "jti": "x",
              "scopes": AGS_LINEITEM_RO}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    if alg == "none":
        return jwt.encode(claims, None, algorithm="none")
    return jwt.encode(claims, secret or app.state.secret, algorithm=alg)


def test_wrong_signature(app: Any, client: Any) -> None:
    token = _forge(app, secret="another-secret-of-a-sufficient-length-0123")
    lti_error(client.get(ROUTES[0], headers=bearer(token)), 401, "Access token invalid - signature likely incorrect")


def test_alg_none_not_allowed(app: Any, client: Any) -> None:
    lti_error(client.get(ROUTES[0], headers=bearer(_forge(app, alg="none"))), 401,
              "Access token signature algorithm not allowed")


@pytest.mark.parametrize(("overrides", "message"), [
    (lambda now: {"jti": None, "iss": None}, "Invalid access token field/s: the following assertions are missing: jti,iss"),
    (lambda now: {"aud": "https://evil.example/login/oauth2/token"}, "Invalid access token field/s: the 'aud' is invalid"),
    (lambda now: {"exp": "tomorrow"}, "Invalid access token field/s: the 'exp' must be a number"),
    (lambda now: {"iat": now + 600, "exp": now + 4000}, "Invalid access token field/s: the 'iat' must not be in the future"),
    (lambda now: {"iat": now - 3700, "exp": now + 60}, "Invalid access token field/s: the 'iat' must be less than 3600 seconds old"),
])
def test_claim_errors(app: Any, client: Any, overrides: Any, message: str) -> None:
    token = _forge(app, **overrides(int(app.state.clock.now())))
    lti_error(client.get(ROUTES[0], headers=bearer(token)), 401, message)


def test_universal_grant_host_audience_accepted(app: Any, client: Any) -> None:
    token = _forge(app, aud="http://canvas.instructure.com/login/oauth2/token")
    assert client.get(ROUTES[0], headers=bearer(token)).status_code == 200


def test_expired_after_an_hour_on_the_mock_clock(app: Any, client: Any, grading_token: str) -> None:
    assert client.get(ROUTES[0], headers=bearer(grading_token)).status_code == 200
    app.state.clock.advance(3601)
    lti_error(client.get(ROUTES[0], headers=bearer(grading_token)), 401, "Access token expired")


def test_unknown_or_inactive_developer_key(app: Any, client: Any, grading_token: str) -> None:
    lti_error(client.get(ROUTES[0], headers=bearer(_forge(app, sub="123"))), 401, "Unknown or inactive Developer Key")
    app.state.world.developer_keys["10000000000001"].workflow_state = "inactive"
    lti_error(client.get(ROUTES[0], headers=bearer(grading_token)), 401, "Unknown or inactive Developer Key")


@pytest.mark.parametrize(("path", "scope"), [
    ("/api/lti/courses/101/line_items", NRPS),
    ("/api/lti/courses/101/line_items/1/results", AGS_LINEITEM_RO),
    ("/api/lti/courses/101/names_and_roles", AGS_RESULT),
])
def test_insufficient_scope(client: Any, config: dict[str, Any], path: str, scope: str) -> None:
    token = get_token(client, config, "Mock Grading Tool", [scope])
    lti_error(client.get(path, headers=bearer(token)), 401, "Insufficient permissions")


def test_readonly_scope_is_enough_to_list_but_not_to_create(client: Any, config: dict[str, Any]) -> None:
    token = get_token(client, config, "Mock Grading Tool", [AGS_LINEITEM_RO])
    assert client.get(ROUTES[0], headers=bearer(token)).status_code == 200
    response = client.post(ROUTES[0], headers=bearer(token), json={"label": "x", "scoreMaximum": 1})
    lti_error(response, 401, "Insufficient permissions")


def test_unbound_key(client: Any, config: dict[str, Any]) -> None:
    token = get_token(client, config, "Unbound Tool")
    lti_error(client.get(ROUTES[0], headers=bearer(token)), 401, "Invalid Developer Key")


def test_scope_checked_before_binding(client: Any, config: dict[str, Any]) -> None:
    token = get_token(client, config, "Unbound Tool", [NRPS])
    lti_error(client.get(ROUTES[0], headers=bearer(token)), 401, "Insufficient permissions")


def test_tool_not_reachable_from_context(client: Any, grading_token: str) -> None:
    """The grading tool is installed in sub-account 2; course 102 lives in sibling account 3."""
    lti_error(client.get("/api/lti/courses/102/line_items", headers=bearer(grading_token)), 401,
              "Access Token not linked to a Tool associated with this Context")


def test_tool_deleted(app: Any, client: Any, grading_token: str) -> None:
    app.state.world.tools[1].workflow_state = "deleted"
    lti_error(client.get(ROUTES[0], headers=bearer(grading_token)), 401,
              "Access Token not linked to a Tool associated with this Context")


def test_unknown_course_is_generic_404(client: Any, grading_token: str) -> None:
    api_error(client.get("/api/lti/courses/424242/line_items", headers=bearer(grading_token)), 404,
              "The specified resource does not exist.")
    api_error(client.get("/api/lti/groups/9999/names_and_roles", headers=bearer(grading_token)), 404,
              "The specified resource does not exist.")


def test_deleted_course(app: Any, client: Any, grading_token: str) -> None:
    app.state.world.courses[101].workflow_state = "deleted"
    lti_error(client.get(ROUTES[0], headers=bearer(grading_token)), 404, "Context is deleted or not found")


def test_concluded_course_refuses_ags_but_not_nrps(client: Any, grading_token: str) -> None:
    lti_error(client.get("/api/lti/courses/103/line_items", headers=bearer(grading_token)), 422,
              "This course has concluded. AGS requests will no longer be accepted for this course.")
    assert client.get("/api/lti/courses/103/names_and_roles", headers=bearer(grading_token)).status_code == 200


def test_other_keys_line_item_is_412(client: Any, grading_token: str) -> None:
    """Line item 2 belongs to the unbound tool's key (§2.1 step 8)."""
    for method in ("get", "put", "delete"):
        response = getattr(client, method)("/api/lti/courses/101/line_items/2", headers=bearer(grading_token))
        lti_error(response, 412, "Tool does not have permission to view line_item")


def test_errors_never_carry_the_ims_media_type(client: Any, grading_token: str) -> None:
    response = client.get("/api/lti/courses/101/line_items/2", headers=bearer(grading_token))
    assert "vnd.ims" not in response.headers["content-type"]
