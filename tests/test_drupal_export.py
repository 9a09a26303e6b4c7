"""Reading Drupal 7 Services endpoint exports (spec §11) without ever executing them."""

from __future__ import annotations

import pytest

from services_api.endpoints.drupal_export import (
    DrupalExportError,
    load_drupal_export,
    looks_like_drupal_export,
    normalize_endpoint,
    parse_php_export,
)

EXPORT = """\
$endpoint = new stdClass();
$endpoint->disabled = FALSE; /* Edit this to true to make a default endpoint disabled initially */
$endpoint->api_version = 3;
$endpoint->name = 'api';
$endpoint->server = 'rest_server';
$endpoint->path = 'api';
$endpoint->authentication = array(
  'services' => 'services',
);
$endpoint->server_settings = array(
  'formatters' => array(
    'json' => TRUE,
    'bencode' => FALSE,
    'jsonp' => FALSE,
    'php' => FALSE,
    'xml' => TRUE,
  ),
  'parsers' => array(
    'application/json' => TRUE,
    'application/x-www-form-urlencoded' => TRUE,
    'application/xml' => TRUE,
    'multipart/form-data' => TRUE,
    'text/xml' => TRUE,
  ),
);
$endpoint->resources = array(
  'node' => array(
    'alias' => 'content',
    'operations' => array(
      'retrieve' => array(
        'enabled' => '1',
      ),
      'index' => array(
        'enabled' => '1',
        'settings' => array('services' => array('resource_api_version' => '1.0')),
      ),
    ),
    'relationships' => array('files' => array('enabled' => '1')),
    'targeted_actions' => array('attach_file' => array('enabled' => '1')),
  ),
  'user' => array(
    'actions' => array(
      'login' => array('enabled' => '1', 'settings' => array('services' => array(
        'resource_api_version' => '1.0'))),
      'logout' => array('enabled' => '1'),
    ),
  ),
);
$endpoint->debug = 0;
"""

ALL_PARSERS = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "text/xml",
]


def endpoint(*lines: str, name: str = "api", path: str = "api") -> str:
    """A minimal export with extra property lines."""
    head = (
        f"$endpoint = new stdClass();\n$endpoint->name = '{name}';\n$endpoint->path = '{path}';\n"
    )
    return head + "\n".join(lines) + "\n"


def load_one(text: str) -> tuple[dict, list[str]]:
    (result,) = load_drupal_export(text)
    return result


def error_of(text: str) -> str:
    with pytest.raises(DrupalExportError) as info:
        load_drupal_export(text)
    return str(info.value)


def test_ctools_export_page_text():
    config, notes = load_one(EXPORT)
    assert config == {
        "name": "api",
        "path": "api",
        "enabled": True,
        "authentication": ["session"],
        "formatters": ["json", "xml"],
        "parsers": ALL_PARSERS,
        "debug": False,
        "resources": {
            "node": {
                "alias": "content",
                "operations": ["retrieve", "index"],
                "actions": [],
                "targeted_actions": ["attach_file"],
                "relationships": ["files"],
            },
            "user": {
                "alias": None,
                "operations": [],
                "actions": ["login", "logout"],
                "targeted_actions": [],
                "relationships": [],
                "api_versions": {"login": "1.0"},
            },
        },
    }
    # user/login is versioned here (1.0/1.1); node/index is not, so its setting is dropped.
    assert notes == ["operation setting 'resource_api_version' ignored on node.index"]


def test_parse_keeps_php_values():
    (raw,) = parse_php_export(EXPORT)
    assert raw["disabled"] is False
    assert raw["api_version"] == 3
    assert raw["debug"] == 0
    assert raw["server_settings"]["formatters"]["bencode"] is False
    assert raw["resources"]["node"]["operations"]["retrieve"] == {"enabled": "1"}
    assert list(raw) == [
        "disabled",
        "api_version",
        "name",
        "server",
        "path",
        "authentication",
        "server_settings",
        "resources",
        "debug",
    ]


def test_features_wrapper_with_two_endpoints():
    text = """<?php
/**
 * @file
 * mymodule.services.inc
 */

/**
 * Implements hook_default_services_endpoint().
 */
function mymodule_default_services_endpoint() {
  $export = array();

  $endpoint = new stdClass();
  $endpoint->disabled = FALSE; /* Edit this to true to make a default endpoint disabled initially */
  $endpoint->api_version = 3;
  $endpoint->name = 'api';
  $endpoint->server = 'rest_server';
  $endpoint->path = 'api/v1';
  $endpoint->authentication = array('services' => 'services');
  $endpoint->resources = array('node' => array('operations' => array(
    'index' => array('enabled' => 1))));
  $endpoint->debug = 0;
  $export['api'] = $endpoint;

  $endpoint = new stdClass;
  $endpoint->disabled = TRUE; /* Edit this to true to make a default endpoint disabled initially */
  $endpoint->api_version = 3;
  $endpoint->name = 'mobile';
  $endpoint->server = 'rest_server';
  $endpoint->path = 'mobile';
  $endpoint->authentication = array('services_basic_auth' => array(), 'services' => 'services');
  $endpoint->resources = array();
  $endpoint->debug = 1;
  $export['mobile'] = $endpoint;

  return $export;
}
"""
    (api, _), (mobile, _) = load_drupal_export(text)
    assert (api["name"], api["path"], api["enabled"], api["debug"]) == (
        "api",
        "api/v1",
        True,
        False,
    )
    assert api["resources"]["node"]["operations"] == ["index"]
    assert (mobile["name"], mobile["enabled"], mobile["debug"]) == ("mobile", False, True)
    assert mobile["authentication"] == ["basic", "session"]
    assert mobile["resources"] == {}


