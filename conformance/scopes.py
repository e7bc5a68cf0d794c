"""The LTI scope strings and media types the suite asks for by name (§13, §2.6)."""

from __future__ import annotations

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_RO = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ACCOUNT_LOOKUP = "https://canvas.instructure.com/lti/account_lookup/scope/show"
ACCOUNT_TOOLS_LIST = "https://canvas.instructure.com/lti/account_external_tools/scope/list"
DATA_SERVICES_LIST = "https://canvas.instructure.com/lti/data_services/scope/list"
DATA_SERVICES_CREATE = "https://canvas.instructure.com/lti/data_services/scope/create"

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
LINE_ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
