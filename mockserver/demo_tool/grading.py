"""Posting a score as a tool does, from its server (LTI AGS 2.0 with an LTI 1.3 service token).

Three requests, each shown on the tool's page with the platform's answer: a client-credentials
token (a client assertion signed with the tool's key, §4.1 of the security framework), the line
item (the launch's own, else the tool's by ``resourceId``, created when missing), then the score.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from ..lazy_imports import LazyModule
from . import keys
from .platform import Platform, PlatformClient

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINE_ITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESOURCE_ID = "demo-tool"
ASSERTION_LIFETIME = 300


@dataclass(frozen=True)
class Step:
    what: str
    status: int
    detail: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Outcome:
    steps: list[Step] = field(default_factory=list)
    line_item: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    def add(self, what: str, response: httpx.Response, detail: str = "") -> bool:
        self.steps.append(Step(what, response.status_code, detail if response.is_success else response.text[:500]))
        return response.is_success


def client_assertion(client_id: str, token_url: str, now: float) -> str:
    claims = {"iss": client_id, "sub": client_id, "aud": token_url, "iat": int(now),
              "exp": int(now) + ASSERTION_LIFETIME, "jti": secrets.token_urlsafe(16)}
    return jwt.encode(claims, keys.private_key(), algorithm="RS256", headers={"kid": keys.KID})


def ags_claim(claims: dict[str, Any]) -> dict[str, Any] | None:
    ags = claims.get(AGS)
    return ags if isinstance(ags, dict) and (ags.get("lineitem") or ags.get("lineitems")) else None


async def post_score(client: PlatformClient, platform: Platform, claims: dict[str, Any], client_id: str, *,
                     given: float, maximum: float, comment: str, now: float) -> Outcome:
    outcome = Outcome()
    ags = ags_claim(claims) or {}
    scopes = " ".join(s for s in ags.get("scope", []) if isinstance(s, str))
    answer = await client.send("POST", platform.token_url, data={
        "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion(client_id, platform.token_url, now), "scope": scopes})
    if not outcome.add("Access token (client credentials)", answer, f"scopes: {scopes}"):
        return outcome
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    line_item = ags.get("lineitem")
    if not line_item:
        found = await client.send("GET", ags["lineitems"], params={"resource_id": RESOURCE_ID},
                                  headers={**bearer, "Accept": LINE_ITEMS})
        if not outcome.add("Find the tool's line item", found, f"resourceId {RESOURCE_ID}"):
            return outcome
        line_item = found.json()[0]["id"] if found.json() else None
    if not line_item:
        created = await client.send("POST", ags["lineitems"], headers={**bearer, "Content-Type": LINE_ITEM},
                                    json={"label": "Demo Tool activity", "scoreMaximum": maximum,
                                          "resourceId": RESOURCE_ID})
        if not outcome.add("Create a line item", created, "Demo Tool activity"):
            return outcome
        line_item = created.json()["id"]
    outcome.line_item = line_item
    scored = await client.send("POST", f"{line_item}/scores", headers={**bearer, "Content-Type": SCORE}, json={
        "userId": claims.get("sub"), "scoreGiven": given, "scoreMaximum": maximum, "comment": comment,
        "activityProgress": "Completed", "gradingProgress": "FullyGraded",
        "timestamp": datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")})
    outcome.add("Post the score", scored, f"{given:g}/{maximum:g} for user {claims.get('sub')}")
    return outcome
