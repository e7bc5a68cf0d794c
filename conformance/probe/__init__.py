"""``canvas-lti probe-tool``: the mock turns platform and attacks a vendor's LTI tool.

``platform`` drives the mock over HTTP, ``flow`` runs one real OIDC flow through the tool,
``attacks`` registers the cases (one small function each, by family), ``forge`` builds tokens no
platform would sign, ``attacker`` is the probe's own loopback site (key sets for ``jku``/``x5u``,
an open-redirect landing page), ``deep_linking`` checks the tool's deep linking response,
``verdict`` decides refused/accepted/crashed/error from the tool's answer, ``reasons`` reads why
it refused, ``severity`` says how much each case matters, ``run`` orchestrates and ``report``
renders.
"""

from .platform import Platform, ProbeError
from .run import BaselineRejected, ProbeOptions, ProbeResult, RefusalLooksLikeLaunch, probe_tool
from .severity import Severity
from .verdict import Outcome, SuccessRule

__all__ = ["BaselineRejected", "Outcome", "Platform", "ProbeError", "ProbeOptions", "ProbeResult",
           "RefusalLooksLikeLaunch", "Severity", "SuccessRule", "probe_tool"]
