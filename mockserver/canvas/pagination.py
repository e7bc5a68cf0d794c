"""Canvas pagination (§15.1): page/per_page arithmetic and the Link header.

Link entries are ``<url>; rel="…"`` joined by "," without spaces, in the order current, next,
prev, first, last. Each URL is the base URL plus the request's other query parameters (in
Rails ``to_query`` order: sorted), then ``page=N&per_page=M``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

DROPPED_PARAMS = frozenset({"page", "per_page", "access_token", "api_key"})
#: Folio's default page size: what the links of a page past the end carry (see ``link_header``).
FOLIO_PER_PAGE = 30
_LEADING_INT = re.compile(r"\s*[-+]?\d+")


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int | None

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def last(self) -> int:
        total = self.total or 0
        return max(1, -(-total // self.size))


def page_size(per_page: int | None, default: int, maximum: int) -> int:
    """``Api.per_page``: the default when absent, else clamped to 1..maximum."""
    if per_page is None:
        return default
    return max(1, min(per_page, maximum))


@functools.lru_cache(maxsize=1024)
def _kept_query(query: tuple[tuple[str, str], ...], drop: frozenset[str]) -> str:
    """The query the links repeat, Rails-sorted by name. Memoised: a tool pages with the same
    parameters request after request, and percent-encoding them was a tenth of a page's cost."""
    return urlencode(sorted(((k, v) for k, v in query if k not in drop), key=lambda kv: kv[0]))


def link_header(base_url: str, query: Sequence[tuple[str, str]], page: Page,
                drop: frozenset[str] = DROPPED_PARAMS) -> str:
    """A page past the end of a counted collection is Canvas's stand-in (``Api.paginate_collection!``
    rescues ``Folio::InvalidPage`` with an empty ``Folio::Ordinal::Page``): no total, so its links are
    current, next, prev and first, with Folio's default page size, and no last."""
    kept = _kept_query(tuple(query), drop)
    prefix = base_url + ("&" if "?" in base_url else "?") + (kept + "&" if kept else "")
    if page.total is not None and page.number > page.last:
        page = Page(page.number, FOLIO_PER_PAGE, None)
    suffix = f"&per_page={page.size}"

    def url(number: int) -> str:
        return f"{prefix}page={number}{suffix}"

    links = [("current", page.number)]
    has_next = page.total is None or page.number < page.last
    if has_next:
        links.append(("next", page.number + 1))
    if page.number > 1:
        links.append(("prev", page.number - 1))
    links.append(("first", 1))
    if page.total is not None:
        links.append(("last", page.last))
    return ",".join(f'<{url(n)}>; rel="{rel}"' for rel, n in links)


def ruby_to_i(raw: str | None) -> int:
    """Ruby's ``String#to_i``: the leading integer, 0 when there is none (``"12abc"`` is 12)."""
    match = _LEADING_INT.match(raw or "")
    return int(match.group()) if match else 0


def int_param(raw: str | None) -> int | None:
    """Lenient integer query parameter (validation already rejected garbage)."""
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def requested_page(params: Mapping[str, str], default: int, maximum: int,
                   limit_cap: int | None = None) -> tuple[int, int]:
    """``(page number, page size)``. ``limit`` (LTI services) wins over ``per_page``; AGS
    passes it through uncapped (§3.4); NRPS reads it with ``to_i``, ignores it unless positive
    and caps it at 50 (§7.4)."""
    limit = int_param(params.get("limit")) if not limit_cap else ruby_to_i(params.get("limit")) or None
    if limit is not None and limit > 0:
        size = min(limit, limit_cap) if limit_cap else limit
    else:
        size = page_size(int_param(params.get("per_page")), default, maximum)
    return max(1, int_param(params.get("page")) or 1), max(1, size)
