"""Response format selection: suffix > Accept (Services' mimeparse) > default (spec §1, §5.1)."""

import pytest

from services_api.exceptions import ServicesError
from services_api.server.negotiation import (
    UNSUPPORTED_FORMAT,
    MalformedMime,
    best_match,
    choose_format,
    parse_mime,
)

JSON_XML = ("json", "xml")
JSON_XML_MIMES = ("application/json", "application/xml", "text/xml")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# --------------------------------------------------------------------------------------------
# parse_mime


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("application/json", ("application", "json", {})),
        ("  text/html ; level=1 ; q=0.5 ", ("text", "html", {"level": "1", "q": "0.5"})),
        ("*/*", ("*", "*", {})),
        ("*", ("*", "*", {})),  # Java's URLConnection
        ("Application/JSON", ("application", "json", {})),
        ("text/plain; charset=UTF-8", ("text", "plain", {"charset": "UTF-8"})),
        ("text/plain; novalue", ("text", "plain", {})),
    ],
)
def test_parse_mime(value, parsed):
    assert parse_mime(value) == parsed


@pytest.mark.parametrize("value", ["json", "", "  ", "text/", "/json", "/", "text ; q=1"])
def test_parse_mime_malformed_is_406_with_empty_body(value):
    with pytest.raises(MalformedMime) as info:
        parse_mime(value)
    error = info.value
    assert isinstance(error, ServicesError)
    assert error.status == 406
    assert error.empty_body is True
    assert error.message.startswith("Malformed media type:")


def test_malformed_message_echoes_value_safely():
    assert parse_mime_error("json").message == "Malformed media type: json"
    long = parse_mime_error("x" * 200).message
    assert len(long) <= len("Malformed media type: ") + 80 and long.endswith("...")
    assert parse_mime_error("é\x01").message == "Malformed media type: ??"


def parse_mime_error(value):
    with pytest.raises(MalformedMime) as info:
        parse_mime(value)
    return info.value


# --------------------------------------------------------------------------------------------
# best_match


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # all tie on fitness and q: the greatest mime string wins
        ("*/*", "text/xml"),
        ("*", "text/xml"),
        ("application/*", "application/xml"),
        ("text/*", "text/xml"),
        (BROWSER, "application/xml"),
        # fitness beats q
        ("application/json;q=0.1, */*", "application/json"),
        ("application/json", "application/json"),
        ("application/xml", "application/xml"),
        ("text/xml", "text/xml"),
        # exact matches tie on fitness: q decides, then the mime string
        ("application/json;q=0.5, application/xml;q=0.6", "application/xml"),
        ("application/json;q=0.7, application/xml;q=0.6", "application/json"),
        ("application/json, application/xml", "application/xml"),
        # q=0 and unusable q count as 1
        ("application/json;q=0, application/xml;q=0.5", "application/json"),
        ("application/json;q=0.0, application/xml;q=0.5", "application/json"),
        ("application/json;q=abc, application/xml;q=0.5", "application/json"),
        ("application/json;q=2, application/xml;q=0.5", "application/json"),
        ("application/json;q=-1, application/xml;q=0.5", "application/json"),
        # case-insensitive, whitespace and empty ranges tolerated
        ("APPLICATION/JSON", "application/json"),
        ("  application/json  ,", "application/json"),
        ("application/json,,", "application/json"),
        # nothing acceptable
        ("text/html", ""),
        ("image/png, text/html;q=0.9", ""),
    ],
)
def test_best_match(accept, expected):
    assert best_match(JSON_XML_MIMES, accept) == expected


def test_best_match_supported_order_does_not_matter():
    assert best_match(reversed(JSON_XML_MIMES), "*/*") == "text/xml"
    assert best_match(list(JSON_XML_MIMES), "*/*") == "text/xml"


def test_best_match_params_add_fitness():
    supported = ("text/html;level=1", "text/html;level=2")
    assert best_match(supported, "text/html;level=2") == "text/html;level=2"
    assert best_match(supported, "text/html;level=1") == "text/html;level=1"


def test_best_match_first_best_range_gives_the_q():
    # Both ranges fit application/json equally (110): the first one's q is kept.
    assert (
        best_match(
            ("application/json", "application/xml"),
            ("application/json;q=0.1, application/json, application/xml;q=0.5"),
        )
        == "application/xml"
    )


def test_best_match_with_nothing_supported():
    assert best_match((), "*/*") == ""


