"""Test settings: the demo project plus a small test app and fast password hashing."""

from project.settings import *  # noqa: F403
from project.settings import INSTALLED_APPS, PASSWORD_HASHERS  # noqa: F401

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# MD5 first keeps the suite fast; the real hashers stay available for the tests that need them.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
