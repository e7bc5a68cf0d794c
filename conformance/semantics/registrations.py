"""LTI Registrations (§16.3): writes and bindings read back, deletes delete, lookups and the
``query`` filter return what they name."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..recipes import REGISTRATION_CONFIG, Recipes, RecipeUnavailable
from . import semantic_check
from .probe import Probe, Skip
from .rest import collect, created, differences, update_reads_back

#: At most this many registrations are looked up by client id.
LOOKED_UP = 3


def _path(probe: Probe) -> str:
    return f"/api/v1/accounts/{probe.root_account()}/lti_registrations"


def _new_registration(probe: Probe, label: str) -> dict[str, Any]:
    name = f"canvas-lti conform {label} {uuid.uuid4().hex[:8]}"
    body = {"name": name, "admin_nickname": f"{name} nickname", "description": f"{name} description",
            "configuration": REGISTRATION_CONFIG}
    response = probe.api("POST", _path(probe), json_body=body)
    return created(probe, "createLtiRegistration", response, (201,), _path(probe))


@semantic_check("§16.3", "createLtiRegistration", "getLtiRegistration", "updateLtiRegistration", writes=True)
def registration_reads_back(probe: Probe) -> None:
    """A created registration reads back as sent (name, nickname, description, its configuration's launch
    URL), and again after an update of each."""
    registration = _new_registration(probe, "read back")
    path = f"{_path(probe)}/{registration['id']}"
    name = registration["name"]
    sent = {"name": name, "admin_nickname": f"{name} nickname", "description": f"{name} description",
            "configuration.target_link_uri": REGISTRATION_CONFIG["target_link_uri"]}
    problems = differences(sent, probe.json(probe.api("GET", path)))
    if problems:
        probe.fail("getLtiRegistration", "the created registration does not read back as created: " + "; ".join(problems))
    renamed = {"admin_nickname": f"{name} renamed", "description": f"{name} described again"}
    launch_url = f"{REGISTRATION_CONFIG['target_link_uri']}/updated"
    configuration = {**REGISTRATION_CONFIG, "target_link_uri": launch_url, "redirect_uris": [launch_url]}
    update_reads_back(probe, "updateLtiRegistration", "getLtiRegistration", path, {**renamed, "configuration": configuration},
                      renamed)
    problems = differences({"configuration.target_link_uri": launch_url}, probe.json(probe.api("GET", path)))
    if problems:
        probe.fail("updateLtiRegistration", "the updated configuration does not read back: " + "; ".join(problems))


@semantic_check("§16.3", "deleteLtiRegistration", "getLtiRegistration", "listLtiRegistrations", writes=True)
def registration_delete_removes(probe: Probe) -> None:
    """A deleted registration answers 404, leaves the list, and its client id no longer finds it."""
    registration = _new_registration(probe, "deleted")
    path = f"{_path(probe)}/{registration['id']}"
    if not probe.expect_status("deleteLtiRegistration", probe.api("DELETE", path), (200,), "deleting the check's own registration"):
        return
    probe.expect_status("getLtiRegistration", probe.api("GET", path), (404,), "the registration was deleted")
    if any(r.get("id") == registration["id"] for r in collect(probe, _path(probe), "data")):
        probe.fail("listLtiRegistrations", f"deleted registration {registration['id']} is still listed")
    key = registration.get("developer_key_id")
    if key is not None:
        by_client = probe.api("GET", _path(probe).replace("lti_registrations", f"lti_registration_by_client_id/{key}"))
        probe.expect_status("getLtiRegistrationByClientId", by_client, (404,), "the registration was deleted")


@semantic_check("§16.3", "bindLtiRegistration", "getLtiRegistration", writes=True)
def registration_bind_reads_back(probe: Probe) -> None:
    """Binding a registration ``on``, then ``off``, shows in the binding answered and in the registration read back."""
    registration = _new_registration(probe, "bound")
    path = f"{_path(probe)}/{registration['id']}"
    for state in ("on", "off"):
        response = probe.api("POST", f"{path}/bind", json_body={"workflow_state": state})
        if not probe.expect_status("bindLtiRegistration", response, (200,), f"binding the check's own registration {state}"):
            return
        binding = probe.json(response)
        if not isinstance(binding, dict) or binding.get("workflow_state") != state:
            probe.fail("bindLtiRegistration", f"bound {state}, the binding answered says {binding!r}"[:300])
        shown = (probe.json(probe.api("GET", path)) or {}).get("account_binding") or {}
        if shown.get("workflow_state") != state:
            probe.fail("getLtiRegistration", f"bound {state}, the registration reads back with account_binding "
                                             f"workflow_state {shown.get('workflow_state')!r}")


@semantic_check("§16.3", "listLtiRegistrations")
def registration_query_filter(probe: Probe) -> None:
    """``query`` returns exactly the registrations whose name, nickname or vendor holds every term."""
    everything = collect(probe, _path(probe), "data")
    if not everything:
        raise Skip("the root account has no registration")

    def matches(registration: dict[str, Any], query: str) -> bool:
        fields = [str(registration.get(k) or "").lower() for k in ("name", "admin_nickname", "vendor")]
        return all(any(term in f for f in fields) for term in query.lower().split())

    name = str(everything[0].get("name") or "")
    for query in dict.fromkeys((name.split()[0] if name.split() else name, name, "canvas-lti-conform-matches-nothing")):
        expected = sorted(str(r.get("id")) for r in everything if matches(r, query))
        got = sorted(str(r.get("id")) for r in collect(probe, _path(probe), "data", query=query))
        if got != expected:
            probe.fail("listLtiRegistrations", f"query={query!r} must list exactly the matching registrations: "
                                               f"expected {expected}, got {got}")


@semantic_check("§16.3", "getLtiRegistrationByClientId")
def registration_by_client_id_returns_it(probe: Probe) -> None:
    """The registration found by a client id is the one whose developer key that is."""
    listed = [r for r in collect(probe, _path(probe), "data") if r.get("developer_key_id")]
    if not listed:
        raise Skip("no registration with a developer key")
    for registration in listed[:LOOKED_UP]:
        key = registration["developer_key_id"]
        response = probe.api("GET", _path(probe).replace("lti_registrations", f"lti_registration_by_client_id/{key}"))
        answer = probe.json(response)
        if response.status_code != 200 or not isinstance(answer, dict):
            probe.fail("getLtiRegistrationByClientId", f"client id {key} (registration {registration['id']}) answered "
                                                       f"{response.status_code}")
        elif answer.get("id") != registration["id"] or str(answer.get("developer_key_id")) != str(key):
            probe.fail("getLtiRegistrationByClientId", f"client id {key} found registration {answer.get('id')} "
                                                       f"(developer key {answer.get('developer_key_id')}), not {registration['id']}")


def _unique(label: str) -> str:
    return f"canvas-lti conform {label} {uuid.uuid4().hex[:8]}"


def _edit(probe: Probe, path: str, change: dict[str, Any], operation: str) -> None:
    """PUT ``change`` to the check's own registration (Skip, with a finding, when refused)."""
    if not probe.expect_status(operation, probe.api("PUT", path, json_body=change), (200,),
                               "editing the check's own registration"):
        raise Skip("the edit was refused")