def test_features_array_append_and_implicit_array():
    text = "function x_default_services_endpoint() {\n" + endpoint("$list[] = $endpoint;")
    text += "return $list;\n}\n"
    assert [c["name"] for c, _ in load_drupal_export(text)] == ["api"]


def test_comments_quotes_escapes_short_arrays_and_case():
    text = r"""<?php
// line comment
# hash comment
$ep = new StdClass();   /* block
   comment over lines */
$ep->name = "api_2";
$ep->path = 'it\'s\\here';
$ep->disabled = false;
$ep->debug = True;
$ep->server_settings = [
  'formatters' => ['json' => true, "xml" => FALSE, 'jsonp' => 1, 'yaml' => TRUE,],
  'parsers' => ['application/json' => true, 'text/xml' => null],
];
$ep->misc = ["tab\there", "nl\n", "\x41\101\u{e9}", 'keep\n', -5, 1.5, 2e3, 0x1F, 010, "$"];
?>
"""
    (raw,) = parse_php_export(text)
    assert raw["path"] == "it's\\here"
    assert raw["debug"] is True
    assert raw["misc"] == {
        0: "tab\there",
        1: "nl\n",
        2: "AAé",
        3: "keep\\n",
        4: -5,
        5: 1.5,
        6: 2000.0,
        7: 31,
        8: 8,
        9: "$",
    }
    config, notes = normalize_endpoint(raw)
    assert config["formatters"] == ["json", "jsonp", "yaml"]
    assert config["parsers"] == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
    ]
    assert config["enabled"] is True and config["debug"] is True
    assert "property 'misc' ignored" in notes


def test_php_array_keys_and_indexes():
    (raw,) = parse_php_export(
        endpoint("$endpoint->x = array('a', 5 => 'b', 'c', '7' => 'd', '07' => 'e', TRUE => 'f');")
    )
    assert raw["x"] == {0: "a", 5: "b", 6: "c", 7: "d", "07": "e", 1: "f"}


def test_oauth_authentication_is_noted():
    config, notes = load_one(
        endpoint(
            "$endpoint->authentication = array('services_oauth' => array("
            "'oauth_context' => '', 'authorization' => '', 'credentials' => 'token'));",
            "$endpoint->resources = array('node' => array('operations' => array('retrieve' =>"
            " array('enabled' => '1', 'settings' => array('services_oauth' => array("
            "'credentials' => 'token', 'authorization' => 'read'))))));",
        )
    )
    assert config["authentication"] == []
    assert "authentication 'services_oauth' is not available; ignored" in notes
    assert "operation settings of 'services_oauth' ignored on node.retrieve" in notes


def test_services_3_0_nested_server_settings():
    config, notes = load_one(
        endpoint(
            "$endpoint->server_settings = array('rest_server' => array("
            "'formatters' => array('json' => TRUE, 'xml' => FALSE, 'php' => TRUE),"
            "'parsers' => array('application/json' => TRUE, 'application/x-www-form-urlencoded'"
            " => FALSE, 'application/vnd.php.serialized' => TRUE)));"
        )
    )
    assert config["formatters"] == ["json", "jsonp"]
    assert config["parsers"] == [
        "application/json",
        "multipart/form-data",
        "application/xml",
        "text/xml",
    ]
    assert "formatter 'php' is not available here; ignored" in notes
    assert "parser 'application/vnd.php.serialized' is not available here; ignored" in notes


def test_absent_formatters_and_parsers_use_drupal_defaults():
    config, notes = load_one(endpoint())
    assert config["formatters"] == ["json", "xml"]
    assert config["parsers"] == [p for p in ALL_PARSERS if p != "application/x-www-form-urlencoded"]
    assert config["authentication"] == [] and config["resources"] == {}
    assert config["enabled"] is True and config["debug"] is False
    assert any(n.startswith("no formatters set") for n in notes)
    assert any(n.startswith("no parsers set") for n in notes)


def test_missing_keys_of_a_present_map_are_on_and_unknown_keys_dropped():
    config, notes = load_one(
        endpoint(
            "$endpoint->server_settings = array('formatters' => array('bencode' => FALSE, "
            "'rss' => TRUE), 'parsers' => array('application/x-yaml' => TRUE), 'extra' => 1);"
        )
    )
    assert config["formatters"] == ["json", "xml", "jsonp"]  # yaml needs an explicit key
    assert config["parsers"] == ALL_PARSERS
    assert "unknown formatter 'rss' dropped" in notes
    assert "parser 'application/x-yaml' is not available here; ignored" in notes
    assert "server setting 'extra' ignored" in notes


