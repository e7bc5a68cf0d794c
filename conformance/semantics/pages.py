"""Paginated collections as the semantic checks see them: elements, pages and Link relations (§15.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: A walk stops after this many pages: a ``next`` that never ends is a finding, not a hang.
MAX_PAGES = 40


@dataclass(frozen=True)
class Listing:
    """One paginated collection: its operation, URL, scopes, element identity and page-size knob."""

    operation: str
    path: str
    scopes: tuple[str, ...]
    key: str  # the element field that identifies it ("id" or "user_id")
    max_size: int  # the largest page Canvas serves (§15.1, §7.4)
    size_param: str = "limit"  # the LTI services' ``limit``; Canvas's REST API takes ``per_page``
    api: bool = False  # read with the run's Canvas API token, not an LTI service token

    def items(self, body: Any) -> list[dict[str, Any]] | None:
        """The elements of a page body (a bare array, NRPS's ``members``, the Registrations API's ``data``)."""
        if isinstance(body, dict):
            body = body.get("members", body.get("data"))
        if not isinstance(body, list):
            return None
        return [item for item in body if isinstance(item, dict)]


@dataclass
class PageSeen:
    url: str
    status: int
    items: list[dict[str, Any]]
    links: dict[str, str]


@dataclass
class Walk:
    """Pages visited by following ``rel="next"`` from a first request."""

    listing: Listing
    params: dict[str, Any]
    size: int
    pages: list[PageSeen] = field(default_factory=list)
    endless: bool = False

    def ids(self) -> list[Any]:
        return [item.get(self.listing.key) for page in self.pages for item in page.items]

    @property
    def elements(self) -> list[dict[str, Any]]:
        return [item for page in self.pages for item in page.items]


def parse_link(value: str | None) -> dict[str, str]:
    """``{rel: url}`` of a Link header (the grammar itself is ``link_header_format``'s job)."""
    links: dict[str, str] = {}
    for entry in (value or "").split(","):
        url, _, rel = entry.strip().partition(";")
        rel = rel.strip().removeprefix("rel=").strip('"')
        if url.startswith("<") and url.endswith(">") and rel:
            links.setdefault(rel, url[1:-1])
    return links


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