def _new_entries(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history entries of ``after`` that ``before`` did not hold (by id, or whole when without one)."""
    seen = [e.get("id") if e.get("id") is not None else e for e in before]
    return [e for e in after if (e.get("id") if e.get("id") is not None else e) not in seen]


def _holding(entries: list[dict[str, Any]], values: tuple[str, ...]) -> bool:
    """Whether one entry's JSON holds every value (Canvas's diff format is not promised; the values are)."""
    return any(all(value in json.dumps(entry) for value in values) for entry in entries)


@semantic_check("§16.3", "listLtiRegistrationHistory", writes=True)
def registration_history_records_edit(probe: Probe) -> None:
    """An edit of a registration (nickname and overlay) adds a history entry that holds the new values."""
    path = f"{_path(probe)}/{_new_registration(probe, 'history')['id']}"
    before = collect(probe, f"{path}/history")
    nickname, title = _unique("nickname"), _unique("overlaid title")
    _edit(probe, path, {"admin_nickname": nickname, "overlay": {"title": title}}, "listLtiRegistrationHistory")
    added = _new_entries(before, collect(probe, f"{path}/history"))
    if not _holding(added, (nickname, title)):
        probe.fail("listLtiRegistrationHistory", f"after an edit setting admin_nickname {nickname!r} and the overlay's "
                                                 f"title {title!r}, no new history entry holds both: "
                                                 f"{len(added)} new entries {json.dumps(added)[:300]}")


@semantic_check("§16.3", "listLtiRegistrationOverlayHistory", writes=True)
def overlay_history_records_edit(probe: Probe) -> None:
    """An edit of a registration's overlay adds an overlay version that holds the new value."""
    path = f"{_path(probe)}/{_new_registration(probe, 'overlay history')['id']}"

    def versions() -> list[dict[str, Any]]:
        response = probe.api("GET", f"{path}/overlay_history", limit=100)
        body = probe.json(response)
        if response.status_code != 200 or not isinstance(body, list):
            probe.fail("listLtiRegistrationOverlayHistory", f"the check's own registration answered {response.status_code}")
            raise Skip("no overlay history")
        return [v for v in body if isinstance(v, dict)]

    before = versions()
    title = _unique("overlaid title")
    _edit(probe, path, {"overlay": {"title": title}}, "listLtiRegistrationOverlayHistory")
    added = _new_entries(before, versions())
    if not _holding(added, (title,)):
        probe.fail("listLtiRegistrationOverlayHistory", f"after the overlay's title was set to {title!r}, no new "
                                                        f"overlay version holds it: {json.dumps(added)[:300]}")


