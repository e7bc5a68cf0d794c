"""A small LTI 1.3 Advantage tool's service client, as a vendor would write it.

It is the code under test in the README's examples and in ``test_example_tool.py``: copy both into
your project as a start. It talks to any Canvas (or the mock) over HTTP with httpx and PyJWT:

- tokens by the client-credentials grant with an RS256 client assertion, cached until they
  expire by the tool's clock, fetched again on Canvas's 401;
- retries with backoff on 5xx, on Canvas's 403 rate-limit answer and on dropped connections; the
  ``sleep`` and ``clock`` it uses are parameters, so tests move the mock's clock instead of waiting;
- no duplicates after an ambiguous failure (a 5xx or a dropped connection after a write may mean
  Canvas did it): before writing again it reads back whether the write landed;
- every ``rel="next"`` page followed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt

SCORE = "application/vnd.ims.lis.v1.score+json"
LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class ToolError(RuntimeError):
    """Canvas kept refusing a request (after the retries)."""


class ExampleTool:
    def __init__(self, *, token_url: str, client_id: str, private_key_pem: str, kid: str, scopes: list[str],
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], Any] = time.sleep,
                 max_attempts: int = 5) -> None:
        self.token_url, self.client_id, self.kid, self.scopes = token_url, client_id, kid, scopes
        self._key = private_key_pem
        self.clock, self.sleep, self.max_attempts = clock, sleep, max_attempts
        self.http = httpx.Client(timeout=30)
        self._token: str | None = None
        self._token_expires = 0.0

    @classmethod
    def from_registration(cls, platform: dict[str, Any], key: dict[str, Any], **options: Any) -> ExampleTool:
        """From the platform's ``token_url`` and a developer key's ``client_id``, ``kid``,
        ``private_key_pem`` and ``scopes`` (the mock's ``/__mock__/config`` has both)."""
        return cls(token_url=platform["token_url"], client_id=key["client_id"], kid=key["kid"],
                   private_key_pem=key["private_key_pem"], scopes=list(key["scopes"]), **options)

    # -- tokens ------------------------------------------------------------------------------------

    def token(self) -> str:
        if self._token is None or self.clock() >= self._token_expires - 60:
            now = int(self.clock())
            assertion = jwt.encode({"iss": self.client_id, "sub": self.client_id, "aud": self.token_url, "iat": now,
                                    "exp": now + 300, "jti": str(uuid.uuid4())},
                                   self._key, algorithm="RS256", headers={"kid": self.kid})
            answer = self._send("POST", self.token_url, authorized=False, data={
                "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion, "scope": " ".join(self.scopes)}).json()
            self._token, self._token_expires = answer["access_token"], now + answer["expires_in"]
        return self._token

    # -- HTTP with retries -------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, authorized: bool = True, landed: Callable[[], Any] | None = None,
              **kwargs: Any) -> httpx.Response:
        """One logical request. Retries what is safe to retry; after an ambiguous failure of a
        write, ``landed()`` says whether Canvas did it anyway (then its answer is returned)."""
        for attempt in range(self.max_attempts):
            if attempt:
                self.sleep(2 ** (attempt - 1))
                if landed is not None and (done := landed()) is not None:
                    return done
            headers = dict(kwargs.pop("headers", {}))
            if authorized:
                headers["Authorization"] = f"Bearer {self.token()}"
            try:
                response = self.http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError:  # a dropped connection: the request may or may not have landed
                kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
                continue
            kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            if response.status_code == 401 and authorized:
                self._token = None  # expired or revoked: fetch a new one and try again
                continue
            if response.status_code >= 500 or (response.status_code == 403 and "Rate Limit" in response.text):
                continue
            if response.is_error:
                raise ToolError(f"{method} {url}: {response.status_code} {response.text[:200]}")
            return response
        raise ToolError(f"{method} {url}: gave up after {self.max_attempts} attempts")

    def _pages(self, url: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url:
            response = self._send("GET", next_url, params=params)
            params = {}  # the next link carries the query
            body = response.json()
            items.extend(body["members"] if isinstance(body, dict) else body)
            next_url = response.links.get("next", {}).get("url")
        return items

    # -- AGS and NRPS ------------------------------------------------------------------------------

    def line_items(self, course_url: str, **filters: Any) -> list[dict[str, Any]]:
        """``course_url`` is the context's ``…/api/lti/courses/:id``; filters: tag, resource_id …"""
        return self._pages(f"{course_url}/line_items", **filters)

    def find_or_create_line_item(self, course_url: str, label: str, maximum: float, *, tag: str | None = None) -> dict[str, Any]:
        tag = tag or label

        def existing() -> httpx.Response | None:
            found = self.line_items(course_url, tag=tag)
            return _as_response(found[0]) if found else None

        if (found := existing()) is not None:
            return found.json()
        return self._send("POST", f"{course_url}/line_items", landed=existing, headers={"Content-Type": LINE_ITEM},
                          json={"label": label, "scoreMaximum": maximum, "tag": tag}).json()

    def results(self, line_item_url: str, user_id: str | None = None) -> list[dict[str, Any]]:
        return self._pages(f"{line_item_url}/results", **({"user_id": user_id} if user_id else {}))

    def post_score(self, line_item_url: str, user_id: str, given: float, maximum: float) -> None:
        def landed() -> httpx.Response | None:
            mine = [r for r in self.results(line_item_url, user_id) if r.get("resultScore") == given]
            return _as_response(mine[0]) if mine else None

        self._send("POST", f"{line_item_url}/scores", landed=landed, headers={"Content-Type": SCORE}, json={
            "userId": user_id, "scoreGiven": given, "scoreMaximum": maximum, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": datetime.fromtimestamp(self.clock(), UTC).isoformat()})

    def sync_grades(self, course_url: str, label: str, grades: dict[str, float], *, maximum: float = 100) -> dict[str, Any]:
        """Post ``grades`` (LTI user id -> score) to the line item labelled ``label``; returns it."""
        item = self.find_or_create_line_item(course_url, label, maximum)
        for user_id, given in grades.items():
            self.post_score(item["id"], user_id, given, maximum)
        return item

    def members(self, course_url: str, role: str | None = None) -> list[dict[str, Any]]:
        """The NRPS roster, every page."""
        return self._pages(f"{course_url}/names_and_roles", **({"role": role} if role else {}))


def _as_response(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)