def test_best_match_malformed_accept_is_406():
    with pytest.raises(MalformedMime) as info:
        best_match(JSON_XML_MIMES, "json")
    assert info.value.status == 406
    with pytest.raises(MalformedMime):
        best_match(JSON_XML_MIMES, "application/json, xml")


# --------------------------------------------------------------------------------------------
# choose_format


@pytest.mark.parametrize(
    ("suffix", "accept", "enabled", "expected"),
    [
        # suffix wins over Accept, content type is the formatter's default mime
        ("json", "*/*", JSON_XML, ("json", "application/json", False)),
        ("xml", "application/json", JSON_XML, ("xml", "application/xml", False)),
        ("json", None, JSON_XML, ("json", "application/json", False)),
        ("xml", "json", JSON_XML, ("xml", "application/xml", False)),  # Accept not even parsed
        ("jsonp", None, ("json", "jsonp"), ("jsonp", "text/javascript", False)),
        ("yaml", None, ("yaml",), ("yaml", "application/x-yaml", False)),
        # a suffix PHP deems empty is ignored
        ("0", None, JSON_XML, ("json", "application/json", False)),
        ("", "*/*", JSON_XML, ("xml", "text/xml", True)),
        # no Accept: the default
        (None, None, JSON_XML, ("json", "application/json", False)),
        (None, "", JSON_XML, ("json", "application/json", False)),
        (None, "  ", JSON_XML, ("json", "application/json", False)),
        (None, None, ("xml",), ("xml", "application/xml", False)),  # default off: first enabled
        (None, None, ("jsonp", "xml"), ("jsonp", "text/javascript", False)),
        # negotiation: content type is the negotiated mime
        (None, "*/*", JSON_XML, ("xml", "text/xml", True)),
        (None, BROWSER, JSON_XML, ("xml", "application/xml", True)),
        (None, "application/json;q=0.1, */*", JSON_XML, ("json", "application/json", True)),
        (None, "application/json", JSON_XML, ("json", "application/json", True)),
        (None, "*/*", ("json",), ("json", "application/json", True)),
        (None, "text/*", ("json", "xml", "jsonp"), ("xml", "text/xml", True)),
        (
            None,
            "application/javascript",
            ("json", "jsonp"),
            ("jsonp", "application/javascript", True),
        ),
        # with yaml enabled, text/yaml wins */* (why yaml is not on by default)
        (None, "*/*", ("json", "xml", "yaml"), ("yaml", "text/yaml", True)),
        (None, "text/plain", ("json", "yaml"), ("yaml", "text/plain", True)),
        # unknown formats in the enabled list are ignored
        (None, "*/*", ("php", "json"), ("json", "application/json", True)),
        (None, None, ("php", "xml"), ("xml", "application/xml", False)),
    ],
)
def test_choose_format(suffix, accept, enabled, expected):
    assert choose_format(suffix, accept, enabled) == expected


def test_choose_format_custom_default():
    assert choose_format(None, None, JSON_XML, default="xml") == ("xml", "application/xml", False)


@pytest.mark.parametrize(
    ("suffix", "accept", "enabled"),
    [
        ("doe", None, JSON_XML),  # user/john.doe
        ("yaml", None, JSON_XML),  # implemented but not enabled
        ("jsonp", "*/*", JSON_XML),
        ("php", None, ("php", "json")),  # enabled but not implemented
        (None, "text/html", JSON_XML),
        (None, "image/png", ("json",)),
        (None, None, ()),
        (None, None, ("php",)),
        (None, "*/*", ()),
    ],
)
def test_choose_format_unsupported_is_406_empty(suffix, accept, enabled):
    with pytest.raises(ServicesError) as info:
        choose_format(suffix, accept, enabled)
    error = info.value
    assert (error.status, error.message, error.empty_body) == (406, UNSUPPORTED_FORMAT, True)
    assert not isinstance(error, MalformedMime)


def test_choose_format_malformed_accept_is_406():
    with pytest.raises(MalformedMime) as info:
        choose_format(None, "json", JSON_XML)
    assert (info.value.status, info.value.empty_body) == (406, True)
    assert info.value.message == "Malformed media type: json"


def test_choose_format_repeated_calls_use_cache():
    first = choose_format(None, BROWSER, JSON_XML)
    assert choose_format(None, BROWSER, list(JSON_XML)) == first
