"""``services_export`` / ``services_import``: round trips, updates, Drupal exports, bad input."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from services_api.endpoints.portable import (
    FORMAT,
    EndpointImportError,
    export_endpoint,
    import_endpoints,
)
from services_api.models import Endpoint, EndpointResource
from services_api.resources import Resource, action, operation, registry, relationship
from services_api.resources import targeted_action as targeted

pytestmark = pytest.mark.django_db


class AccountResource(Resource):
    name = "pt_account"

    @operation("retrieve")
    def retrieve(self, request):
        return {}

    @operation("index")
    def index(self, request):
        return []

    @action()
    def login(self, request):
        return {}

    @action()
    def logout(self, request):
        return True

    @action()
    def token(self, request):
        return {}

    @action()
    def register(self, request):
        return {}

    @targeted("cancel")
    def cancel(self, request):
        return True

    @relationship()
    def friends(self, request):
        return []


class PingResource(Resource):
    name = "pt_ping"

    @action()
    def connect(self, request):
        return {}


@pytest.fixture(autouse=True)
def test_resources():
    registry.register(AccountResource)
    registry.register(PingResource)
    yield
    registry.unregister(AccountResource.name)
    registry.unregister(PingResource.name)


def make_endpoint(name="exported", path="exported/v1") -> Endpoint:
    endpoint = Endpoint.objects.create(
        name=name,
        path=path,
        authentication=["session", "basic"],
        formatters=["xml", "json", "yaml"],
        parsers=["application/json"],
        default_format="xml",
        response_style="restws",
        error_style="problem",
        page_size=10,
        max_page_size=50,
        count_mode="none",
        plain_query_filters=True,
        allow_registration=False,
        debug=True,
    )
    EndpointResource.objects.create(
        endpoint=endpoint,
        resource="pt_account",
        alias="accounts",
        operations=["index", "retrieve"],
        actions=["token", "login"],
        targeted_actions=["cancel"],
        relationships=["friends"],
    )
    EndpointResource.objects.create(endpoint=endpoint, resource="pt_ping", actions=["connect"])
    return endpoint


def export(name: str, fmt: str = "json") -> str:
    out = io.StringIO()
    call_command("services_export", name, format=fmt, stdout=out)
    return out.getvalue()


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("services_import", str(path), *args, stdout=out)
    return out.getvalue()


def db_state() -> list:
    """Everything about endpoints and resource rows, to check that nothing changed."""
    return [
        list(Endpoint.objects.order_by("pk").values()),
        list(EndpointResource.objects.order_by("pk").values()),
    ]


# --------------------------------------------------------------------------- export


def test_export_shape_is_deterministic():
    data = export_endpoint(make_endpoint())
    assert list(data) == [
        "format", "name", "path", "enabled", "authentication", "formatters", "parsers",
        "default_format", "response_style", "error_style", "page_size", "max_page_size",
        "count_mode", "plain_query_filters", "allow_registration", "debug", "resources",
    ]  # fmt: skip
    assert data["format"] == FORMAT
    assert data["formatters"] == ["xml", "json", "yaml"]  # stored order: it matters
    assert data["resources"] == {
        "pt_account": {
            "alias": "accounts",
            "operations": ["retrieve", "index"],
            "actions": ["login", "token"],
            "targeted_actions": ["cancel"],
            "relationships": ["friends"],
        },
        "pt_ping": {
            "alias": None,
            "operations": [],
            "actions": ["connect"],
            "targeted_actions": [],
            "relationships": [],
        },
    }
    text = export("exported")
    assert json.loads(text) == data
    assert text == json.dumps(data, indent=2) + "\n"
    assert yaml.safe_load(export("exported", "yaml")) == data


@pytest.mark.parametrize("fmt, suffix", [("json", "json"), ("yaml", "yaml"), ("yaml", "yml")])
def test_round_trip(tmp_path, fmt, suffix):
    make_endpoint()
    first = export("exported", fmt)
    file = tmp_path / f"endpoint.{suffix}"
    file.write_text(first)
    Endpoint.objects.filter(name="exported").delete()
    assert not EndpointResource.objects.filter(endpoint__name="exported").exists()

    output = run_import(file)

    assert output == "Imported endpoint 'exported' (path 'exported/v1', 2 resources).\n"
    assert export("exported", fmt) == first


def test_round_trip_without_extension_sniffs_the_content(tmp_path):
    make_endpoint()
    for fmt in ("json", "yaml"):
        first = export("exported", fmt)
        file = tmp_path / "endpoint.txt"
        file.write_text(first)
        Endpoint.objects.filter(name="exported").delete()
        run_import(file)
        assert export("exported", fmt) == first


def test_export_to_output_file(tmp_path):
    make_endpoint()
    target = tmp_path / "out.yml"
    out = io.StringIO()
    call_command("services_export", "exported", output=str(target), stdout=out)
    assert out.getvalue() == f"Exported endpoint 'exported' to {target}.\n"
    assert target.read_text() == export("exported", "yaml")  # format from the extension
    target = tmp_path / "out.dat"
    call_command("services_export", "exported", "--output", str(target), stdout=io.StringIO())
    assert target.read_text() == export("exported", "json")


def test_export_unknown_name_lists_existing_endpoints():
    make_endpoint()
    with pytest.raises(CommandError, match="No endpoint named 'nope'") as info:
        call_command("services_export", "nope")
    assert "exported" in str(info.value)


# --------------------------------------------------------------------------- import


def test_import_updates_existing_endpoint_and_replaces_resources(tmp_path):
    endpoint = make_endpoint()
    config = {
        "name": "exported",
        "path": "exported/v2",
        "formatters": ["json"],
        "resources": {"pt_ping": {"alias": "ping", "actions": ["connect"]}},
    }
    file = tmp_path / "update.json"
    file.write_text(json.dumps([config]))

    output = run_import(file)

    assert output == "Imported endpoint 'exported' (path 'exported/v2', 1 resource).\n"
    endpoint.refresh_from_db()
    assert endpoint.pk == Endpoint.objects.get(name="exported").pk
    assert endpoint.path == "exported/v2"
    assert endpoint.formatters == ["json"]
    # Missing keys take the model defaults: the file describes the whole endpoint.
    assert endpoint.default_format == "json"
    assert endpoint.response_style == "services"
    assert endpoint.debug is False
    rows = list(endpoint.resources.values_list("resource", "alias", "actions"))
    assert rows == [("pt_ping", "ping", ["connect"])]


def test_dry_run_writes_nothing(tmp_path):
    make_endpoint()
    file = tmp_path / "new.yaml"
    file.write_text(
        yaml.safe_dump({"name": "fresh", "path": "fresh", "resources": {"pt_ping": {}}})
    )
    before = db_state()

    output = run_import(file, "--dry-run")

    assert output == (
        "Would import endpoint 'fresh' (path 'fresh', 1 resource).\nDry run: nothing was written.\n"
    )
    assert db_state() == before


def test_import_several_endpoints_at_once(tmp_path):
    file = tmp_path / "many.json"
    file.write_text(json.dumps([{"name": "one", "path": "one"}, {"name": "two", "path": "two"}]))
    output = run_import(file)
    assert output.splitlines() == [
        "Imported endpoint 'one' (path 'one', 0 resources).",
        "Imported endpoint 'two' (path 'two', 0 resources).",
    ]


def test_import_endpoints_api_reports_all_problems():
    before = db_state()
    with pytest.raises(EndpointImportError) as info:
        import_endpoints(
            [
                {"name": "a", "path": "admin", "colour": "red"},
                {"name": "b", "path": "b", "page_size": "20", "resources": {"nope": {}}},
            ]
        )
    assert len(info.value.errors) == 4
    assert "endpoint 'a': path: The path 'admin' would shadow" in str(info.value)
    assert "endpoint 'a': unknown key(s) 'colour'" in str(info.value)
    assert "endpoint 'b': page_size must be an integer, not '20'" in str(info.value)
    assert "endpoint 'b': resource 'nope' is not registered" in str(info.value)
    assert db_state() == before


def test_failed_write_rolls_back_everything(tmp_path, monkeypatch):
    make_endpoint()
    before = db_state()
    save = EndpointResource.save

    def flaky_save(self, *args, **kwargs):
        if self.resource == "pt_ping":
            raise DatabaseError("disk full")
        save(self, *args, **kwargs)

    monkeypatch.setattr(EndpointResource, "save", flaky_save)
    file = tmp_path / "update.json"
    configs = [
        {"name": "exported", "path": "moved", "resources": {"pt_account": {}}},
        {"name": "fresh", "path": "fresh", "resources": {"pt_account": {}, "pt_ping": {}}},
    ]
    file.write_text(json.dumps(configs))

    with pytest.raises(CommandError, match="the database refused the import: disk full"):
        run_import(file)

    assert db_state() == before


# --------------------------------------------------------------------------- Drupal

DRUPAL_EXPORT = """\
<?php
$endpoint = new stdClass();
$endpoint->disabled = FALSE;
$endpoint->api_version = 3;
$endpoint->name = 'legacy';
$endpoint->server = 'rest_server';
$endpoint->path = 'legacy/api';
$endpoint->authentication = array(
  'services' => 'services',
);
$endpoint->server_settings = array(
  'formatters' => array(
    'json' => TRUE, 'xml' => TRUE, 'jsonp' => FALSE, 'php' => FALSE, 'bencode' => FALSE,
  ),
  'parsers' => array(
    'application/json' => TRUE,
    'application/x-www-form-urlencoded' => TRUE,
    'application/xml' => FALSE,
    'multipart/form-data' => FALSE,
    'text/xml' => FALSE,
  ),
);
$endpoint->resources = array(
  'pt_account' => array(
    'operations' => array('retrieve' => array('enabled' => '1')),
    'actions' => array(
      'login' => array('enabled' => '1'),
      'logout' => array('enabled' => '1'),
      'token' => array('enabled' => '1'),
      'register' => array('enabled' => '1'),
    ),
  ),
  'pt_ping' => array(
    'alias' => 'sys',
    'actions' => array('connect' => array('enabled' => '1')),
  ),
  'views' => array(
    'operations' => array('retrieve' => array('enabled' => '1')),
  ),
);
$endpoint->debug = 0;
"""


@pytest.mark.parametrize("filename", ["legacy.php", "legacy.txt", "feature.services.inc"])
def test_drupal_export_import(tmp_path, filename):
    file = tmp_path / filename
    file.write_text(DRUPAL_EXPORT)

    output = run_import(file)

    assert output.splitlines() == [
        "Ignored: resource 'views' is not available here; skipped",
        "Imported endpoint 'legacy' (path 'legacy/api', 2 resources).",
    ]
    endpoint = Endpoint.objects.get(name="legacy")
    assert endpoint.enabled is True
    assert endpoint.authentication == ["session"]
    assert endpoint.formatters == ["json", "xml"]
    assert endpoint.parsers == ["application/json", "application/x-www-form-urlencoded"]
    assert endpoint.default_format == "json"
    rows = {row.resource: row for row in endpoint.resources.all()}
    assert set(rows) == {"pt_account", "pt_ping"}
    assert rows["pt_account"].operations == ["retrieve"]
    assert rows["pt_account"].actions == ["login", "logout", "register", "token"]
    assert rows["pt_ping"].alias == "sys"
    # Importing again changes nothing.
    state = db_state()
    assert run_import(file) == output
    assert db_state()[0] == state[0]


def test_drupal_notes_are_printed(tmp_path):
    file = tmp_path / "legacy.php"
    file.write_text(DRUPAL_EXPORT.replace("'php' => FALSE", "'php' => TRUE"))
    output = run_import(file, "--dry-run")
    assert "Ignored: formatter 'php' is not available here; ignored\n" in output
    assert "Would import endpoint 'legacy' (path 'legacy/api', 2 resources).\n" in output
    assert not Endpoint.objects.filter(name="legacy").exists()


def test_drupal_default_format_falls_back_to_first_formatter(tmp_path):
    file = tmp_path / "legacy.php"
    file.write_text(DRUPAL_EXPORT.replace("'json' => TRUE", "'json' => FALSE"))
    run_import(file)
    endpoint = Endpoint.objects.get(name="legacy")
    assert (endpoint.formatters, endpoint.default_format) == (["xml"], "xml")


# --------------------------------------------------------------------------- bad input

GOOD = {"name": "bad", "path": "bad"}

BAD_INPUTS = [
    ("invalid JSON", "x.json", '{"name": "bad",', "not valid JSON"),
    ("invalid YAML", "x.yaml", "name: [bad\n", "not valid YAML"),
    ("YAML string", "x.yaml", "just a string\n", "not a string"),
    ("JSON number", "x.json", "42", "not a number"),
    ("empty list", "x.json", "[]", "the list of endpoints is empty"),
    ("unknown key", "x.json", json.dumps({**GOOD, "colour": "red"}), "unknown key(s) 'colour'"),
    ("missing path", "x.json", json.dumps({"name": "bad"}), "missing key 'path'"),
    ("bad path", "x.json", json.dumps({**GOOD, "path": "a//b"}), "path: Use letters"),
    ("path admin", "x.json", json.dumps({**GOOD, "path": "admin"}), "shadow the site's own URLs"),
    ("bad name", "x.json", json.dumps({**GOOD, "name": "Bad Name"}), "name: Use lowercase"),
    (
        "unknown formatter",
        "x.json",
        json.dumps({**GOOD, "formatters": ["json", "php"]}),
        "unknown formatters 'php'",
    ),
    (
        "unknown parser",
        "x.json",
        json.dumps({**GOOD, "parsers": ["text/csv"]}),
        "unknown parsers 'text/csv'",
    ),
    (
        "unknown auth",
        "x.json",
        json.dumps({**GOOD, "authentication": ["oauth"]}),
        "unknown authentication 'oauth'",
    ),
    (
        "wrong type",
        "x.json",
        json.dumps({**GOOD, "enabled": "yes"}),
        "enabled must be true or false",
    ),
    (
        "default format not enabled",
        "x.json",
        json.dumps({**GOOD, "formatters": ["xml"], "default_format": "json"}),
        "default_format: The default format must be one of the enabled formatters",
    ),
    ("bad format marker", "x.json", json.dumps({**GOOD, "format": "other/9"}), "'other/9'"),
    (
        "unknown resource",
        "x.json",
        json.dumps({**GOOD, "resources": {"views": {}}}),
        "resource 'views' is not registered",
    ),
    (
        "no such action",
        "x.json",
        json.dumps({**GOOD, "resources": {"pt_ping": {"actions": ["connect", "reboot"]}}}),
        "resource 'pt_ping' has no action 'reboot'",
    ),
    (
        "no such operation",
        "x.yaml",
        yaml.safe_dump({**GOOD, "resources": {"pt_ping": {"operations": ["index"]}}}),
        "resource 'pt_ping' has no operation 'index'",
    ),
    (
        "unknown resource key",
        "x.json",
        json.dumps({**GOOD, "resources": {"pt_ping": {"settings": {}}}}),
        "resource 'pt_ping': unknown key(s) 'settings'",
    ),
    (
        "bad alias",
        "x.json",
        json.dumps({**GOOD, "resources": {"pt_ping": {"alias": "Ping!"}}}),
        "alias: Use lowercase",
    ),
    (
        "public name taken",
        "x.json",
        json.dumps({**GOOD, "resources": {"pt_ping": {}, "pt_account": {"alias": "pt_ping"}}}),
        "the public name 'pt_ping' is already used",
    ),
    (
        "duplicate in list",
        "x.json",
        json.dumps({**GOOD, "formatters": ["json", "json"]}),
        "lists 'json' more than once",
    ),
    (
        "same name twice",
        "x.json",
        json.dumps([GOOD, {**GOOD, "path": "other"}]),
        "endpoint 'bad' appears more than once",
    ),
    (
        "overlapping paths in one file",
        "x.json",
        json.dumps([GOOD, {"name": "bad2", "path": "bad/sub"}]),
        "the paths 'bad' and 'bad/sub' overlap",
    ),
    (
        "path of another endpoint",
        "x.json",
        json.dumps({**GOOD, "path": "exported/v1"}),
        "path: Endpoint with this Path already exists",
    ),
    (
        "one bad endpoint spoils the file",
        "x.json",
        json.dumps([{"name": "exported", "path": "moved"}, {**GOOD, "path": "admin/x"}]),
        "shadow the site's own URLs",
    ),
    (
        "Drupal syntax error",
        "x.php",
        "$endpoint = new stdClass();\n$endpoint->name = 'bad'\n$endpoint->path = 'bad';\n",
        "Line 3: expected ';'",
    ),
    (
        "Drupal without endpoint",
        "x.inc",
        "<?php\n// nothing here\n",
        "no endpoint found",
    ),
]


def test_drupal_controllers_we_lack_are_skipped_with_a_note(tmp_path):
    from services_api.models import EndpointResource

    file = tmp_path / "x.php"
    file.write_text(DRUPAL_EXPORT.replace("'connect' =>", "'reboot' =>"))
    out = io.StringIO()
    call_command("services_import", str(file), stdout=out)
    assert "resource 'pt_ping' has no action 'reboot'; skipped" in out.getvalue()
    row = EndpointResource.objects.get(resource="pt_ping")
    assert "reboot" not in row.actions


@pytest.mark.parametrize(
    "filename, content, message", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_inputs_change_nothing(tmp_path, filename, content, message):
    make_endpoint()
    file = tmp_path / filename
    file.write_text(content)
    before = db_state()
    counts = (Endpoint.objects.count(), EndpointResource.objects.count())

    with pytest.raises(CommandError) as info:
        run_import(file)

    assert message in str(info.value)
    assert str(info.value).startswith(str(file))
    assert (Endpoint.objects.count(), EndpointResource.objects.count()) == counts
    assert db_state() == before


def test_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        run_import("/nonexistent/endpoint.json")


def test_unreadable_file(tmp_path):
    file = tmp_path / "binary.json"
    file.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match="cannot be read as UTF-8"):
        run_import(file)


@pytest.mark.django_db
def test_import_reports_every_problem_at_once_even_after_a_bad_resource():
    from services_api.endpoints.portable import EndpointImportError, run_import

    configs = [
        {"name": "one", "path": "bad path!", "resources": {"nope": {}}},
        {"name": "two", "path": "two", "page_size": "ten", "resources": {"node": {"x": 1}}},
        {"name": "three", "path": "two"},
    ]
    with pytest.raises(EndpointImportError) as info:
        run_import(configs)
    errors = "\n".join(info.value.errors)
    assert "endpoint 'one': resource 'nope' is not registered" in errors
    assert "endpoint 'one': path:" in errors
    assert "endpoint 'two': page_size must be an integer" in errors
    assert "endpoint 'two': resource 'node': unknown key(s) 'x'" in errors
    assert len(info.value.errors) >= 4
    from services_api.models import Endpoint

    assert not Endpoint.objects.filter(name__in=["one", "two", "three"]).exists()
