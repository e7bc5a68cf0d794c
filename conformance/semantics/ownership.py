"""Ownership: a tool sees and touches only its own line items (§3.4, §2.1 step 8).

The list is judged from answers alone (every listed line item must be readable by the key that
listed it: another tool's answers 412). Where the target exposes another tool's line item (our
mock's ``/__mock__/state``), reading, updating and deleting it must be refused.
"""

from __future__ import annotations

from typing import Any

from ..scopes import AGS_LINEITEM, LINE_ITEM_TYPE
from . import semantic_check
from .probe import Probe, Skip, item_id

#: At most this many listed line items are read back one by one.
READ_BACK = 10


def foreign_line_items(probe: Probe) -> list[dict[str, Any]]:
    """Active line items of the sandbox course owned by another developer key (mock only)."""
    state = probe.mock_state() or {}
    mine = str(probe.target.creds.client_id)
    return [li for li in state.get("line_items", []) if li.get("course_id") == probe.course
            and str(li.get("client_id")) != mine and li.get("workflow_state") == "active"]


@semantic_check("§3.4, §2.1 step 8", "listLineItems")
def foreign_line_items_hidden(probe: Probe) -> None:
    """The line item list holds only the key's own line items (each reads back with 200)."""
    listing = probe.line_items()
    listed = [item_id(e.get("id")) for e in probe.reference(listing)]
    foreign = {li["id"] for li in foreign_line_items(probe)}
    leaked = sorted(i for i in listed if i in foreign)
    if leaked:
        probe.fail("listLineItems", f"the list shows line items of another tool: {leaked}")
    for item in [i for i in listed if i is not None][:READ_BACK]:
        response = probe.get(probe.line_items_path(item), listing.scopes)
        if response.status_code != 200:
            probe.fail("listLineItems", f"listed line item {item} does not read back: {response.status_code} "
                                        "(412 means it belongs to another tool)")


@semantic_check("§2.1 step 8, §3.5-§3.7", "getLineItem", "updateLineItem", "deleteLineItem")
def foreign_line_item_refused(probe: Probe) -> None:
    """Another tool's line item is refused (412, or 404) to read, update or delete; it stays unchanged."""
    foreign = foreign_line_items(probe)
    if not foreign:
        raise Skip("the target exposes no line item of another tool")
    target = foreign[0]
    path = probe.line_items_path(target["id"])
    refused = (412, 404)
    why = "the line item belongs to another tool"
    response = probe.get(path, (AGS_LINEITEM,))
    probe.expect_status("getLineItem", response, refused, why)
    if not probe.ctx.may_write():
        return
    response = probe.call("PUT", path, (AGS_LINEITEM,), json_body={"label": "taken over", "scoreMaximum": 1},
                          content_type=LINE_ITEM_TYPE)
    probe.expect_status("updateLineItem", response, refused, why)
    response = probe.call("DELETE", path, (AGS_LINEITEM,))
    probe.expect_status("deleteLineItem", response, refused, why)
    probe.refresh_state()
    after = next((li for li in foreign_line_items(probe) if li["id"] == target["id"]), None)
    if after is None or after.get("label") != target.get("label") or after.get("score_maximum") != target.get("score_maximum"):
        probe.fail("updateLineItem", f"another tool's line item {target['id']} was changed or deleted: "
                                     f"before {target}, after {after}")
