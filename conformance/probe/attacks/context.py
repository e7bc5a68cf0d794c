"""What a case works with (:class:`Context`) and what it hands back (:class:`Attempt`).

Most cases tamper with one thing: the id_token of a real OIDC flow through the tool
(``ctx.flow``, started on first use), re-signed by the platform (``ctx.resign``) or forged.
Others need more — a second login in the same browser, a second browser, a login initiation
with a foreign parameter, the probe's own loopback site — and the context gives them that,
closing every flow and browser it opened when the case ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx

from ..flow import TIMEOUT, Answer, Flow, new_browser, start
from ..platform import Platform, ProbeError, ToolRegistration
from ..verdict import Outcome, SuccessRule

if TYPE_CHECKING:
    from ..attacker import AttackerSite
    from ..forge import ForeignKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DELETE = object()
OTHER_CLIENT = "probe-other-client"
JWT_CLAIMS = frozenset(("iss", "aud", "azp", "iat", "exp", "nbf", "nonce", "sub", "jti"))


@dataclass
class Attempt:
    """What a case did. By default the runner posts ``id_token`` (with ``state`` if given, else
    the flow's) through ``flow`` (default ``ctx.flow``) from ``browser`` (default the flow's)
    and judges the answer by the success rule. A case that posted by itself gives ``answer``;
    one with its own meaning of "accepted" gives ``outcome`` too. ``note`` joins the list of what
    was changed; ``notes`` are what the probe saw happen (a fetch, a redirect)."""

    id_token: str | None = None
    state: str | None = None
    note: str = ""
    flow: Flow | None = None
    browser: httpx.Client | None = None
    answer: Answer | None = None
    outcome: Outcome | None = None
    notes: list[str] = field(default_factory=list)
    #: Called once the tool has answered (to note what it did meanwhile, e.g. fetch a URL).
    after: Callable[[Attempt], None] | None = None


@dataclass
class Setup:
    """Everything a case needs from the run, handed to each case's :class:`Context`."""

    platform: Platform
    registration: ToolRegistration
    course: str
    user: str
    success: SuccessRule
    foreign: ForeignKey
    site: Callable[[], AttackerSite]  # started on first use
    timeout: float = TIMEOUT  # seconds for each of the tool's answers


class Context:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.platform = setup.platform
        self.foreign = setup.foreign
        self._opened: list[Flow | httpx.Client] = []

    # -- flows and browsers --------------------------------------------------------------------

    def start(self, browser: httpx.Client | None = None, message_type: str = "LtiResourceLinkRequest") -> Flow:
        """A new launch through the tool: a new login, in ``browser`` or a fresh one."""
        s = self.setup
        flow = start(s.platform, s.registration.client_id, s.course, s.user, message_type, browser=browser,
                     timeout=s.timeout)
        self._opened.append(flow)
        return flow

    @cached_property
    def flow(self) -> Flow:
        """The case's main flow, stopped at the platform's form with the valid id_token."""
        return self.start()

    @property
    def started(self) -> bool:
        """Whether the main flow was started (a login case never starts it)."""
        return "flow" in self.__dict__

    def browser(self) -> httpx.Client:
        """A browser with an empty cookie jar (another person, or the same one after clearing cookies)."""
        client = new_browser(self.setup.timeout)
        self._opened.append(client)
        return client

    def launch(self, flow: Flow) -> Answer:
        """Post ``flow``'s valid id_token; the case cannot run if the tool refuses it."""
        answer = flow.post(flow.id_token)
        if not self.setup.success.accepted(answer):
            raise ProbeError(f"the valid launch the case starts from was refused: {answer.excerpt()}")
        return answer

    @property
    def site(self) -> AttackerSite:
        """The probe's own loopback site: attacker key sets, redirect landing pages."""
        return self.setup.site()

    def close(self) -> None:
        for opened in reversed(self._opened):
            opened.close()

    # -- claims ---------------------------------------------------------------------------------

    @property
    def iat(self) -> int:
        return int(self.flow.claims.get("iat") or 0)

    @property
    def client_id(self) -> str:
        return self.setup.registration.client_id

    def claims(self, **changes: Any) -> dict[str, Any]:
        """The valid claims with changes; LTI claims by short name, ``DELETE`` removes."""
        claims = dict(self.flow.claims)
        for name, value in changes.items():
            full = name if name in claims or name in JWT_CLAIMS else LTI + name
            if value is DELETE:
                claims.pop(full, None)
            else:
                claims[full] = value
        return claims

    def resign(self, **changes: Any) -> Attempt:
        """The platform's own signature on tampered claims."""
        return Attempt(self.platform.sign(self.claims(**changes)))

    def published_key(self, kid: str) -> dict[str, Any]:
        return next(k for k in self.platform.jwks()["keys"] if k.get("kid") == kid)
