"""Filters mean what they say (§3.4, §5, §7.4).

For each filter value the check fetches the filtered list and the unfiltered one and filters the
latter itself: every returned element must satisfy the filter, the two must hold the same
elements, and a value that matches nothing must return nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from ..scopes import LEARNER
from . import semantic_check
from .pages import Listing
from .probe import Probe, Skip

NO_MATCH = "canvas-lti-conform-matches-nothing"
NO_SUCH_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#ConformanceNoSuchRole"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"


def _short(element: Any) -> str:
    text = json.dumps(element)
    return text if len(text) <= 160 else text[:160] + "…"


def judge_filter(probe: Probe, listing: Listing, param: str, value: str,
                 matches: Callable[[dict[str, Any]], bool]) -> None:
    """Compare ``listing?param=value`` with the unfiltered list filtered by ``matches``."""
    reference = probe.reference(listing)
    expected = sorted(str(e.get(listing.key)) for e in reference if matches(e))
    walk = probe.walk(listing, **{param: value})
    status = walk.pages[0].status
    if status != 200:
        probe.fail(listing.operation, f"{param}={value!r} answered {status}, expected 200")
        return
    wrong = [e for e in walk.elements if not matches(e)]
    if wrong:
        probe.fail(listing.operation, f"{param}={value!r} returned {len(wrong)} element(s) that do not satisfy it, "
                                      f"e.g. {_short(wrong[0])}")
    got = sorted(str(k) for k in walk.ids())
    if got != expected:
        what = "a value that matches nothing must return nothing" if not expected else \
            "the filtered list must equal the unfiltered list filtered by the client"
        probe.fail(listing.operation, f"{param}={value!r}: {what}; expected {expected}, got {got}")


def _values(elements: list[dict[str, Any]], field: str, limit: int = 2) -> list[str]:
    seen = [e.get(field) for e in elements if isinstance(e.get(field), str)]
    return list(dict.fromkeys(seen))[:limit]


def _line_item_filter(probe: Probe, param: str, field: str) -> None:
    listing = probe.line_items()
    values = [*_values(probe.reference(listing), field), NO_MATCH]
    for value in values:
        judge_filter(probe, listing, param, value, lambda e, v=value: e.get(field) == v)


@semantic_check("§3.4", "listLineItems")
def line_item_tag_filter(probe: Probe) -> None:
    """``tag`` returns exactly the course's line items with that tag."""
    _line_item_filter(probe, "tag", "tag")


@semantic_check("§3.4", "listLineItems")
def line_item_resource_id_filter(probe: Probe) -> None:
    """``resource_id`` returns exactly the line items with that resourceId."""
    _line_item_filter(probe, "resource_id", "resourceId")


@semantic_check("§3.4", "listLineItems")
def line_item_resource_link_filter(probe: Probe) -> None:
    """``resource_link_id`` returns exactly the line items of that resource link."""
    _line_item_filter(probe, "resource_link_id", "resourceLinkId")


@semantic_check("§5", "listResults")
def result_user_filter(probe: Probe) -> None:
    """``user_id`` returns exactly that user's result (none for a user without one)."""
    listing = probe.results(probe.item_with_results())
    results = probe.reference(listing)
    scored = set(_values(results, "userId", limit=len(results)))
    unscored = [s for s in probe.students if s not in scored][:1]
    for value in [*_values(results, "userId"), *unscored, str(uuid.uuid5(uuid.NAMESPACE_URL, NO_MATCH))]:
        judge_filter(probe, listing, "user_id", value, lambda e, v=value: e.get("userId") == v)


def _roles(elements: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(r for e in elements for r in e.get("roles") or [] if isinstance(r, str)))


@semantic_check("§7.4", "listCourseMemberships", "listGroupMemberships")
def membership_role_filter(probe: Probe) -> None:
    """``role`` returns exactly the members holding that role; an unknown role returns nobody."""
    listings = [probe.course_roster()]
    group = probe.group_roster()
    if group is not None:
        listings.append(group)
    for listing in listings:
        present = _roles(probe.reference(listing))
        extra = [f"{LIS}#Member", f"{LIS}#Manager"] if listing.operation == "listGroupMemberships" else [LEARNER]
        for role in [*dict.fromkeys([*present, *extra]), NO_SUCH_ROLE]:
            judge_filter(probe, listing, "role", role, lambda e, r=role: r in (e.get("roles") or []))


@semantic_check("§7.4", "listCourseMemberships")
def membership_rlid_filter(probe: Probe) -> None:
    """``rlid``: the course's own id changes nobody, a link's keeps every non-student, an unknown one is 400."""
    listing = probe.course_roster()
    everyone = probe.reference(listing)
    response = probe.get(listing.path, listing.scopes, limit=listing.max_size)
    body = probe.json(response) or {}
    context_id = (body.get("context") or {}).get("id") if isinstance(body, dict) else None
    if not isinstance(context_id, str):
        raise Skip("the roster names no context id")
    all_ids = {e.get("user_id") for e in everyone}
    links = _values(probe.reference(probe.line_items()), "resourceLinkId", limit=1)
    for rlid in [context_id, *links]:
        walk = probe.walk(listing, rlid=rlid)
        if walk.pages[0].status != 200:
            probe.fail(listing.operation, f"rlid={rlid!r} (the tool's own) answered {walk.pages[0].status}, expected 200")
            continue
        got = {e.get("user_id") for e in walk.elements}
        if rlid == context_id and got != all_ids:
            probe.fail(listing.operation, f"rlid=<the course's context id> must list the whole roster: "
                                          f"expected {sorted(all_ids)}, got {sorted(got)}")
        staff = {e.get("user_id") for e in everyone if LEARNER not in (e.get("roles") or [])}
        if not got <= all_ids or not staff <= got:
            probe.fail(listing.operation, f"rlid={rlid!r} may only narrow the students of the roster: "
                                          f"extra {sorted(got - all_ids)}, missing non-students {sorted(staff - got)}")
        if any(not isinstance(e.get("message"), list) for e in walk.elements):
            probe.fail(listing.operation, f"with rlid={rlid!r} every member carries its launch `message` claims")
    unknown = probe.get(listing.path, listing.scopes, rlid=NO_MATCH)
    probe.expect_status(listing.operation, unknown, (400,), "an rlid the tool has no access to")
