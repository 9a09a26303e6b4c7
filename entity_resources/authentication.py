"""HTTP Basic for DRF views that refuses hostile credentials instead of failing on them.

DRF's ``BasicAuthentication`` looks the user up by the name as sent. A NUL character in it (a
valid byte of Basic credentials, sent by fuzzers and scanners) makes PostgreSQL refuse the
query (``DataError``): a 500 on every view using it. This subclass refuses such credentials
as it refuses a wrong password (``AuthenticationFailed``). The demo sets it in
``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]`` for the public viewsets.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's HTTP Basic; a NUL character in the credentials is a failed authentication."""

    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        if "\x00" in userid or "\x00" in password:
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        return super().authenticate_credentials(userid, password, request)


__all__ = ["BasicAuthentication"]
