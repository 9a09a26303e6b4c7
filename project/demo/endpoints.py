"""The demo's Services endpoints, as data: applied by a data migration (so a fresh database
has them) and again by ``seed_demo`` (so resources added by later releases appear)."""

from __future__ import annotations

USER_RESOURCE = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": ["login", "logout", "token", "register", "request_new_password"],
    "targeted_actions": ["password_reset", "resend_welcome_email", "cancel"],
    "relationships": [],
}
SYSTEM_RESOURCE = {
    "operations": [],
    "actions": ["connect", "get_variable", "set_variable", "del_variable"],
    "targeted_actions": [],
    "relationships": [],
}
CRUD = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": [],
    "targeted_actions": [],
    "relationships": [],
}

API_ENDPOINT = {
    "name": "api",
    "path": "api",
    "authentication": ["session", "basic"],
    "formatters": ["json", "xml", "jsonp", "api"],
    "parsers": [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
        "text/xml",
    ],
    "default_format": "json",
    "response_style": "services",
    "allow_registration": True,
    "resources": {
        "user": USER_RESOURCE,
        "system": SYSTEM_RESOURCE,
        "entity_article": {**CRUD, "relationships": ["comments"]},
        "entity_comment": CRUD,
        "entity_tag": CRUD,
        "entity_vocabulary": CRUD,
        "node": {**CRUD, "relationships": ["comments"]},
        "comment": CRUD,
        "taxonomy_term": CRUD,
        "taxonomy_vocabulary": CRUD,
    },
}

DEMO_ENDPOINTS = [API_ENDPOINT]


def apply_demo_endpoints(endpoint_model, resource_model) -> None:
    """Create or update the demo endpoints; works with historical models in migrations."""
    for config in DEMO_ENDPOINTS:
        fields = {k: v for k, v in config.items() if k not in ("name", "resources")}
        endpoint, _ = endpoint_model.objects.update_or_create(name=config["name"], defaults=fields)
        for resource, controllers in config["resources"].items():
            resource_model.objects.update_or_create(
                endpoint=endpoint, resource=resource, defaults=dict(controllers)
            )
