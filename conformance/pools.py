"""Known-good ids in the sandbox: what generated cases are steered to, and what the run created."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Pools:
    """Ids found by discovery or made by the run, by kind."""

    line_items: list[int] = field(default_factory=list)  # readable (pre-existing or ours)
    results: list[int] = field(default_factory=list)
    # REST and account-level LTI resources (read with the Canvas API token or LTI tokens).
    course_tools: list[int] = field(default_factory=list)  # installed in the sandbox course itself
    account_tools: list[int] = field(default_factory=list)  # installed in the sandbox account itself
    lti_account_tools: list[int] = field(default_factory=list)  # of the sandbox account and above (LTI token)
    tool_urls: list[str] = field(default_factory=list)  # launch URLs of LTI 1.3 tools reachable from the course
    resource_links: list[tuple[str, ...]] = field(default_factory=list)  # each link's id forms
    registrations: list[int] = field(default_factory=list)  # of the root account
    developer_keys: list[str] = field(default_factory=list)  # client ids (= developer key ids) of those
    deployments: list[tuple[int, int]] = field(default_factory=list)  # (registration id, tool id of its key)
    subscriptions: list[str] = field(default_factory=list)  # the tool's data-service subscriptions

    def forget_line_item(self, item: Any) -> None:
        with contextlib.suppress(ValueError, TypeError):
            self.line_items = [i for i in self.line_items if i != int(item)]

    def forget_link(self, raw: Any) -> None:
        self.resource_links = [forms for forms in self.resource_links if str(raw) not in forms]

    def add_link(self, link: Any) -> None:
        if not isinstance(link, dict) or link.get("id") is None:
            return
        uuids = [f"{prefix}:{link[prefix]}" for prefix in ("lookup_uuid", "resource_link_uuid") if link.get(prefix)]
        forms = (str(link["id"]), *uuids)
        if not any(forms[0] == known[0] for known in self.resource_links):
            self.resource_links.append(forms)

    def forget_subscription(self, raw: Any) -> None:
        self.subscriptions = [s for s in self.subscriptions if s != str(raw)]


def last_id(url: Any) -> int | None:
    """The trailing integer of a resource URL (AGS ids are URLs), or None."""
    try:
        return int(str(url).rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None


def ids(items: Any) -> list[int]:
    """The integer ``id`` of each object of a list body."""
    if not isinstance(items, list):
        return []
    return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), int)]
