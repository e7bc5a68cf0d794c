"""Authentication: platform keys, client assertions and access tokens, the §2 filter chain."""
