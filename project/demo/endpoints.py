"""The demo's Services endpoints, as data: applied by a data migration (so a fresh database
has them) and again by ``seed_demo`` (so resources added by later releases appear)."""

from __future__ import annotations

USER_RESOURCE = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": ["login", "logout", "token", "register", "request_new_password", "user_pass_reset"],
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

FILE_RESOURCE = {
    "operations": ["retrieve", "create", "delete", "index"],
    "actions": ["create_raw"],
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
        "node": {
            **CRUD,
            "targeted_actions": ["attach_file"],
            "relationships": ["comments", "files"],
        },
        "comment": {**CRUD, "actions": ["countAll", "countNew"]},
        "taxonomy_term": {**CRUD, "actions": ["selectNodes"]},
        "taxonomy_vocabulary": {**CRUD, "actions": ["getTree", "retrieveByMachineName"]},
        # Drupal's file resource (no update: Drupal files are replaced, not edited).
        "file": FILE_RESOURCE,
        # What the endpoint offers, as Services' resource definitions (docs/openapi.md).
        "definition": {
            "operations": ["retrieve", "index"],
            "actions": [],
            "targeted_actions": [],
            "relationships": [],
        },
    },
}

#: The Warmshowers mobile API: session cookie + X-CSRF-Token, form-encoded posts, and XML
#: unless the client asks for JSON ("Accept: application/json (Optional. Otherwise, XML is
#: sent)").
SERVICES_REST_ENDPOINT = {
    "name": "services_rest",
    "path": "services/rest",
    "authentication": ["session"],
    "formatters": ["json", "xml"],
    "parsers": [
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data",
    ],
    "default_format": "xml",
    "response_style": "services",
    "allow_registration": False,
    "resources": {
        "user": {
            "operations": ["retrieve"],
            "actions": ["login", "logout", "token"],
            "targeted_actions": [],
            "relationships": [],
        },
        "system": {
            "operations": [],
            "actions": ["connect"],
            "targeted_actions": [],
            "relationships": [],
        },
        "hosts": {
            "operations": [],
            "actions": ["by_location", "by_keyword"],
            "targeted_actions": [],
            "relationships": [],
        },
        "message": {
            "operations": [],
            "actions": ["send", "reply", "unreadCount", "get", "getThread", "markThreadRead"],
            "targeted_actions": [],
            "relationships": [],
        },
        # Feedback: ``POST node`` with ``node[type]=trust_referral`` (project/demo/feedback.py).
        "node": {
            "operations": ["create"],
            "actions": [],
            "targeted_actions": [],
            "relationships": [],
        },
    },
}


def civicrm_entity(*commands: str) -> dict[str, list[str]]:
    """A CiviCRM entity: every command by GET (``index``) and by POST (an action each)."""
    return {
        "operations": ["index"],
        "actions": list(commands),
        "targeted_actions": [],
        "relationships": [],
    }


#: CiviCRM 3.2's REST interface: site key + user API key, XML unless json=1.
CIVICRM_ENDPOINT = {
    "name": "civicrm",
    "path": "civicrm",
    "authentication": ["api_key"],
    "formatters": ["json", "xml"],
    "parsers": [
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data",
    ],
    "default_format": "xml",
    "response_style": "services",
    "allow_registration": False,
    "resources": {
        "contact": civicrm_entity("get", "search", "create", "add"),
        "group": civicrm_entity("get", "create", "add"),
        "group_contact": civicrm_entity("get", "add", "remove", "delete"),
        "civicrm_login": {
            "operations": ["index", "create"],
            "actions": [],
            "targeted_actions": [],
            "relationships": [],
            "alias": "login",
        },
    },
}

#: The Course document's RESTWS-style web service: resources at the SITE ROOT (empty path,
#: resolved after the host's own URLs: ``/admin/``, ``/``, ``/api/...``, the session token),
#: HTTP Basic auth, the restws response style, plain query filters (``?uid=200&nid=300``).
#: ``node`` is the article entity resource under an alias, as RESTWS serves entity types.
COURSE_ENDPOINT = {
    "name": "course",
    "path": "",
    "authentication": ["basic"],
    "formatters": ["json", "xml"],
    "parsers": [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ],
    "default_format": "json",
    "response_style": "restws",
    "count_mode": "exact",
    "plain_query_filters": True,
    "allow_registration": False,
    "resources": {
        "course_enrollment": CRUD,
        "course_credit_awarded": CRUD,
        "entity_article": {**CRUD, "alias": "node"},
        "user": {
            "operations": ["retrieve", "create"],
            "actions": [],
            "targeted_actions": [],
            "relationships": [],
        },
    },
}

DEMO_ENDPOINTS = [API_ENDPOINT, SERVICES_REST_ENDPOINT, CIVICRM_ENDPOINT, COURSE_ENDPOINT]


def apply_demo_endpoints(endpoint_model, resource_model) -> None:
    """Create or update the demo endpoints; works with historical models in migrations.

    Only the fields the given model has are written, so an early migration keeps working
    after later releases add endpoint settings (the last migration and ``seed_demo`` then
    write them).
    """
    known = {field.name for field in endpoint_model._meta.concrete_fields}
    for config in DEMO_ENDPOINTS:
        fields = {k: v for k, v in config.items() if k in known and k != "name"}
        endpoint, _ = endpoint_model.objects.update_or_create(name=config["name"], defaults=fields)
        for resource, controllers in config["resources"].items():
            resource_model.objects.update_or_create(
                endpoint=endpoint, resource=resource, defaults=dict(controllers)
            )