@semantic_check("§16.3", "resetLtiRegistration", writes=True)
def registration_reset_removes_overlay(probe: Probe) -> None:
    """After an overlay is set, a reset removes it: the registration reads back with its configuration's own values."""
    registration = _new_registration(probe, "reset")
    path = f"{_path(probe)}/{registration['id']}"
    title = _unique("overlaid title")
    _edit(probe, path, {"overlay": {"title": title, "disabled_placements": ["course_navigation"]}},
          "resetLtiRegistration")

    def overlaid() -> dict[str, Any]:
        shown = probe.json(probe.api("GET", path, **{"include[]": ["overlaid_configuration", "overlay"]}))
        config = shown.get("overlaid_configuration") if isinstance(shown, dict) else None
        return config if isinstance(config, dict) else {}

    if overlaid().get("title") != title:
        raise Skip("the overlay does not show in the overlaid configuration (registration_reads_back judges edits)")
    if not probe.expect_status("resetLtiRegistration", probe.api("PUT", f"{path}/reset"), (200,),
                               "resetting the check's own registration"):
        return
    config = overlaid()
    placements = sorted(str(p.get("placement")) for p in config.get("placements") or [] if isinstance(p, dict))
    if config.get("title") != REGISTRATION_CONFIG["title"] or "course_navigation" not in placements:
        probe.fail("resetLtiRegistration", f"after a reset the overlaid configuration must be the configuration "
                                           f"(title {REGISTRATION_CONFIG['title']!r}, course_navigation placed): title "
                                           f"{config.get('title')!r}, placements {placements}")


#: A search term no account or course name, SIS id or course code holds.
MATCHES_NOTHING = "canvas-lti-conform-matches-nothing"


@semantic_check("§16.3", "searchLtiRegistrationContexts")
def registration_context_search_matches(probe: Probe) -> None:
    """Every account and course ``context_search`` finds holds ``search_term`` (name, SIS id or course
    code, ignoring case), the context the term was taken from among them; a term matching nothing finds nothing."""
    if not probe.ctx.pools.deployments:
        raise Skip("no deployment of a registration known")
    registration, deployment = probe.ctx.pools.deployments[0]
    path = f"{_path(probe)}/{registration}/deployments/{deployment}/context_search"
    everything = probe.json(probe.api("GET", path))
    courses = (everything or {}).get("courses") if isinstance(everything, dict) else None
    words = [w for c in courses or [] if isinstance(c, dict) for w in str(c.get("name") or "").split() if len(w) > 2]
    if not words:
        raise Skip(f"context_search without a term answered no named course: {str(everything)[:200]}")
    source = next(c for c in courses or [] if words[0] in str(c.get("name")))
    for term in (words[0].upper(), MATCHES_NOTHING):
        found = probe.json(probe.api("GET", path, search_term=term))
        if not isinstance(found, dict):
            probe.fail("searchLtiRegistrationContexts", f"search_term={term!r} answered {str(found)[:200]}")
            continue
        fields = {"accounts": ("name", "sis_id"), "courses": ("name", "sis_id", "course_code")}
        strays = [f"{kind[:-1]} {c.get('id')} {c.get('name')!r}" for kind, names in fields.items()
                  for c in found.get(kind) or [] if isinstance(c, dict)
                  and not any(term.lower() in str(c.get(n) or "").lower() for n in names)]
        if strays:
            probe.fail("searchLtiRegistrationContexts", f"search_term={term!r} found contexts that do not hold it: {strays[:5]}")
        if term != MATCHES_NOTHING and str(source.get("id")) not in {str(c.get("id")) for c in found.get("courses") or []
                                                                     if isinstance(c, dict)}:
            probe.fail("searchLtiRegistrationContexts", f"search_term={term!r} (from its name {source.get('name')!r}) "
                                                        f"does not find course {source.get('id')}")


