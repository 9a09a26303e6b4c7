"""Endpoint configuration, edited in the Django admin (Drupal's Services UI).

An ``Endpoint`` is a path on the site with its authentication methods, formatters, parsers and
response style; an ``EndpointResource`` enables one registered resource on it, optionally under
an alias, with the operations, actions, targeted actions and relationships that are switched on.
As in Drupal, a new endpoint has no resources and a new resource row has nothing enabled.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from entity_resources.grammar import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from services_api.constants import (
    COUNT_MODES,
    ERROR_STYLES,
    auth_method_choices,
    default_formatters,
    default_parsers,
    response_style_choices,
)

PATH_RE = re.compile(r"^(?:[A-Za-z0-9_\-~]+(?:/[A-Za-z0-9_\-~]+)*)?$")
RESERVED_PREFIXES = ("admin", "static", "media", "services/session", "index.php")


def validate_endpoint_path(value: str) -> None:
    if not PATH_RE.match(value):
        raise ValidationError(
            "Use letters, digits, '_', '-' and '~' in segments separated by single '/', with no "
            "leading or trailing '/'.",
            code="invalid_path",
        )
    for reserved in RESERVED_PREFIXES:
        if (
            value == reserved
            or value.startswith(reserved + "/")
            or reserved.startswith(value + "/")
        ):
            raise ValidationError(
                f"The path {value!r} would shadow the site's own URLs under '{reserved}/'.",
                code="reserved_path",
            )


THROTTLE_RATE_RE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
THROTTLE_KINDS = ("anon", "user")


def validate_throttle_rates(value: object) -> None:
    """``{"anon": "60/min", "user": "1000/hour"}``: DRF rate strings for anonymous callers
    (per IP) and signed-in users (per account); either key may be left out."""
    if not isinstance(value, dict):
        raise ValidationError('Use a mapping such as {"anon": "60/min", "user": "1000/hour"}.')
    problems = [f"{key!r} is not anon or user" for key in value if key not in THROTTLE_KINDS] + [
        f"{key}: {rate!r} is not a rate like 60/min"
        for key, rate in value.items()
        if key in THROTTLE_KINDS and not (isinstance(rate, str) and THROTTLE_RATE_RE.match(rate))
    ]
    if problems:
        raise ValidationError("; ".join(problems) + ".", code="invalid_throttle_rates")


def _throttle_field() -> models.JSONField:
    return models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_throttle_rates],
        help_text='Limits per caller, e.g. {"anon": "60/min", "user": "1000/hour"}.',
    )


def api_version_problems(resource_name: str, api_versions: object) -> list[str]:
    """What is wrong with an ``api_versions`` setting: a map of a resource's versioned methods
    to one of the versions they declare (``{"login": "1.1"}``)."""
    if not isinstance(api_versions, dict):
        return [f"Expected a mapping of method names to versions, not {api_versions!r}."]
    from services_api.resources import registry

    resource = registry.get(resource_name)
    if resource is None:
        return []  # the unknown resource is reported on its own
    versioned = {
        name: controller.version_names
        for controllers in resource.controllers.values()
        for name, controller in controllers.items()
        if controller.versions
    }
    problems = []
    for method, version in api_versions.items():
        if method not in versioned:
            available = ", ".join(sorted(versioned)) or "none"
            problems.append(
                f"{resource_name} has no versioned method {method!r} (versioned: {available})."
            )
        elif version not in versioned[method]:
            problems.append(
                f"{resource_name}/{method} has no API version {version!r} "
                f"(available: {', '.join(versioned[method])})."
            )
    return problems


class Endpoint(models.Model):
    name = models.CharField(
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+$", "Use lowercase letters, digits and '_'.")],
        help_text="Machine name, used by exports.",
    )
    path = models.CharField(
        max_length=255,
        unique=True,
        blank=True,
        validators=[validate_endpoint_path],
        help_text=(
            "URL path such as 'api' or 'services/rest'; empty serves resources at the site root."
        ),
    )
    enabled = models.BooleanField(default=True)
    authentication = models.JSONField(default=list, blank=True, help_text="Enabled auth methods.")
    formatters = models.JSONField(default=default_formatters, blank=True)
    parsers = models.JSONField(default=default_parsers, blank=True)
    default_format = models.CharField(
        max_length=16,
        default="json",
        help_text="Response format when a request names none and sends no Accept header.",
    )
    response_style = models.CharField(
        max_length=16,
        choices=response_style_choices,
        default="services",
        help_text="How entity resources shape their answers (RESPONSE_STYLES setting).",
    )
    error_style = models.CharField(max_length=16, choices=ERROR_STYLES, default="drupal")
    page_size = models.PositiveIntegerField(
        default=DEFAULT_PAGE_SIZE, help_text="Default index page size."
    )
    max_page_size = models.PositiveIntegerField(
        default=MAX_PAGE_SIZE, help_text="Largest index page size."
    )
    count_mode = models.CharField(max_length=16, choices=COUNT_MODES, default="exact")
    plain_query_filters = models.BooleanField(
        default=False, help_text="Accept filters as plain query parameters (?uid=200)."
    )
    allow_registration = models.BooleanField(
        default=True, help_text="Anonymous visitors may register through user/register."
    )
    debug = models.BooleanField(default=False)
    throttle_rates = _throttle_field()

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} (/{self.path})"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.max_page_size and self.page_size > self.max_page_size:
            errors["page_size"] = "The default page size cannot exceed the maximum."
        if self.default_format and self.formatters and self.default_format not in self.formatters:
            errors["default_format"] = "The default format must be one of the enabled formatters."
        unknown = sorted(set(self.authentication or ()) - dict(auth_method_choices()).keys())
        if unknown:
            errors["authentication"] = f"Unknown authentication method(s): {', '.join(unknown)}."
        others = Endpoint.objects.exclude(pk=self.pk).values_list("path", flat=True)
        for other in others:
            if (
                self.path
                and other
                and (self.path.startswith(other + "/") or other.startswith(self.path + "/"))
            ):
                errors["path"] = f"The path overlaps the path {other!r} of another endpoint."
                break
        if errors:
            raise ValidationError(errors)


class EndpointResource(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="resources")
    resource = models.CharField(max_length=100, help_text="Name of a registered resource.")
    alias = models.CharField(
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9a-z_\-]+$", "Use lowercase letters, digits, '_' and '-'.")
        ],
        help_text="If set, the resource answers only under this name.",
    )
    operations = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list, blank=True)
    targeted_actions = models.JSONField(default=list, blank=True)
    relationships = models.JSONField(default=list, blank=True)
    throttle_rates = _throttle_field()
    api_versions = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'Drupal resource API version per method, e.g. {"login": "1.1"} (login takes '
            "name/pass). A services_<resource>_<method>_version request header overrides it."
        ),
    )

    class Meta:
        ordering = ["resource"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "resource"], name="unique_endpoint_resource"
            )
        ]

    def __str__(self) -> str:
        return self.alias or self.resource

    def clean(self) -> None:
        super().clean()
        if self.api_versions in (None, ""):
            self.api_versions = {}  # an empty admin field
        problems = api_version_problems(self.resource, self.api_versions)
        if problems:
            raise ValidationError({"api_versions": problems})

    @property
    def public_name(self) -> str:
        return self.alias or self.resource


class ApiKey(models.Model):
    """A per-user API key (CiviCRM style). Only a SHA-256 hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="services_api_keys"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the key is for.")
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class BearerToken(models.Model):
    """A bearer token issued by ``user/login``; hashed at rest, expiring, revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="services_bearer_tokens"
    )
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SystemVariable(models.Model):
    """Drupal's ``variable`` table for ``system/get_variable`` and friends."""

    name = models.CharField(max_length=128, unique=True)
    value = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
