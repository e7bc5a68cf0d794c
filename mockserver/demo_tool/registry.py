"""The client ids the demo tool is registered with, and the deployments it knows for each.

A platform may hold many developer keys; a strict tool launches only for the ones registered with
*it* (IMS Security Framework §5.1.3 step 3: ``aud`` must hold the client id the tool was given),
and only for deployments of that client id (LTI 1.3 §5.3.3). A vendor types these into the tool's
settings; the demo tool learns them the ways a tool the mock serves can:

- **the fixtures**: the developer keys given the demo tool's own public key (``kid``
  ``demo-tool-key-1``, the fixtures' "Demo Tool"), as ``/__mock__/config`` lists them;
- **dynamic registration**: the client id the platform answered when the tool registered itself
  by URL (``registration.py``);
- **added on its page**: ``POST /__mock__/demo-tool/registrations``, what the console's tool form
  does after registering the demo tool by hand (its URLs and key) — the step where a vendor
  pastes the new client id into the tool.

The deployments of a registered client id are the ones the platform lists for that key (its
active installs); any other ``deployment_id`` — another key's, a removed install's, a made-up
one — is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..canvas.text import echo_repr
from . import keys
from .platform import Platform
from .sessions import DemoToolState

FIXTURES = "the fixtures' Demo Tool key"
BY_URL = "registered by URL"
ADDED = "added on the tool's page"


@dataclass(frozen=True)
class Registered:
    client_id: str
    name: str
    how: str
    deployment_ids: frozenset[str]


def registered(platform: Platform, memory: DemoToolState) -> dict[str, Registered]:
    """client id -> its registration, for the keys of ``platform`` registered with this tool."""
    learned = memory.known_clients()
    out = {}
    for client_id, key in platform.keys.items():
        how = FIXTURES if key.kid == keys.KID else learned.get(client_id)
        if how is not None:
            out[client_id] = Registered(client_id, key.name, how, key.deployment_ids)
    return out


def why_not(platform: Platform, client_id: str) -> str:
    """The reason a login or launch for ``client_id`` is refused, naming what the key is instead."""
    key = platform.keys.get(client_id)
    where = (f"the developer key of {echo_repr(key.name)} on this platform, not one registered with this tool" if key
             else "not a developer key of this platform")
    return (f"client id {echo_repr(client_id)} is {where}. The demo tool launches for the fixtures' Demo Tool key, the "
            "client ids it registered itself by URL, and those added on its page")
