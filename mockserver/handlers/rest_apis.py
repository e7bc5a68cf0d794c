"""The REST APIs around LTI (issue 4), one module per area, gathered for the registry."""

from __future__ import annotations

from . import external_tools, legacy_lti, lti_services, registrations, resource_links

REST_OPERATIONS = (external_tools.OPERATIONS, resource_links.OPERATIONS, registrations.OPERATIONS, lti_services.OPERATIONS,
                   legacy_lti.OPERATIONS)
