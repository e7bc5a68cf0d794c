"""Account-level LTI services (§13.1): data-service subscriptions read back and delete, the
account lookup returns the account asked for. They use the tool's own LTI tokens."""

from __future__ import annotations

from typing import Any

from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import differences


def _account(probe: Probe) -> int:
    """Subscriptions live on the root account (Canvas answers a sub-account 401)."""
    account = probe.target.sandbox.root
    if not account:
        raise Skip("no sandbox account known")
    return int(account)


def _subscriptions(probe: Probe) -> str:
    return f"/api/lti/accounts/{_account(probe)}/data_services"


def _new_subscription(probe: Probe, events: list[str]) -> dict[str, Any]:
    body = {"subscription": {"ContextId": str(_account(probe)), "ContextType": "account", "EventTypes": events,
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


not_checked("listDataServiceEventTypes", "that the event types are the ones subscriptions accept", "not yet covered")
not_checked("createLtiAccountExternalTool", "that the installed tool reads back and deletes",
            "the suite's key is already installed where its token reaches; a second install is refused (400)")
not_checked("getLtiAccountExternalTool", "beyond shape", "the same tool JSON as the REST API, judged there")
not_checked("deleteLtiAccountExternalTool", "that the tool is gone afterwards",
            "deleting the suite's own tool would revoke its tokens mid-run")
not_checked("listLtiAccountExternalTools", "that it lists the account's tools and those above",
            "judged for courses by external_tool_include_parents")
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

