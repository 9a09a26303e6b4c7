"""Test settings: the demo project plus a small test app and fast password hashing."""

import os

# A fixed CiviCRM site key, so that importing the demo settings writes no key file.
os.environ.setdefault("CIVICRM_SITE_KEY", "test-civicrm-site-key")

from project.settings import *  # noqa: E402, F403
from project.settings import INSTALLED_APPS, PASSWORD_HASHERS, SERVICES_API  # noqa: E402, F401

# The library's default (no site key); the CiviCRM tests configure one themselves.
SERVICES_API = {**SERVICES_API, "SITE_KEY": None}

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# MD5 first keeps the suite fast; the real hashers stay available for the tests that need them.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
