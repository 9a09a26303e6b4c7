"""ETag helpers: stable tags, If-None-Match and If-Match."""

import pytest

from services_api.exceptions import ServicesError
from services_api.server.etags import check_if_match, etag_for, not_modified


def test_tag_is_stable():
    assert etag_for({"a": 1, "b": [1, 2]}) == etag_for({"a": 1, "b": [1, 2]})
    assert etag_for({"a": 1}) != etag_for({"a": 2})
    assert etag_for({"a": 1}).startswith('W/"')


def test_if_none_match():
    tag = etag_for({"a": 1})
    assert not_modified({"HTTP_IF_NONE_MATCH": tag}, tag)
    assert not_modified({"HTTP_IF_NONE_MATCH": tag.removeprefix("W/")}, tag)
    assert not_modified({"HTTP_IF_NONE_MATCH": '"x", ' + tag}, tag)
    assert not_modified({"HTTP_IF_NONE_MATCH": "*"}, tag)
    assert not not_modified({"HTTP_IF_NONE_MATCH": 'W/"other"'}, tag)
    assert not not_modified({}, tag)


def test_if_match():
    current = {"title": "a"}
    check_if_match({}, current)
    check_if_match({"HTTP_IF_MATCH": etag_for(current)}, current)
    check_if_match({"HTTP_IF_MATCH": "*"}, current)
    with pytest.raises(ServicesError) as info:
        check_if_match({"HTTP_IF_MATCH": etag_for({"title": "old"})}, current)
    assert info.value.status == 412
