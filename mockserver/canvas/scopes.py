"""Canvas's LTI scope strings (``lib/token_scopes.rb``, §13), in one place."""

AGS_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://canvas.instructure.com/lti-ags/progress/scope/show",
)
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

#: ``TokenScopes::LTI_SCOPES``: documented, and advertised as openid-configuration ``scopes_supported``.
LTI_SCOPES = (
    *AGS_SCOPES[:4],
    NRPS_SCOPE,
    "https://purl.imsglobal.org/spec/lti/scope/noticehandlers",
    "https://purl.imsglobal.org/spec/lti/scope/asset.readonly",
    "https://purl.imsglobal.org/spec/lti/scope/report",
    "https://purl.imsglobal.org/spec/lti/scope/eula/user",
    "https://purl.imsglobal.org/spec/lti/scope/eula/deployment",
    "https://canvas.instructure.com/lti/public_jwk/scope/update",
    "https://canvas.instructure.com/lti/account_lookup/scope/show",
    AGS_SCOPES[4],
    "https://canvas.instructure.com/lti/page_content/show",
)

#: ``TokenScopes::LTI_HIDDEN_SCOPES``: valid on a developer key, not advertised.
LTI_HIDDEN_SCOPES = (
    *(f"https://canvas.instructure.com/lti/account_external_tools/scope/{a}" for a in ("create", "destroy", "list", "show", "update")),
    *(f"https://canvas.instructure.com/lti/data_services/scope/{a}"
      for a in ("create", "show", "update", "list", "destroy", "list_event_types")),
    "https://canvas.instructure.com/lti/feature_flags/scope/show",
    "https://canvas.instructure.com/lti/replace_editor_contents",
)

ALL_LTI_SCOPES = frozenset(LTI_SCOPES) | frozenset(LTI_HIDDEN_SCOPES)
