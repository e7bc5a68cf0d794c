"""A small LTI tool with pages a person sees, for the browser tests of the web console.

It is the repository's example tool (``tests/launch/tool.py``: verifies id_tokens against the
platform JWKS with PyJWT, signs its own client assertions) behind an HTML face: the launch page
greets the user, and a button makes the tool post a score over AGS, as real tools do from
their server side, then says how that went.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

import httpx
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests import net
from tests.launch.tool import AGS_CLAIM, DL, LTI, LtiTool
from tests.ltiutil import LINE_ITEM, SCORE

RESOURCE_ID = "console-quiz"


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><link rel="icon" href="data:,"></head>
<body style="font-family: sans-serif; margin: 1rem"><h1>{escape(title)}</h1>{body}</body></html>""", status_code=status)


class ConsoleTool:
    """``LtiTool`` plus its web pages; ``launches`` keeps each verified launch's claims."""

    def __init__(self, lti: LtiTool) -> None:
        self.lti = lti
        self.line_items: list[str] = []

    @property
    def base_url(self) -> str:
        return self.lti.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:  # set by ``tests.launch.tool.serve``
        self.lti.base_url = value

    def _line_item(self, claims: dict[str, Any], headers: dict[str, str], maximum: float) -> str:
        """The launch's line item, else the tool's own one (found by resourceId or created)."""
        ags = claims[AGS_CLAIM]
        if ags.get("lineitem"):
            return ags["lineitem"]
        found = net.get(ags["lineitems"], params={"resource_id": RESOURCE_ID}, headers=headers)
        found.raise_for_status()
        if found.json():
            return found.json()[0]["id"]
        created = net.post(ags["lineitems"], headers={**headers, "Content-Type": LINE_ITEM},
                             json={"label": "Console quiz", "scoreMaximum": maximum, "resourceId": RESOURCE_ID})
        created.raise_for_status()
        return created.json()["id"]

    def post_score(self, claims: dict[str, Any], given: float, maximum: float, comment: str) -> str:
        token = self.lti.access_token(claims[AGS_CLAIM]["scope"])
        headers = {"Authorization": f"Bearer {token}"}
        line_item = self._line_item(claims, headers, maximum)
        self.line_items.append(line_item)
        scored = net.post(f"{line_item}/scores", headers={**headers, "Content-Type": SCORE}, json={
            "userId": claims["sub"], "scoreGiven": given, "scoreMaximum": maximum, "comment": comment,
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")})
        scored.raise_for_status()
        return line_item

    # -- pages -----------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        return self.lti.login(request, params)

    async def launch(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            claims = self.lti.verify_launch(form)
        except (ValueError, jwt.PyJWTError, KeyError) as exc:
            return page("Launch refused", f"<p>{escape(str(exc))}</p>", 400)
        if claims.get(LTI + "message_type") == "LtiDeepLinkingRequest":
            return self.picker(claims)
        index = len(self.lti.launches) - 1
        roles = ", ".join(r.rsplit("#", 1)[-1] for r in claims.get(LTI + "roles", []))
        course = claims.get(LTI + "context", {}).get("title", "")
        return page(f"Hello, {claims.get('name', 'anonymous')}", f"""
<p class="who">Launched from <strong>{escape(course)}</strong> as <span class="roles">{escape(roles)}</span>
   (placement {escape(str(claims.get("https://www.instructure.com/placement")))}).</p>
<form method="post" action="/score">
  <input type="hidden" name="launch" value="{index}">
  <label>Score <input name="given" value="8" size="3"></label> out of
  <label><input name="maximum" value="10" size="3"></label>
  <label>Comment <input name="comment" value="Well done"></label>
  <button type="submit">Post score</button>
</form>
<details><summary>Claims received</summary><pre class="claims">{escape(json.dumps(claims, indent=2, sort_keys=True))}</pre></details>""")

    def picker(self, claims: dict[str, Any]) -> Response:
        """A deep linking launch: offer one quiz; choosing it posts the response to Canvas's return URL."""
        item = {"type": "ltiResourceLink", "title": "Console quiz 2", "url": f"{self.base_url}/launch",
                "lineItem": {"scoreMaximum": 20, "label": "Console quiz 2"}}
        token = self.lti.deep_linking_response(claims, [item])
        broken = self.lti.deep_linking_response(claims, [item], aud="https://wrong.example")  # not Canvas's issuer
        return_url = claims[DL + "deep_linking_settings"]["deep_link_return_url"]
        return page("Pick content", f"""
<form method="post" action="{escape(return_url)}">
  <input type="hidden" name="JWT" value="{escape(token)}">
  <button type="submit">Add Console quiz 2</button>
</form>
<form method="post" action="{escape(return_url)}">
  <input type="hidden" name="JWT" value="{escape(broken)}">
  <button type="submit">Send a response for another platform</button>
</form>""")

    async def score(self, request: Request) -> Response:
        form = await request.form()
        claims = self.lti.launches[int(str(form["launch"]))]
        given, maximum = float(str(form["given"])), float(str(form["maximum"]))
        try:
            self.post_score(claims, given, maximum, str(form.get("comment", "")))
        except httpx.HTTPStatusError as exc:
            return page("Score failed", f'<p class="outcome">Score failed: {exc.response.status_code}</p>')
        return page("Score posted", f'<p class="outcome">Score posted: {given:g}/{maximum:g}</p>')

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/login", self.login, methods=["GET", "POST"]),
            Route("/launch", self.launch, methods=["POST"]),
            Route("/score", self.score, methods=["POST"]),
        ])
