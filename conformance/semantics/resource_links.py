"""LTI Resource Links (§16.2): lookups return the link looked up, writes read back, deletes delete."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import collect, created, differences, listed_ids, update_reads_back

#: At most this many listed links are looked up in each id form.
LOOKED_UP = 3


def _path(probe: Probe) -> str:
    return f"/api/v1/courses/{probe.course}/lti_resource_links"


@semantic_check("§16.2", "getLtiResourceLink")
def resource_link_lookup_returns_it(probe: Probe) -> None:
    """A link fetched by ``id``, ``lookup_uuid:<uuid>`` or ``resource_link_uuid:<uuid>`` is that link."""
    links = collect(probe, _path(probe))
    if len(links) < 2 and probe.ctx.may_write():  # two links at least, or a lookup answering another cannot show
        with contextlib.suppress(Skip):  # (not where the write policy forbids it: then judge what there is)
            new_link(probe, f"canvas-lti conform lookup {uuid.uuid4().hex[:8]}", {})
            links = collect(probe, _path(probe))
    if not links:
        raise Skip("the sandbox course has no resource link")
    for link in links[:LOOKED_UP]:
        forms = [str(link.get("id"))] + [f"{prefix}:{link[prefix]}" for prefix in ("lookup_uuid", "resource_link_uuid")
                                         if link.get(prefix)]
        for form in forms:
            response = probe.api("GET", f"{_path(probe)}/{form}")
            answer = probe.json(response)
            if response.status_code != 200 or not isinstance(answer, dict):
                probe.fail("getLtiResourceLink", f"link {link.get('id')} looked up as {form!r} answered {response.status_code}")
            elif (answer.get("id"), answer.get("lookup_uuid"), answer.get("resource_link_uuid")) != (
                    link.get("id"), link.get("lookup_uuid"), link.get("resource_link_uuid")):
                probe.fail("getLtiResourceLink", f"looked up as {form!r}, the answer is link {answer.get('id')} "
                                                 f"(lookup_uuid {answer.get('lookup_uuid')}), not link {link.get('id')}")


def new_link(probe: Probe, title: str, custom: dict[str, str]) -> dict[str, Any]:
    tools = probe.ctx.pools.tool_urls
    if not tools:
        raise Skip("no LTI 1.3 tool URL reachable from the course")
    body = {"url": tools[0], "title": title, "custom": custom}
    return created(probe, "createLtiResourceLink", probe.api("POST", _path(probe), json_body=body), (200,), _path(probe))


@semantic_check("§16.2", "createLtiResourceLink", "getLtiResourceLink", "updateLtiResourceLink", writes=True)
def resource_link_reads_back(probe: Probe) -> None:
    """A created link reads back as sent (url, title), and again after its ``url`` is updated."""
    title = f"canvas-lti conform {uuid.uuid4().hex[:8]}"
    link = new_link(probe, title, {"conform": "created"})
    path = f"{_path(probe)}/{link['id']}"
    launch_url = probe.ctx.pools.tool_urls[0]
    problems = differences({"url": launch_url, "title": title}, probe.json(probe.api("GET", path)))
    if problems:
        probe.fail("getLtiResourceLink", "the created link does not read back as created: " + "; ".join(problems))
    # The same tool's launch URL with another query still matches the tool (§16.2: url must match it).
    change = {"url": f"{launch_url}{'&' if '?' in launch_url else '?'}conform={uuid.uuid4().hex[:8]}"}
    update_reads_back(probe, "updateLtiResourceLink", "getLtiResourceLink", path, change, {**change, "id": link["id"]})


@semantic_check("§16.2", "deleteLtiResourceLink", "getLtiResourceLink", "listLtiResourceLinks", writes=True)
def resource_link_delete_removes(probe: Probe) -> None:
    """A deleted link answers 404, leaves the list, and shows as deleted with ``include_deleted``."""
    link = new_link(probe, f"canvas-lti conform deleted {uuid.uuid4().hex[:8]}", {})
    path = f"{_path(probe)}/{link['id']}"
    response = probe.api("DELETE", path)
    if not probe.expect_status("deleteLtiResourceLink", response, (200,), "deleting the check's own link"):
        return
    probe.expect_status("getLtiResourceLink", probe.api("GET", path), (404,), "the link was deleted")
    if link["id"] in listed_ids(probe, _path(probe)):
        probe.fail("listLtiResourceLinks", f"deleted link {link['id']} is still listed")
    kept = {e.get("id"): e for e in collect(probe, _path(probe), include_deleted="true")}
    if kept.get(link["id"], {}).get("workflow_state") != "deleted":
        probe.fail("listLtiResourceLinks", f"with include_deleted the deleted link {link['id']} must be listed as "
                                           f"deleted, got {kept.get(link['id'])!r}")


@semantic_check("§16.2", "createLtiResourceLink", "getLtiResourceLink", "updateLtiResourceLink", writes=True)
def resource_link_custom_reads_back(probe: Probe) -> None:
    """A link's ``custom`` parameters read back as created, and as replaced by an update."""
    created_custom = {"conform_created": uuid.uuid4().hex[:8]}
    link = new_link(probe, f"canvas-lti conform custom {uuid.uuid4().hex[:8]}", created_custom)
    path = f"{_path(probe)}/{link['id']}"
    for operation, answer in (("createLtiResourceLink", link), ("getLtiResourceLink", probe.json(probe.api("GET", path)))):
        problems = differences({"custom": created_custom}, answer)
        if problems:
            probe.fail(operation, "the link's custom parameters do not read back as created: " + "; ".join(problems))
    update_reads_back(probe, "updateLtiResourceLink", "getLtiResourceLink", path,
                      {"custom": {"conform_updated": uuid.uuid4().hex[:8]}})


