"""What the demo tool offers a deep linking launch, and the response it signs (LTI DL 2.0 §4).

The offer follows the request's ``deep_linking_settings``: only the ``accept_types`` the
platform takes, one choice unless ``accept_multiple``. The response JWT is signed with the
tool's own key: ``iss`` its client id, ``aud`` the platform's issuer, a fresh ``nonce``, the
deployment it was launched in, and the request's ``data`` echoed back unchanged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ..lazy_imports import LazyModule
from . import keys
from .validation import DL, LTI

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

RESPONSE_LIFETIME = 300


@dataclass(frozen=True)
class Offer:
    key: str
    type: str
    title: str
    text: str

    def item(self, tool_url: str) -> dict[str, Any]:
        """The content item as sent: resource links launch back into this tool."""
        item: dict[str, Any] = {"type": self.type, "title": self.title, "text": self.text}
        if self.type == "ltiResourceLink":
            item["url"] = f"{tool_url}/launch"
            item["custom"] = {"demo_item": self.key}
            if self.key == "graded":
                item["lineItem"] = {"scoreMaximum": 10, "label": self.title, "resourceId": "demo-tool-graded"}
        elif self.type == "link":
            item["url"] = "https://www.imsglobal.org/spec/lti-dl/v2p0"
        elif self.type == "html":
            item["html"] = "<p>Embedded by the <strong>Demo Tool</strong>.</p>"
        return item


CATALOGUE = (
    Offer("graded", "ltiResourceLink", "Demo graded activity", "Scored out of 10 through AGS"),
    Offer("reading", "ltiResourceLink", "Demo reading", "An ungraded page of the demo tool"),
    Offer("spec", "link", "LTI Deep Linking 2.0 specification", "A plain link"),
    Offer("snippet", "html", "Demo HTML snippet", "A fragment of HTML"),
)


def settings_of(claims: dict[str, Any]) -> dict[str, Any]:
    settings = claims.get(DL + "deep_linking_settings")
    return settings if isinstance(settings, dict) else {}


def offers_for(claims: dict[str, Any]) -> list[Offer]:
    accepted = settings_of(claims).get("accept_types")
    accepted = set(accepted) if isinstance(accepted, list) else {"ltiResourceLink"}
    return [offer for offer in CATALOGUE if offer.type in accepted]


def accepts_multiple(claims: dict[str, Any]) -> bool:
    return settings_of(claims).get("accept_multiple") is not False


def response_jwt(claims: dict[str, Any], client_id: str, items: list[dict[str, Any]], now: float) -> str:
    payload: dict[str, Any] = {
        "iss": client_id, "aud": claims.get("iss"), "iat": int(now), "exp": int(now) + RESPONSE_LIFETIME,
        "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
        LTI + "deployment_id": claims.get(LTI + "deployment_id"),
        DL + "content_items": items,
        DL + "msg": f"The Demo Tool added {len(items)} item(s)",
    }
    data = settings_of(claims).get("data")
    if data is not None:
        payload[DL + "data"] = data
    return jwt.encode(payload, keys.private_key(), algorithm="RS256", headers={"kid": keys.KID})
