"""Account-level LTI services (§13.1): data-service subscriptions read back and delete, the
account lookup returns the account asked for. They use the tool's own LTI tokens."""

from __future__ import annotations

from typing import Any

from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import differences, listed_ids

#: At most this many listed tools are looked up.
LOOKED_UP = 3


def _subscriptions(probe: Probe) -> str:
    return f"/api/lti/accounts/{probe.root_account()}/data_services"


def _new_subscription(probe: Probe, events: list[str]) -> dict[str, Any]:
    body = {"subscription": {"ContextId": str(probe.root_account()), "ContextType": "account", "EventTypes": events,
                             "Format": "live-event", "TransportType": "https",
                             "TransportMetadata": {"Url": "https://conform.example.com/live-events"}}}
    path = _subscriptions(probe)
    response = probe.call("POST", path, probe.scopes_for("createDataServiceSubscription"), json_body=body)
    answer = probe.json(response)
    if response.status_code != 200 or not isinstance(answer, dict) or not answer.get("Id"):
        probe.fail("createDataServiceSubscription", f"a valid subscription was refused: {response.status_code} {response.text[:200]}")
        raise Skip("nothing created")
    scopes = probe.scopes_for("deleteDataServiceSubscription")
    probe.undo("delete the subscription", lambda: probe.call("DELETE", f"{path}/{answer['Id']}", scopes))
    return answer


@semantic_check("§13.1", "createDataServiceSubscription", "getDataServiceSubscription", "updateDataServiceSubscription",
                writes=True)
def subscription_reads_back(probe: Probe) -> None:
    """A created subscription reads back with its event types, and again after they are updated."""
    created = _new_subscription(probe, ["asset_accessed"])
    path = f"{_subscriptions(probe)}/{created['Id']}"
    show = probe.scopes_for("getDataServiceSubscription")
    problems = differences({"EventTypes": ["asset_accessed"], "ContextType": "account"}, probe.json(probe.get(path, show)))
    if problems:
        probe.fail("getDataServiceSubscription", "the created subscription does not read back: " + "; ".join(problems))
    change = {"EventTypes": ["asset_accessed", "course_created"]}
    response = probe.call("PUT", path, probe.scopes_for("updateDataServiceSubscription"), json_body={"subscription": change})
    if not probe.expect_status("updateDataServiceSubscription", response, (200,), "updating the check's own subscription"):
        return
    for operation, answer in (("updateDataServiceSubscription", probe.json(response)),
                              ("getDataServiceSubscription", probe.json(probe.get(path, show)))):
        problems = differences(change, answer)
        if problems:
            probe.fail(operation, "the subscription does not read back as updated: " + "; ".join(problems))


@semantic_check("§13.1", "deleteDataServiceSubscription", "getDataServiceSubscription", "listDataServiceSubscriptions",
                writes=True)
def subscription_delete_removes(probe: Probe) -> None:
    """A deleted subscription answers 404 and leaves the list."""
    created = _new_subscription(probe, ["asset_accessed"])
    path = f"{_subscriptions(probe)}/{created['Id']}"
    response = probe.call("DELETE", path, probe.scopes_for("deleteDataServiceSubscription"))
    if not probe.expect_status("deleteDataServiceSubscription", response, (200,), "deleting the check's own subscription"):
        return
    probe.expect_status("getDataServiceSubscription", probe.get(path, probe.scopes_for("getDataServiceSubscription")),
                        (404,), "the subscription was deleted")
    listed = probe.json(probe.get(_subscriptions(probe), probe.scopes_for("listDataServiceSubscriptions")))
    if isinstance(listed, list) and any(isinstance(s, dict) and s.get("Id") == created["Id"] for s in listed):
        probe.fail("listDataServiceSubscriptions", f"deleted subscription {created['Id']} is still listed")


@semantic_check("§13.1", "getLtiAccountLookup")
def account_lookup_returns_account(probe: Probe) -> None:
    """The account lookup answers the account asked for (the sandbox account and its root)."""
    scopes = probe.scopes_for("getLtiAccountLookup")
    sandbox = probe.target.sandbox
    if not sandbox.account_id:
        raise Skip("no sandbox account known")
    for account in dict.fromkeys(a for a in (sandbox.account_id, sandbox.root_account_id) if a):
        response = probe.get(f"/api/lti/accounts/{account}", scopes)
        answer = probe.json(response)
        if response.status_code != 200 or not isinstance(answer, dict):
            probe.fail("getLtiAccountLookup", f"account {account} answered {response.status_code}")
        elif answer.get("id") != account:
            probe.fail("getLtiAccountLookup", f"asked for account {account}, the answer is account {answer.get('id')}")
        elif account == sandbox.root_account_id and answer.get("root_account_id") not in (None, account):
            probe.fail("getLtiAccountLookup", f"root account {account} names another root: {answer.get('root_account_id')}")


