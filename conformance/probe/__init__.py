"""``canvas-lti probe-tool``: the mock turns platform and attacks a vendor's LTI tool.

``platform`` drives the mock over HTTP, ``flow`` runs one real OIDC flow through the tool,
``attacks`` registers the cases (one small function each), ``forge`` builds tokens no platform
would sign, ``deep_linking`` checks the tool's deep linking response, ``verdict`` decides
accepted/rejected from the tool's answer, ``run`` orchestrates and ``report`` renders.
"""

from .platform import Platform, ProbeError
from .run import BaselineRejected, ProbeOptions, ProbeResult, probe_tool
from .verdict import SuccessRule

__all__ = ["BaselineRejected", "Platform", "ProbeError", "ProbeOptions", "ProbeResult", "SuccessRule", "probe_tool"]
