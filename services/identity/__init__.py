"""The identity service: organisations, users, roles, enterprise tier lists, and tokens.

Other services never call it per request: they verify its access tokens locally against
its JWKS (``shared.auth``) and learn about organisations from its events.
"""