@semantic_check("§16.3", "applyLtiRegistrationUpdateRequest", writes=True, mock_only=True)
def update_request_applied_reads_back(probe: Probe) -> None:
    """An accepted update request replaces the registration's configuration: it reads back with the
    request's. Mock-only: an update request exists only after a tool re-registers, so the check plants
    one on its own registration through the mock's state."""
    registration = _new_registration(probe, "update request")
    path = f"{_path(probe)}/{registration['id']}"
    state = probe.json(probe.control("GET", "/__mock__/state"))
    if not isinstance(state, dict):
        raise Skip("the mock's state is unreadable")
    pending = state.setdefault("registration_update_requests", [])
    request_id = max([int(r.get("id", 0)) for r in pending] or [0]) + 1
    title = _unique("updated title")
    pending.append({"id": request_id, "registration_id": registration["id"],
                    "configuration": {**REGISTRATION_CONFIG, "title": title}})
    if probe.control("PUT", "/__mock__/state", state).status_code != 204:
        raise Skip("could not plant an update request")
    response = probe.api("PUT", f"{path}/update_requests/{request_id}/apply", json_body={"accepted": True})
    if not probe.expect_status("applyLtiRegistrationUpdateRequest", response, (200,), "accepting a pending update request"):
        return
    shown = probe.json(probe.api("GET", path, **{"include[]": ["configuration"]}))
    config = shown.get("configuration") if isinstance(shown, dict) else None
    if not isinstance(config, dict) or config.get("title") != title:
        probe.fail("applyLtiRegistrationUpdateRequest", f"after accepting an update request with title {title!r}, the "
                                                        f"registration reads back with {str(config)[:200]}")


@semantic_check("§12.2, §16.3", "createRegistration", writes=True)
def dynamic_registration_reads_back(probe: Probe) -> None:
    """A tool registered dynamically reads back through the Registrations API: its ``client_id`` finds a
    registration named as registered (``client_name``), configured with its ``target_link_uri``."""
    try:
        (good,) = Recipes(probe.ctx).registration()
    except RecipeUnavailable as exc:
        raise Skip(str(exc)) from None
    name = _unique("registered")
    body = {**good.body, "client_name": name}
    token = good.headers["Authorization"].removeprefix("Bearer ")
    response = probe.call("POST", "/api/lti/registrations", token=token, json_body=body)
    answer = probe.json(response)
    client = answer.get("client_id") if isinstance(answer, dict) else None
    if response.status_code != 200 or not client:
        probe.fail("createRegistration", f"a valid registration was refused: {response.status_code} {response.text[:200]}")
        return
    found = probe.api("GET", _path(probe).replace("lti_registrations", f"lti_registration_by_client_id/{client}"))
    shown = probe.json(found)
    if isinstance(shown, dict) and shown.get("id") is not None:
        path = f"{_path(probe)}/{shown['id']}"
        probe.undo(f"delete {path}", lambda: probe.api("DELETE", path))
        shown = probe.json(probe.api("GET", path))
    expected_uri = good.body["https://purl.imsglobal.org/spec/lti-tool-configuration"]["target_link_uri"]
    config = shown.get("configuration") if isinstance(shown, dict) else None
    if found.status_code != 200 or not isinstance(shown, dict) or shown.get("name") != name \
            or not isinstance(config, dict) or config.get("target_link_uri") != expected_uri:
        probe.fail("createRegistration", f"client {client} registered as {name!r} ({expected_uri}) reads back as "
                                         f"{found.status_code} {str(shown)[:300]}")