def test_enabled_values_and_empty_resources():
    config, notes = load_one(
        endpoint(
            "$endpoint->resources = array(",
            "  'node' => array('alias' => '', 'operations' => array(",
            "    'a' => array('enabled' => 1), 'b' => array('enabled' => '1'),",
            "    'c' => array('enabled' => TRUE), 'd' => array('enabled' => '0'),",
            "    'e' => array('enabled' => 0), 'f' => array('enabled' => FALSE), 'g' => array()),",
            "    'weird' => 1),",
            "  'comment' => array('operations' => array('index' => array('enabled' => 0))),",
            ");",
        )
    )
    assert config["resources"] == {
        "node": {
            "alias": None,
            "operations": ["a", "b", "c"],
            "actions": [],
            "targeted_actions": [],
            "relationships": [],
        }
    }
    assert "resource 'comment' has no enabled operations; skipped" in notes
    assert "resource 'node': unknown key 'weird' ignored" in notes


def test_disabled_endpoint_and_other_fields():
    config, notes = load_one(
        endpoint(
            "$endpoint->disabled = TRUE;",
            "$endpoint->api_version = 2;",
            "$endpoint->server = 'xmlrpc_server';",
            "$endpoint->eid = 7;",
            "$endpoint->debug = '1';",
            name="legacy",
            path="/services/legacy/",
        )
    )
    assert config["enabled"] is False
    assert config["debug"] is True
    assert config["path"] == "services/legacy"
    assert "server 'xmlrpc_server' is not available; imported as a REST endpoint" in notes
    assert "api_version 2 is not 3; imported as Services 3.x" in notes
    assert not any("eid" in note for note in notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$endpoint = new stdClass();\n\n$endpoint->name = 'api;\n", "Line 3: unterminated string"),
        (
            "$endpoint = new stdClass();\n$endpoint->name = 'api'\n$endpoint->path = 'api';\n",
            "Line 3: expected ';' but found '$endpoint'",
        ),
        (
            "$endpoint = new stdClass();\n$endpoint->x = array(\n  'a' => 1;\n",
            "Line 3: expected ')' but found ';'",
        ),
        (
            "$endpoint = new stdClass();\nsystem('rm -rf /');\n",
            "Line 2: unexpected 'system': only endpoint assignments are supported",
        ),
        (
            "$endpoint = new stdClass();\n$endpoint->path = some_function();\n",
            "Line 2: expected a value but found 'some_function'",
        ),
        ("$endpoint->name = 'api';\n", "Line 1: $endpoint is not a 'new stdClass()' object"),
        ("$e = new Foo();\n", "Line 1: only stdClass objects are supported, not Foo"),
        (
            '$e = new stdClass();\n$e->name = "{$x}";\n',
            "Line 2: variables inside double-quoted strings are not supported",
        ),
        ("$e = new stdClass();\n$e->name = 'a' . 'b';\n", "Line 2: unexpected character '.'"),
        ("$e = new stdClass();\n/* open\n", "Line 2: unterminated comment"),
        ("function f() {\n$e = new stdClass();\n", "Line 3: expected '}' but found end of input"),
        ("$e = new stdClass();\n$e->x = " + "[" * 100 + "]" * 100 + ";", "nested too deeply"),
        ("$e = new stdClass();\n$e->x = `ls`;\n", "Line 2: unexpected character '`'"),
        ("$e = new stdClass();\n$e->x = $undefined;\n", "Line 2: undefined variable $undefined"),
    ],
)
def test_syntax_errors_carry_line_numbers(text, message):
    with pytest.raises(DrupalExportError) as info:
        parse_php_export(text)
    assert message in str(info.value)


def test_no_endpoint_is_an_error():
    assert "no endpoint found" in error_of("<?php\n// nothing here\n$export = array();\n")


@pytest.mark.parametrize("alias", ["Content", "con tent", "a/b"])
def test_bad_alias(alias):
    text = endpoint(
        f"$endpoint->resources = array('node' => array('alias' => '{alias}', "
        "'operations' => array('index' => array('enabled' => 1))));"
    )
    assert "alias" in error_of(text) and "[0-9a-z_-]+" in error_of(text)


@pytest.mark.parametrize("name", ["Api", "my-api", ""])
def test_bad_name(name):
    assert "[a-z0-9_]+" in error_of(endpoint(name=name))


def test_missing_path_and_duplicates():
    assert "path" in error_of("$e = new stdClass();\n$e->name = 'api';\n")
    assert "share the name 'api'" in error_of(endpoint() + endpoint(path="other"))
    assert "share the path 'api'" in error_of(endpoint() + endpoint(name="other"))


def test_looks_like_drupal_export():
    assert looks_like_drupal_export(EXPORT)
    assert looks_like_drupal_export("$e = new stdclass;\n$e->name = 'x';")
    assert not looks_like_drupal_export('{"name": "api", "path": "api"}')
    assert not looks_like_drupal_export("name: api\npath: api\n")