@semantic_check("§16.2", "bulkCreateLtiResourceLinks", "getLtiResourceLink", writes=True)
def bulk_resource_links_read_back(probe: Probe) -> None:
    """Links created in bulk are answered in request order, each reading back as sent (url, title, custom)."""
    tools = probe.ctx.pools.tool_urls
    if not tools:
        raise Skip("no LTI 1.3 tool URL reachable from the course")
    mark = uuid.uuid4().hex[:8]
    sent = [{"url": tools[0], "title": f"canvas-lti conform bulk {mark} {n}", "custom": {"conform_bulk": f"{mark}-{n}"}}
            for n in range(2)]
    response = probe.api("POST", f"{_path(probe)}/bulk", json_body=sent)
    answer = probe.json(response)
    if not probe.expect_status("bulkCreateLtiResourceLinks", response, (200,), "creating two valid links"):
        return
    if not isinstance(answer, list) or len(answer) != len(sent):
        probe.fail("bulkCreateLtiResourceLinks", f"two links sent, the answer is {str(answer)[:200]}")
        return
    for link in answer:
        if isinstance(link, dict) and link.get("id") is not None:
            path = f"{_path(probe)}/{link['id']}"
            probe.undo(f"delete {path}", lambda path=path: probe.api("DELETE", path))
    for number, (item, link) in enumerate(zip(sent, answer, strict=True)):
        problems = differences(item, link)
        if problems:
            probe.fail("bulkCreateLtiResourceLinks", f"link {number} of the bulk answer is not as sent: " + "; ".join(problems))
        elif isinstance(link, dict):
            problems = differences(item, probe.json(probe.api("GET", f"{_path(probe)}/{link.get('id')}")))
            if problems:
                probe.fail("getLtiResourceLink", f"bulk-created link {link.get('id')} does not read back: " + "; ".join(problems))


not_checked("updateLtiResourceLink", "`context_external_tool_id` changes",
            "moving a link to another tool needs a second tool whose URL matches")
