"""Canvas's shared examples ``it_behaves_like "lti services"``
(``spec/controllers/lti/ims/concerns/lti_services_shared_examples.rb``), as checks a controller's module
runs against one of its endpoints. Each controller spec that includes them is cited by its own module.

Access tokens are made as the spec's ``access_token_jwt_hash`` is: a valid token of the fixture's Mock
Grading Tool, or one signed here (``forge``) with a claim changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt

from tests.ltiutil import bearer, get_token, lti_error

SHARED = "lti services / common lti advantage request and response check"
GRADING_KEY = "10000000000001"


@dataclass(frozen=True)
class Endpoint:
    """One action of a controller: its request, scope and media type."""

    method: str
    url: str
    scope: str
    media_type: str
    body: dict[str, Any] = field(default_factory=dict)

    def send(self, mock: Any, token: str | None) -> Any:
        headers = bearer(token) if token else {}
        kwargs = {"json": self.body} if self.method in ("POST", "PUT") else {}
        return mock.request(self.method, self.url, headers=headers, **kwargs)


def token_for(mock: Any, scopes: list[str] | None = None) -> str:
    config = mock.get("/__mock__/config").json()
    return get_token(mock, config, "Mock Grading Tool", scopes)


def forge(app: Any, **overrides: Any) -> str:
    """A token the mock would issue for the grading tool, with ``overrides`` (``None`` drops a claim)."""
    now = int(app.state.clock.now())
    claims = {"iss": "https://canvas.instructure.com", "sub": GRADING_KEY, "aud": "http://testserver/login/oauth2/token",
              "iat": now, "exp": now + 3600, "jti": "canvas-spec", "scopes": ""}
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, app.state.secret, algorithm="HS256")


def not_ims(response: Any, endpoint: Endpoint) -> None:
    """``mime_type check``: an error is not answered in the service's media type."""
    assert endpoint.media_type not in response.headers["content-type"]


def check_success(mock: Any, endpoint: Endpoint) -> None:
    """"returns correct mime_type" and "returns 200 success"."""
    response = endpoint.send(mock, token_for(mock, [endpoint.scope]))
    assert response.status_code == 200, response.text
    assert endpoint.media_type in response.headers["content-type"]


def check_universal_audience(mock: Any, app: Any, endpoint: Endpoint) -> None:
    """'with "canvas.instructure.com" aud' / "returns 200 success"."""
    token = forge(app, aud="http://canvas.instructure.com/login/oauth2/token", scopes=endpoint.scope)
    assert endpoint.send(mock, token).status_code == 200


def check_token_errors(mock: Any, app: Any, endpoint: Endpoint, case: str) -> None:
    """One of the shared examples' token failures: 401 and its message, not in the service's media type."""
    now = int(app.state.clock.now())
    tokens: dict[str, tuple[str | None, str]] = {
        "no access token": (None, "Missing access token"),
        "malformed access token": ("gibberish", "Invalid access token format"),
        "no access token scope grant": (token_for(mock, ["https://canvas.instructure.com/lti/account_lookup/scope/show"])
                                        if endpoint.scope != "https://canvas.instructure.com/lti/account_lookup/scope/show"
                                        else token_for(mock, ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]),
                                        "Insufficient permissions"),
        "invalid access token signature": (jwt.encode({"sub": GRADING_KEY, "iat": now, "exp": now + 3600}, "x" * 64, algorithm="HS256"),
                                           "Access token invalid - signature likely incorrect"),
        "missing access token claims": (forge(app, sub=None, aud=None, exp=None, iat=None, jti=None, iss=None, scopes=endpoint.scope),
                                        "Invalid access token field/s: the following assertions are missing: sub,aud,exp,iat,jti,iss"),
        "invalid access token audience ('aud')": (forge(app, aud="https://wont/match/anything", scopes=endpoint.scope),
                                                  "Invalid access token field/s: the 'aud' is invalid"),
        "expired access token": (forge(app, iat=now - 4000, exp=now - 3600, scopes=endpoint.scope), "Access token expired"),
        "access token issuance timestamp in the future ('iat')": (forge(app, iat=now + 3600, exp=now + 7200, scopes=endpoint.scope),
                                                                  "Invalid access token field/s: the 'iat' must not be in the future"),
    }
    token, message = tokens[case]
    response = endpoint.send(mock, token)
    lti_error(response, 401, message)
    not_ims(response, endpoint)


TOKEN_CASES = ["no access token", "malformed access token", "no access token scope grant", "invalid access token signature",
               "missing access token claims", "invalid access token audience ('aud')", "expired access token",
               "access token issuance timestamp in the future ('iat')"]


def check_deleted_developer_key(mock: Any, endpoint: Endpoint) -> None:
    """"with deleted developer key": the key's registration deleted, its token no longer answers."""
    token = token_for(mock, [endpoint.scope])
    registration = mock.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{GRADING_KEY}",
                            headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY"}).json()
    assert mock.delete(f"/api/v1/accounts/1/lti_registrations/{registration['id']}",
                       headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY"}).status_code == 200
    response = endpoint.send(mock, token)
    lti_error(response, 401, "Unknown or inactive Developer Key")
    not_ims(response, endpoint)
