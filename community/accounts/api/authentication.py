"""`Authorization: Token <key>` against the hashed tokens of community/accounts/tokens.py."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from community.accounts import tokens


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's token scheme (same header, same 401 challenge), looked up by the key's hash."""

    def authenticate_credentials(self, key: str):
        token = tokens.token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)
