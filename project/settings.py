"""Settings of the demo project: a host project using both apps as any other would.

Everything environment-specific comes from environment variables with safe defaults:
``DATABASE_URL`` (SQLite file by default), ``SECRET_KEY`` (required when ``DEBUG`` is off),
``DEBUG``, ``ALLOWED_HOSTS`` and ``CACHE_URL`` (``redis://...``; a file cache by default so that
every gunicorn worker sees the same endpoint configuration).
"""

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from project.sitekey import demo_site_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = (
        "insecure-demo-key-only-for-debug-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()
    )
ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    # The OpenAPI schema of the public DRF viewsets at /rest/schema/ and its Swagger UI.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "entity_resources",
    "services_api",
    "project.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, browsable API, API docs pages) from gunicorn too, not only runserver.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, but a session that cannot be saved because the database (or
    # the cache holding the sessions) is down is a 503 + Retry-After, not a 500 with a traceback.
    "services_api.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A persistent connection broken by a database restart is replaced on the next
        # request instead of failing it.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = os.environ.get("CACHE_URL", "")
if _cache_url.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            # Lets several servers share one Redis database without reading each other's
            # configuration snapshots (the live tests give every server its own prefix).
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
elif _cache_url == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    _cache_dir = Path(tempfile.gettempdir()) / (
        "services-api-demo-cache-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(_cache_dir),
        }
    }

# Drupal names its session cookie SESS + 32 hex characters; clients read it from the login reply.
SESSION_COOKIE_NAME = "SESS" + hashlib.sha256(b"services-api-demo").hexdigest()[:32]
# The session cookie is always HttpOnly, and Secure on HTTPS requests (or always, with
# SESSION_COOKIE_SECURE as in the production profile). SameSite: "Lax" (Django's default),
# "Strict", or "None" for a web front end on another site that sends credentials (needs HTTPS).
SESSION_COOKIE_SAMESITE = os.environ.get("SESSION_COOKIE_SAMESITE", "Lax")

AUTH_PASSWORD_VALIDATORS = []
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves the apps' static files straight from their folders, so the demo needs no
# collectstatic; a production deployment runs collectstatic and may turn this off.
WHITENOISE_USE_FINDERS = True
# ... so a missing STATIC_ROOT (no collectstatic yet) is expected, not worth a warning.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
# Uploads through the file resource (SERVICES_API["FILE_STORAGE"] = "default").
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

REST_FRAMEWORK = {
    # DRF views (the /rest/ viewsets) answer an outage of the database or of the cache holding
    # the sessions 503 + Retry-After, as the Services endpoints do, instead of a 500.
    "EXCEPTION_HANDLER": "services_api.drf.errors.exception_handler",
    # drf-spectacular describes the DRF views (/rest/schema/); entity_resources types the public
    # viewsets' rows, queries and bodies from their registrations (entity_resources.spectacular).
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's defaults, with HTTP Basic refusing a NUL in the credentials (PostgreSQL cannot
    # look such a name up: DRF's own class answers 500).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "entity_resources.authentication.BasicAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Services API demo: public DRF viewsets",
    "DESCRIPTION": "The entity resources as DRF viewsets (/rest/), with the user actions.",
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SERVICES_API = {
    # CiviCRM's site key, required with every API key (and by civicrm/login): the
    # CIVICRM_SITE_KEY environment variable, else generated into .civicrm-site-key.
    "SITE_KEY": demo_site_key(BASE_DIR),
    # Every error of the CiviCRM endpoint in CiviCRM's shape ({"is_error": 1, ...}).
    "ERROR_ALTER_HOOKS": ["project.demo.civicrm.civicrm_errors"],
    "AUTHENTICATED_CAN_VIEW_PROFILES": True,
    "USER_UUID_FIELD": "demo_profile__uuid",
    "ROOT_VIEW": "project.demo.views.home",
    "SITE_NAME": "Services API demo",
    "USER_PROFILE_FIELDS": "project.demo.warmshowers.profile_fields",
}
# Argon2 first (Django's recommendation; argon2-cffi): a check costs tens of milliseconds of
# CPU where PBKDF2's 1,000,000 iterations cost over half a second, so concurrent logins do not
# queue behind each other. Existing PBKDF2 hashes are upgraded to Argon2 on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Users imported from Drupal 7 (manage.py import_drupal_users) keep their old password;
    # it is re-hashed with the first hasher above on their first login.
    "services_api.auth.hashers.DrupalPasswordHasher",
]
