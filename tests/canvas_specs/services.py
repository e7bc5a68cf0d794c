"""What the LTI Advantage service cases share: tokens, the world edits Canvas's specs make in their
``before`` blocks (through the mock's state API, as a vendor would), and score posting.

Canvas's specs sign access tokens with Canvas's own secret to test each claim check; :func:`minted`
does the same with the mock app's secret, which is the only way to send a token whose signature is
right but whose claims are wrong.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt

from tests.ltiutil import SCORE, bearer, get_token

GRADING = "Mock Grading Tool"
GRADING_KEY = "10000000000001"
COURSE = 101
LINE_ITEM = f"/api/lti/courses/{COURSE}/line_items/1"  # default (coupled) line item of assignment 301, 10 points
SUBMISSION_EXT = "https://canvas.instructure.com/lti/submission"
PROGRESS_SCOPE = "https://canvas.instructure.com/lti-ags/progress/scope/show"


def auth(client: Any, config: dict[str, Any], scopes: list[str] | None = None, tool: str = GRADING) -> dict[str, str]:
    """The Authorization header of a fresh token for ``tool`` (all its scopes by default)."""
    return bearer(get_token(client, config, tool, scopes))


def minted(client: Any, **overrides: Any) -> dict[str, str]:
    """An access token signed with the mock's own secret, with claims overridden (None drops one)."""
    now = int(time.time())
    claims = {"iss": "https://canvas.instructure.com", "sub": GRADING_KEY, "aud": "http://testserver/login/oauth2/token",
              "iat": now, "exp": now + 3600, "jti": str(uuid.uuid4()),
              "scopes": "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return bearer(jwt.encode(claims, client.app.state.secret, algorithm="HS256"))


def edit_state(client: Any, change: Callable[[dict[str, Any]], None]) -> None:
    """GET /__mock__/state, let ``change`` edit the dump, PUT it back."""
    state = client.get("/__mock__/state").json()
    state.pop("scenario", None)
    change(state)
    response = client.put("/__mock__/state", json=state)
    assert response.status_code == 204, response.text


def record(state: dict[str, Any], table: str, **match: Any) -> dict[str, Any]:
    """The one row of a state dump's ``table`` whose fields equal ``match``."""
    return next(row for row in state[table] if all(row.get(k) == v for k, v in match.items()))


def lti_id(config: dict[str, Any], user_id: int) -> str:
    return next(u["lti_id"] for u in config["users"] if u["id"] == user_id)


def post_score(client: Any, headers: dict[str, str], line_item: str = LINE_ITEM, **body: Any) -> Any:
    """POST a score; the required fields default to a completed, fully graded one (None drops a field)."""
    payload = {"activityProgress": "Completed", "gradingProgress": "FullyGraded",
               "timestamp": "2026-03-01T10:00:00.000Z", **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"{line_item}/scores", headers={**headers, "Content-Type": SCORE}, json=payload)


def state_row(client: Any, table: str, **match: Any) -> dict[str, Any]:
    return record(client.get("/__mock__/state").json(), table, **match)
