"""LTI Registrations (§16.3): writes and bindings read back, deletes delete, lookups and the
``query`` filter return what they name."""

from __future__ import annotations

import uuid
from typing import Any

from ..recipes import REGISTRATION_CONFIG
from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import collect, created, differences, update_reads_back

#: At most this many registrations are looked up by client id.
LOOKED_UP = 3


def _path(probe: Probe) -> str:
    sandbox = probe.target.sandbox
    root = sandbox.root_account_id or sandbox.account_id
    if not root:
        raise Skip("no root account known")
    return f"/api/v1/accounts/{root}/lti_registrations"


def _new_registration(probe: Probe, label: str) -> dict[str, Any]:
    name = f"canvas-lti conform {label} {uuid.uuid4().hex[:8]}"
    body = {"name": name, "admin_nickname": f"{name} nickname", "configuration": REGISTRATION_CONFIG}
    response = probe.api("POST", _path(probe), json_body=body)
    return created(probe, "createLtiRegistration", response, (201,), _path(probe))


@semantic_check("§16.3", "createLtiRegistration", "getLtiRegistration", "updateLtiRegistration", writes=True)
def registration_reads_back(probe: Probe) -> None:
    """A created registration reads back as sent (name, nickname), and again after an update of its nickname."""
    registration = _new_registration(probe, "read back")
    path = f"{_path(probe)}/{registration['id']}"
    sent = {"name": registration["name"], "admin_nickname": f"{registration['name']} nickname"}
    problems = differences(sent, probe.json(probe.api("GET", path)))
    if problems:
        probe.fail("getLtiRegistration", "the created registration does not read back as created: " + "; ".join(problems))
    update_reads_back(probe, "updateLtiRegistration", "getLtiRegistration", path,
                      {"admin_nickname": f"{registration['name']} renamed"})


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


not_checked("resetLtiRegistration", "that the overlay is gone afterwards", "no registration of the run's has an overlay to reset")
not_checked("searchLtiRegistrationContexts", "that the contexts found match `search_term`", "not yet covered")
not_checked("listLtiRegistrationOverlayHistory", "that an edit shows in the history", "not yet covered")
not_checked("listLtiRegistrationHistory", "that an edit shows in the history", "not yet covered")
not_checked("applyLtiRegistrationUpdateRequest", "that the applied configuration reads back",
            "an update request only exists after a re-registration (the known-good request plants one on the mock)")
