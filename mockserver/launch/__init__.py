"""LTI 1.3 platform emulation: OIDC launches, deep linking and dynamic registration (§10–§12).

``login`` starts a launch (third-party initiated login), ``authorize`` answers the tool's
authentication request with the cached id_token, ``id_token`` builds the claims,
``substitutions`` expands Canvas variables, ``deep_linking`` validates and applies deep linking
responses, ``dynamic_registration`` registers tools, ``tool_keys`` fetches tool key sets and
``html`` renders the machine-readable auto-posting forms.
"""