not_checked("listDataServiceEventTypes", "that the event types are the ones subscriptions accept",
            "Canvas proxies the live events subscription service, which is not Canvas: what it accepts is not "
            "observable here (the mock accepts any event type name), so the list is only shape-checked")
not_checked("getAgsProgress", "that progress reflects a submission", "Canvas only reports progress for file submissions")
not_checked("getCourseLtiJwtToken", "the JWT's claims", "legacy LTI 2 service; only shape-checked")
not_checked("getGroupLtiMembershipService", "the membership it lists", "legacy LTI 1.1 service; only shape-checked")


@semantic_check("§13.1, §8.2 step 4", "updatePublicJwk", "createAccessToken", writes=True, mock_only=True)
def public_jwk_update_takes_effect(probe: Probe) -> None:
    """After ``update_public_jwk`` the token endpoint verifies assertions with the new key and refuses the
    old one (the suite's own key is put back at the end). Mock-only: on a real Canvas a failed
    restore would lock the tool out."""
    from mockserver.auth.keys import public_jwk, public_jwk_from_pem

    from .assertions import foreign_key, signed_assertion

    creds = probe.target.creds
    if not creds.private_key_pem:
        raise Skip("no private key for the suite's tool")
    scopes = probe.scopes_for("updatePublicJwk")
    path = "/api/lti/developer_key/update_public_jwk"
    new_kid = "canvas-lti-conform-updated"
    new_jwk = public_jwk(foreign_key().public_key(), new_kid)
    original = public_jwk_from_pem(creds.private_key_pem, creds.kid)
    probe.undo("put the suite's public JWK back", lambda: probe.call(
        "PUT", path, scopes, json_body={"developer_key": {"public_jwk": original}}))
    response = probe.call("PUT", path, scopes, json_body={"developer_key": {"public_jwk": new_jwk}})
    if not probe.expect_status("updatePublicJwk", response, (200,), "replacing the suite's key with a valid RSA JWK"):
        return
    for what, assertion, accepted in (
            ("the new key", signed_assertion(probe, key=foreign_key(), kid=new_kid), True),
            ("the replaced key", signed_assertion(probe), False)):
        status, _ = probe.token_response(probe.scopes_for("updatePublicJwk"), assertion=assertion)
        if accepted and status != 200:
            probe.fail("updatePublicJwk", f"after the update, an assertion signed with {what} was refused: {status}")
        elif not accepted and status == 200:
            probe.fail("updatePublicJwk", f"after the update, an assertion signed with {what} still gets a token")


def _lti_account_tools(probe: Probe) -> tuple[int, list[dict[str, Any]]]:
    """(the sandbox account, every tool its LTI account tools list holds), with the tool's own token."""
    account = probe.target.sandbox.account_id
    if not account:
        raise Skip("no sandbox account known")
    path = f"/api/lti/accounts/{account}/external_tools"
    response = probe.get(path, probe.scopes_for("listLtiAccountExternalTools"), per_page=100)
    body = probe.json(response)
    if response.status_code != 200 or not isinstance(body, list):
        raise Skip(f"the LTI account tools list answered {response.status_code}")
    return int(account), [t for t in body if isinstance(t, dict)]


@semantic_check("§13.1, §14", "listLtiAccountExternalTools")
def lti_account_tools_include_parents(probe: Probe) -> None:
    """The LTI account tools list holds exactly the tools of the account and of the accounts above it
    (those the REST API lists for the account with ``include_parents``)."""
    account, listed = _lti_account_tools(probe)
    expected = listed_ids(probe, f"/api/v1/accounts/{account}/external_tools", include_parents="true")
    got = {t.get("id") for t in listed}
    if got != expected:
        probe.fail("listLtiAccountExternalTools", f"account {account}'s LTI tool list must hold its tools and those above: "
                                                  f"missing {sorted(map(str, expected - got))}, extra {sorted(map(str, got - expected))}")


