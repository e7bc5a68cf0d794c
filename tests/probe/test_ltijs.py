"""The probe against ltijs 5 (Node), as its README sets it up, and in its devMode. Not run in CI
(no Node dependency there): ``make ltijs`` installs ltijs, ltijs-sequelize and sqlite3 into
``.node/ltijs``, and these tests skip cleanly without them.

Every expectation was derived from ltijs's source (``dist/Utils/Auth.js``: ``validateToken``,
``verifyToken``, ``oidcValidation``, ``claimValidation``; ``dist/Provider/Provider.js``: the
login route and the session validator; ``dist/Utils/Request.js``) and jsonwebtoken 9's, and is
written next to the case it decides.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.probe import ProbeOptions, probe_tool
from conformance.probe import reasons as r
from conformance.probe.severity import Severity
from conformance.probe.verdict import Outcome
from mockserver.testing import RunningMock, free_port
from tests import net
from tests.launch.conftest import GRADING_KEY, GRADING_TOOL, point_key_at

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / ".node" / "ltijs" / "node_modules"
TOOL_JS = Path(__file__).with_name("ltijs") / "tool.js"
pytestmark = pytest.mark.skipif(not (MODULES / "ltijs").is_dir() or shutil.which("node") is None,
                                reason="ltijs is not installed (make ltijs)")

#: ltijs 5.9 as documented: what it accepts, and why.
DOCUMENTED_ACCEPTS = {
    # jsonwebtoken.verify checks exp only when present; ltijs requires neither exp nor iat.
    "missing_exp": Severity.MUST,
    # validateMaxAge: now - undefined is NaN, and NaN > tokenMaxAge is false.
    "missing_iat": Severity.SHOULD,
    # validateMaxAge only asks whether iat is older than tokenMaxAge (10 s): a future iat passes.
    "iat_future": Severity.POLICY,
    # validateAud reads azp only when aud is an array AND azp is present.
    "aud_array_without_azp": Severity.SHOULD,
    "azp_other_client": Severity.SHOULD,
    # claimValidation only asks that deployment_id be present; no deployment is ever registered.
    "unknown_deployment": Severity.MUST,
    # Request.ltiAdvantageLogin sends a random nonce it never stores; validateNonce only refuses a
    # nonce it has seen before. So an unused id_token (a victim's, or one with any nonce) launches.
    "wrong_nonce": Severity.MUST,
    "foreign_id_token": Severity.MUST,
}
#: What it refuses, and the check the probe reads from its error code.
DOCUMENTED_REFUSED_BY = {
    # jsonwebtoken 9: "jwt signature is required" for a token without one (any alg spelling).
    **dict.fromkeys(["alg_none", "alg_none_None", "alg_none_NONE", "alg_none_nOnE"], r.SIGNATURE),
    # jsonwebtoken 9: "secretOrPublicKey must be a symmetric key when using HS256" (the JWKS key is RSA).
    **dict.fromkeys(["hs256_public_key", "hs256_pkcs1_pem", "hs256_jwk_json", "hs256_pem_no_newline"], r.KEY),
    # KEY_NOT_FOUND: no JWKS key with the header's kid (the attacker's, a path, SQL); jwk/jku/x5u never read.
    **dict.fromkeys(["unknown_kid", "jwk_header", "jku_header", "x5u_header", "kid_path_traversal",
                     "kid_sql_injection"], r.KEY),
    "kid_foreign_signature": r.SIGNATURE,  # "invalid signature"
    "expired": r.EXPIRY,  # "jwt expired"
    "nbf_future": r.TIME,  # "jwt not active"
    "iat_old": r.TIME,  # TOKEN_TOO_OLD (tokenMaxAge 10 s)
    "wrong_aud": r.ISSUER,  # getPlatform(iss, aud) finds none: UNREGISTERED_PLATFORM
    "wrong_iss": r.ISSUER,  # ISS_CLAIM_DOES_NOT_MATCH: the state cookie holds the login's iss
    "missing_deployment_id": r.DEPLOYMENT,  # NO_DEPLOYMENT_ID_CLAIM
    "missing_message_type": r.CLAIMS,  # NO_MESSAGE_TYPE_CLAIM
    "wrong_message_type": r.CLAIMS,  # NO_MESSAGE_TYPE_CLAIM: only resource link and deep linking requests
    "missing_version": r.CLAIMS,  # NO_LTI_VERSION_CLAIM
    "missing_roles": r.CLAIMS,  # NO_ROLES_CLAIM
    "missing_resource_link": r.CLAIMS,  # NO_RESOURCE_LINK_ID_CLAIM
    "missing_target_link_uri": r.TARGET,  # NO_TARGET_LINK_URI_CLAIM
    # body-parser's urlencoded limit (100 kB): 413 before anything is parsed.
    "oversized": r.SIZE,
    "oversized_unsigned": r.SIZE,
    # The launch clears the state cookie: MISSING_VALIDATION_COOKIE (the nonce is used too).
    "nonce_replay": r.STATE,
    "id_token_after_new_login": r.NONCE,  # the new login's cookie, then NONCE_ALREADY_RECEIVED
    # MISSING_VALIDATION_COOKIE: no "state<state>" cookie in the posting browser.
    "state_mismatch": r.STATE,
    "state_without_cookie": r.STATE,
    "login_csrf": r.STATE,
    # The login route: getPlatform(iss, client_id) finds none: 400 UNREGISTERED_PLATFORM.
    "login_foreign_iss": r.ISSUER,
    "login_foreign_client_id": r.ISSUER,
    # Request.ltiAdvantageLogin sends the login's target_link_uri as the redirect_uri, which the
    # platform (as Canvas) refuses: not registered. The tool's answer is its 302.
    "login_open_redirect": None,
}
#: devMode: "does not require state and session cookies to be present": with no state cookie,
#: validateToken skips the iss check and goes on (the nonce is not bound to the login either).
DEV_MODE_ACCEPTS = {**DOCUMENTED_ACCEPTS, "state_mismatch": Severity.MUST, "state_without_cookie": Severity.MUST,
                    "login_csrf": Severity.MUST}


@pytest.fixture
def ltijs(mock: RunningMock, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    config, tool, port = mock.config, mock.tool("Mock Grading Tool"), free_port()
    args = [str(port), config["issuer"], tool["client_id"], config["authorize_url"], config["token_url"],
            config["jwks_url"], str(tmp_path / "ltijs.sqlite"), getattr(request, "param", "")]
    process = subprocess.Popen(["node", str(TOOL_JS), *args], cwd=MODULES.parent, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env={**os.environ, "NODE_PATH": str(MODULES)})
    try:
        assert process.stdout is not None
        output = []
        for line in iter(process.stdout.readline, ""):  # ends at READY, or when node exits
            if line.startswith("READY"):
                break
            output.append(line)
        else:
            pytest.fail("ltijs did not start: " + "".join(output))
        base = f"http://127.0.0.1:{port}"
        point_key_at(mock, GRADING_KEY, GRADING_TOOL, base, public_jwk_url=f"{base}/keys", public_jwk=None)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_documented_setup(mock: RunningMock, ltijs: str) -> None:
    result = probe_tool(ProbeOptions(tool="Mock Grading Tool", base_url=mock.base_url))
    assert {c.id: c.severity for c in result.accepted_attacks} == DOCUMENTED_ACCEPTS
    assert {c.id for c in result.findings} == set(DOCUMENTED_ACCEPTS)  # no crash, no error, rotation accepted
    assert {c.id: c.refused_by for c in result.cases if c.outcome is Outcome.REFUSED} == DOCUMENTED_REFUSED_BY
    assert result.deep_linking is not None and result.deep_linking.ok
    assert net.get(f"{ltijs}/keys").json()["keys"]  # its own key set, which the deep linking check used


@pytest.mark.parametrize("ltijs", ["devMode"], indirect=True)
def test_dev_mode(mock: RunningMock, ltijs: str) -> None:
    result = probe_tool(ProbeOptions(tool="Mock Grading Tool", base_url=mock.base_url, deep_linking=False))
    assert {c.id: c.severity for c in result.accepted_attacks} == DEV_MODE_ACCEPTS
    assert {c.id for c in result.findings} == set(DEV_MODE_ACCEPTS)
