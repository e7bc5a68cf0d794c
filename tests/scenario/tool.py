"""A small LTI Advantage tool, as a vendor would write it, talking to the mock over HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tests import net
from tests.ltiutil import LINE_ITEM, SCORE, token_form

NEXT_RE = re.compile(r'<([^>]*)>\s*;\s*rel="next"')


class Tool:
    def __init__(self, mock: Any, name: str = "Mock Grading Tool", *, scopes: list[str] | None = None,
                 sleep: Callable[[float], Any] | None = None, max_attempts: int = 30) -> None:
        self.mock = mock
        self.tool = mock.tool(name)
        self.scopes = scopes or list(self.tool["scopes"])
        self.http = net.Client(base_url=mock.base_url)
        self.token: str | None = None
        #: A naive retry loop: every non-2xx answer is retried after ``sleep(1)``.
        self.sleep = sleep or (lambda seconds: None)
        self.max_attempts = max_attempts
        self.attempts: list[int] = []

    def close(self) -> None:
        self.http.close()

    def fetch_token(self, **assertion_claims: Any) -> httpx.Response:
        token_url = self.mock.config["token_url"]
        response = self.http.post(token_url, data=token_form(self.tool, token_url, self.scopes, **assertion_claims))
        if response.status_code == 200:
            self.token = response.json()["access_token"]
        return response

    def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with the naive retry loop (re-fetching the token on 401)."""
        response = None
        for _ in range(self.max_attempts):
            if self.token is None:
                self.fetch_token()
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.token}"}
            response = self.http.request(method, url, headers=headers, **kwargs)
            kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            self.attempts.append(response.status_code)
            if response.is_success:
                return response
            if response.status_code == 401:
                self.token = None
            self.sleep(1)
        assert response is not None
        return response

    def create_line_item(self, course_id: int, label: str = "Quiz", maximum: float = 10) -> dict[str, Any]:
        response = self.call("POST", f"/api/lti/courses/{course_id}/line_items",
                             json={"label": label, "scoreMaximum": maximum},
                             headers={"Content-Type": LINE_ITEM})
        assert response.status_code in (200, 201), response.text
        return response.json()

    def post_score(self, line_item_url: str, user_id: str | int, given: float = 5, maximum: float = 10) -> httpx.Response:
        body = {"userId": str(user_id), "scoreGiven": given, "scoreMaximum": maximum,
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                "timestamp": datetime.now(UTC).isoformat()}
        return self.call("POST", f"{line_item_url}/scores", json=body, headers={"Content-Type": SCORE})

    def list_line_items(self, course_id: int, *, per_page: int = 1, follow: bool = True) -> list[dict[str, Any]]:
        url: str | None = f"/api/lti/courses/{course_id}/line_items?per_page={per_page}"
        items: list[dict[str, Any]] = []
        while url:
            response = self.call("GET", url)
            assert response.status_code == 200, response.text
            items.extend(response.json())
            found = NEXT_RE.search(response.headers.get("link", ""))
            url = found.group(1) if found and follow else None
        return items
