"""Long commands show progress on a terminal (and stay quiet elsewhere); services_resources
lists what is registered and enabled."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from services_api.management.progress import Progress


class Terminal(io.StringIO):
    """A captured stdout that says it is a terminal, as a person's shell is."""

    def isatty(self) -> bool:
        return True


PROGRESS_LINE = re.compile(r"articles: [\d,]+/1,500 \(\d+%\), [\d,]+/s, ETA \d+s")


@pytest.mark.django_db
def test_seed_demo_shows_count_rate_and_eta_on_a_terminal(monkeypatch):
    monkeypatch.setattr("services_api.management.progress.INTERVAL", 0)
    out = Terminal()
    call_command("seed_demo", "--articles", "1500", stdout=out)
    text = out.getvalue()
    assert PROGRESS_LINE.search(text), text
    assert re.search(r"articles: 1,500 in [\d.]+s, [\d,]+/s\n", text)
    assert re.search(r"comments: 3,000 in [\d.]+s", text)
    assert "Seeded demo data" in text


@pytest.mark.django_db
def test_seed_demo_is_quiet_when_not_a_terminal_or_verbosity_0():
    piped = io.StringIO()
    call_command("seed_demo", "--articles", "20", stdout=piped)
    assert "\r" not in piped.getvalue() and "ETA" not in piped.getvalue()
    assert "Seeded demo data" in piped.getvalue()
    quiet = Terminal()
    call_command("seed_demo", "--articles", "20", "--seed", "2", stdout=quiet, verbosity=0)
    assert "ETA" not in quiet.getvalue() and " in " not in quiet.getvalue().split("Seeded")[0]


@pytest.mark.django_db
def test_import_drupal_users_shows_progress(tmp_path):
    path = tmp_path / "users.csv"
    rows = ["uid,name,mail,pass,status"] + [
        f"{uid},user{uid},user{uid}@example.org,,1" for uid in range(2, 302)
    ]
    path.write_text("\n".join(rows) + "\n")
    out = Terminal()
    call_command("import_drupal_users", str(path), stdout=out)
    text = out.getvalue()
    assert re.search(r"checking rows: 300 in [\d.]+s, [\d,]+/s\n", text), text
    assert re.search(r"importing users: 300 in [\d.]+s", text)
    assert "Created 300, updated 0, skipped 0 users." in text


@pytest.mark.django_db
def test_services_import_shows_progress(tmp_path):
    path = tmp_path / "endpoint.json"
    path.write_text(json.dumps({"name": "extra", "path": "extra", "resources": {}}))
    out = Terminal()
    call_command("services_import", str(path), stdout=out)
    assert re.search(r"endpoints: 1 in [\d.]+s", out.getvalue())
    assert "Imported endpoint 'extra'" in out.getvalue()


def test_progress_eta_counts_down():
    out = Terminal()

    class Wrapper:
        def write(self, text, ending="\n"):
            out.write(text + ending)

        def flush(self):
            pass

        def isatty(self):
            return True

    progress = Progress(Wrapper(), interval=0)
    with progress.stage("rows", total=4) as stage:
        stage.advance(1)
        stage.advance(3)
    lines = [part for part in out.getvalue().split("\r\x1b[K") if part]
    assert lines[0].startswith("rows: 1/4 (25%), ")
    assert lines[1].startswith("rows: 4/4 (100%), ") and lines[1].endswith("ETA 0s")
    assert re.fullmatch(r"rows: 4 in [\d.]+s, [\d,]+/s\n", lines[2])


@pytest.mark.django_db
def test_services_resources_lists_controllers_and_endpoints():
    call_command("seed_demo", "--articles", "3", stdout=io.StringIO())
    out = io.StringIO()
    call_command("services_resources", "node", "user", stdout=out)
    text = out.getvalue()
    assert "node  (services_api.drupal." in text
    assert re.search(r"operation\s+retrieve\s+id:str@path", text)
    assert "endpoint 'api' (/api): operation: " in text
    assert re.search(r"action\s+login\s+", text)


@pytest.mark.django_db
def test_services_resources_json_matches_the_endpoint_rows():
    from services_api.models import EndpointResource

    call_command("seed_demo", "--articles", "3", stdout=io.StringIO())
    out = io.StringIO()
    call_command("services_resources", "--format", "json", stdout=out)
    data = {item["name"]: item for item in json.loads(out.getvalue())}
    row = EndpointResource.objects.get(endpoint__name="api", resource="node")
    assert data["node"]["endpoints"]["api"]["operation"] == row.operations
    assert "retrieve" in data["node"]["controllers"]["operation"]
    assert data["node"]["controllers"]["operation"]["retrieve"][0] == {
        "name": "id",
        "source": "path",
        "type": "str",
        "required": True,
    }


def test_services_resources_unknown_name_is_a_clear_error():
    with pytest.raises(CommandError, match="Unknown resource\\(s\\): nope"):
        call_command("services_resources", "nope")