@semantic_check("§13.1", "getLtiAccountExternalTool")
def lti_account_tool_lookup_returns_it(probe: Probe) -> None:
    """A tool of the LTI account tools list, fetched by its id, is that tool (id, name, url, deployment)."""
    account, listed = _lti_account_tools(probe)
    if not listed:
        raise Skip("the LTI account tools list is empty")
    scopes = probe.scopes_for("getLtiAccountExternalTool")
    for tool in listed[:LOOKED_UP]:
        response = probe.get(f"/api/lti/accounts/{account}/external_tools/{tool.get('id')}", scopes)
        problems = differences({k: tool.get(k) for k in ("id", "name", "url", "deployment_id")}, probe.json(response))
        if response.status_code != 200 or problems:
            probe.fail("getLtiAccountExternalTool", f"tool {tool.get('id')} looked up answered {response.status_code}: "
                                                    + "; ".join(problems))


def _install(probe: Probe) -> tuple[str, dict[str, Any]]:
    """A second install of the suite's own tool in the sandbox account (the first, whose deployment the
    run's tokens use, stays): (the account tools path, the new tool). Deleted when the check ends."""
    account = probe.target.sandbox.account_id
    if not account:
        raise Skip("no sandbox account known")
    path = f"/api/lti/accounts/{account}/external_tools"
    response = probe.call("POST", path, probe.scopes_for("createLtiAccountExternalTool"),
                          json_body={"client_id": probe.target.creds.client_id})
    tool = probe.json(response)
    if response.status_code != 200 or not isinstance(tool, dict) or tool.get("id") is None:
        probe.fail("createLtiAccountExternalTool", f"installing the suite's tool again answered {response.status_code} "
                                                   f"{response.text[:200]}")
        raise Skip("nothing installed")
    scopes = probe.scopes_for("deleteLtiAccountExternalTool")
    probe.undo(f"delete tool {tool['id']}", lambda: probe.call("DELETE", f"{path}/{tool['id']}", scopes))
    return path, tool


@semantic_check("§13.1", "createLtiAccountExternalTool", "getLtiAccountExternalTool", writes=True)
def lti_account_tool_install_reads_back(probe: Probe) -> None:
    """A tool installed for a client id reads back by its id as that developer key's tool, and is listed."""
    path, tool = _install(probe)
    shown = probe.json(probe.get(f"{path}/{tool['id']}", probe.scopes_for("getLtiAccountExternalTool")))
    client = probe.target.creds.client_id
    if not isinstance(shown, dict) or shown.get("id") != tool["id"] or str(shown.get("developer_key_id")) != client:
        probe.fail("getLtiAccountExternalTool", f"tool {tool['id']}, installed for client {client}, reads back as "
                                                f"{str(shown)[:200]}")
    listed = probe.json(probe.get(path, probe.scopes_for("listLtiAccountExternalTools"), per_page=100))
    if not isinstance(listed, list) or tool["id"] not in {t.get("id") for t in listed if isinstance(t, dict)}:
        probe.fail("createLtiAccountExternalTool", f"installed tool {tool['id']} is not listed")


@semantic_check("§13.1", "deleteLtiAccountExternalTool", "getLtiAccountExternalTool", writes=True)
def lti_account_tool_delete_removes(probe: Probe) -> None:
    """A deleted account tool answers 404 and leaves the list (a second install of the suite's tool: its
    first, which the run's tokens need, stays)."""
    path, tool = _install(probe)
    response = probe.call("DELETE", f"{path}/{tool['id']}", probe.scopes_for("deleteLtiAccountExternalTool"))
    if not probe.expect_status("deleteLtiAccountExternalTool", response, (200,), "deleting the check's own install"):
        return
    probe.expect_status("getLtiAccountExternalTool", probe.get(f"{path}/{tool['id']}",
                                                               probe.scopes_for("getLtiAccountExternalTool")),
                        (404,), "the tool was deleted")
    listed = probe.json(probe.get(path, probe.scopes_for("listLtiAccountExternalTools"), per_page=100))
    if isinstance(listed, list) and tool["id"] in {t.get("id") for t in listed if isinstance(t, dict)}:
        probe.fail("deleteLtiAccountExternalTool", f"deleted tool {tool['id']} is still listed")

