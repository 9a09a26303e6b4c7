"""Production profile of the demo: ``DJANGO_SETTINGS_MODULE=project.settings_production``.

Everything of ``project.settings`` with ``DEBUG`` off and the settings ``manage.py check
--deploy`` asks for: HTTPS only (redirect, HSTS), cookies ``Secure`` and ``HttpOnly``. Needs
``SECRET_KEY`` (50+ random characters) and ``ALLOWED_HOSTS`` in the environment; behind a
TLS-terminating proxy set ``SECURE_PROXY_SSL_HEADER=1`` so ``X-Forwarded-Proto: https`` marks
a request secure (only when the proxy always sets that header). Outages keep the base settings'
answers: ``services_api.middleware.SessionMiddleware`` and the DRF exception handler make a
database or session-cache outage a 503 with ``Retry-After`` on every page, not a 500. See
docs/deployment.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ["DEBUG"] = "0"

from project.settings import *  # noqa: E402,F403
from project.settings import DEBUG, env_bool  # noqa: E402

if DEBUG:  # pragma: no cover - the line above makes it impossible
    raise ImproperlyConfigured("The production profile runs with DEBUG off.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
