"""Pagination is complete and exact (§15.1, §3.4, §5, §7.4).

Every paginated LTI collection, and the REST API's collections around LTI (External Tools, LTI Resource
Links, LTI Registrations, read with the run's API token and ``per_page``), is walked twice by following
``rel="next"``: in the largest pages
Canvas serves (the reference) and in small pages chosen so that there are several. The walks
must visit every element once, fill every page but the last, offer ``next`` exactly while
elements remain, and point ``current``/``prev``/``first``/``last`` where §15.1 says.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

from . import semantic_check
from .pages import Listing, Walk, query_of
from .probe import Probe, Skip

#: Query parameters Canvas rewrites in Link URLs rather than carrying them (§15.1, §7.4).
PAGING_PARAMS = {"page", "per_page", "limit"}
LTI_OPERATIONS = ("listLineItems", "listResults", "listCourseMemberships", "listGroupMemberships")
#: The REST API's collections around LTI, walked with ``per_page`` and the run's API token.
REST_OPERATIONS = ("listCourseExternalTools", "listAccountExternalTools", "listLtiResourceLinks", "listLtiRegistrations")
OPERATIONS = LTI_OPERATIONS + REST_OPERATIONS
#: Small walks stay under about this many pages, whatever the collection's size.
TARGET_PAGES = 6


def _listings(probe: Probe) -> Iterator[Listing]:
    wanted = probe.selected & set(OPERATIONS)
    if "listLineItems" in wanted:
        yield probe.line_items()
    if "listResults" in wanted:
        with contextlib.suppress(Skip):
            yield probe.results(probe.item_with_results())
    if "listCourseMemberships" in wanted:
        yield probe.course_roster()
    if "listGroupMemberships" in wanted:
        group = probe.group_roster()
        if group is not None:
            yield group
    if probe.target.api_token:
        rest = probe.rest_listings()
        yield from (rest[operation] for operation in REST_OPERATIONS if operation in wanted and operation in rest)


def small_size(total: int) -> int:
    """A page size giving several pages: 1 for tiny collections, else about TARGET_PAGES pages."""
    return 1 if total <= 2 else max(2, -(-total // TARGET_PAGES))


def walks(probe: Probe) -> Iterator[tuple[Walk, set[str]]]:
    """``(walk, ids of the whole collection)`` for the reference and the small-page walk of each
    collection, and of the line items filtered by their most common tag (filters ride along in
    the Link URLs, §3.4)."""
    for listing in _listings(probe):
        for filters in _filter_sets(probe, listing):
            reference = probe.walk(listing, **filters)
            if reference.pages[0].status != 200:
                continue
            whole = {str(k) for k in reference.ids()}
            yield reference, whole
            yield probe.walk(listing, small_size(len(whole)), **filters), whole


def _filter_sets(probe: Probe, listing: Listing) -> list[dict[str, str]]:
    if listing.operation == "listCourseExternalTools":  # the account's tools too: a longer list
        return [{}, {"include_parents": "true"}]
    if listing.operation != "listLineItems":
        return [{}]
    tags = Counter(e.get("tag") for e in probe.walk(listing).elements if isinstance(e.get("tag"), str))
    return [{}, *([{"tag": tags.most_common(1)[0][0]}] if tags else [])]


def page_size(walk: Walk) -> int:
    return min(walk.size, walk.listing.max_size)


def _where(walk: Walk, index: int) -> str:
    return f"{walk.listing.operation} limit={walk.size}, page {index + 1} ({walk.pages[index].url})"


@semantic_check("§15.1", *OPERATIONS)
def pagination_complete(probe: Probe) -> None:
    """Following ``next`` visits every element exactly once; small pages add up to the whole list."""
    for walk, whole in walks(probe):
        if walk.endless:
            probe.fail(walk.listing.operation, f"{walk.listing.operation} limit={walk.size}: rel=\"next\" never ends "
                                               f"(stopped after {len(walk.pages)} pages)")
        keys = [str(k) for k in walk.ids()]
        repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
        if repeated:
            probe.fail(walk.listing.operation, f"{walk.listing.operation} limit={walk.size}: elements listed more than "
                                               f"once: {repeated}")
        known = whole
        if set(keys) != known:
            probe.fail(walk.listing.operation,
                       f"{walk.listing.operation}: pages of {walk.size} visit {sorted(set(keys))}, the whole list is "
                       f"{sorted(known)} (missing {sorted(known - set(keys))}, extra {sorted(set(keys) - known)})")


@semantic_check("§15.1", *OPERATIONS)
def page_sizes_exact(probe: Probe) -> None:
    """Every page but the last holds exactly ``per_page`` elements (Canvas's cap applied); the last is not empty."""
    for walk, whole in walks(probe):
        total, size = len(whole), page_size(walk)
        for index, page in enumerate(walk.pages):
            last = index == len(walk.pages) - 1
            count = len(page.items)
            if not last and count != size:
                probe.fail(walk.listing.operation, f"{_where(walk, index)} holds {count} elements, expected {size}")
            elif last and total and not 1 <= count <= size:
                probe.fail(walk.listing.operation, f"the last page, {_where(walk, index)}, holds {count} elements, "
                                                   f"expected 1..{size}")


@semantic_check("§15.1", *OPERATIONS)
def next_link_exact(probe: Probe) -> None:
    """``rel="next"`` is present exactly when elements remain after the page."""
    for walk, whole in walks(probe):
        total, seen = len(whole), 0
        for index, page in enumerate(walk.pages):
            seen += len(page.items)
            remain = seen < total
            if remain and "next" not in page.links:
                probe.fail(walk.listing.operation, f"{_where(walk, index)}: {total - seen} element(s) remain but "
                                                   'there is no rel="next"')
            elif not remain and "next" in page.links:
                probe.fail(walk.listing.operation, f"{_where(walk, index)}: all {total} elements were listed but "
                                                   f'rel="next" still points to {page.links["next"]}')


def _page_number(url: str) -> int | None:
    raw = query_of(url).get("page", "")
    return int(raw) if raw.isdigit() else None


@semantic_check("§15.1", *OPERATIONS)
def link_rels_exact(probe: Probe) -> None:
    """``current``, ``next``, ``prev``, ``first`` and ``last`` name the right page, size, path and filters."""
    for walk, whole in walks(probe):
        size = page_size(walk)
        last_page = max(1, -(-len(whole) // size))
        carried = {k: str(v) for k, v in walk.params.items() if k not in PAGING_PARAMS}
        for index, page in enumerate(walk.pages):
            number = index + 1
            expected = {"current": number, "first": 1, "last": last_page}
            if number > 1:
                expected["prev"] = number - 1
            if "next" in page.links:
                expected["next"] = number + 1
            if number > 1 and "prev" not in page.links:
                probe.fail(walk.listing.operation, f'{_where(walk, index)} has no rel="prev"')
            if number == 1 and "prev" in page.links:
                probe.fail(walk.listing.operation, f'{_where(walk, index)} is the first page but has rel="prev"')
            for rel, url in page.links.items():
                problems = []
                query = query_of(url)
                if rel in expected and _page_number(url) not in (None, expected[rel]):
                    problems.append(f"page={query.get('page')} (expected {expected[rel]})")
                if query.get("per_page") not in (None, str(size)):
                    problems.append(f"per_page={query.get('per_page')} (expected {size})")
                if not url.split("?", 1)[0].endswith(walk.listing.path):
                    problems.append(f"path is not {walk.listing.path}")
                dropped = {k: v for k, v in carried.items() if query.get(k) != v}
                if dropped:
                    problems.append(f"drops the request's {dropped}")
                if problems:
                    probe.fail(walk.listing.operation, f'{_where(walk, index)}: rel="{rel}" ' + "; ".join(problems))
