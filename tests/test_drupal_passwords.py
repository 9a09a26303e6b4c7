"""Drupal 7 password hashes (``services_api.auth.hashers``) and ``manage.py import_drupal_users``.

The hash vectors are published known-good values from implementations independent of ours:
John the Ripper's ``drupal7`` format tests (``$S$``), the phpass 0.3 reference and John the
Ripper 1.7.9 as collected in passlib's ``phpass`` tests (``$P$``/``$H$``), and READMEs of
Drupal-compatible libraries. They were also cross-checked against passlib's phpass.
"""

import hashlib
import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from project.demo.models import Profile
from services_api.auth.hashers import (
    DrupalPasswordHasher,
    drupal_check_password,
    drupal_hash_password,
    from_drupal_hash,
    is_drupal_hash,
)

S_VECTORS = [
    # John the Ripper, src/drupal7_fmt_plug.c
    ("virtualabc", "$S$CwkjgAKeSx2imSiN3SyBEg8e0sgE2QOx4a/VIfCHN0BZUNAWCr1X"),
    ("password", "$S$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/u"),
    ("NEW_TEMP_PASSWORD", "$S$C6x2r.aW5Nkg7st6/u.IKWjTerHXscjPtu4spwhCVZlP89UKcbb/"),
    # README of a PHP package wrapping Drupal 7's password.inc (count D = 2^15, the default)
    ("password", "$S$DI7p94K2RG7Nq2OJp2/T55TfjT/K8UYdDVSUELOgCNbNoHU2sdtq"),
    # README of ruby-drupal-hash
    ("password1234", "$S$DeIZ1KTE.VzRvudZ5.xgOakipuMFrVyPmRdWTjAdYieWj27NMglI"),
]
PHPASS_VECTORS = [
    ("test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),  # phpass 0.3 source
    ("test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"),  # John the Ripper 1.7.9
    ("123456", "$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1"),
    ("JohnRipper", "$P$612345678si5M0DDyPpmRCmcltU/YW/"),
    ("JohnRipper", "$H$712345678WhEyvy1YWzT4647jzeOmo0"),
    ("", "$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0"),
]
# A Drupal 6 password rehashed by user_update_7000(): $S$ over md5(password).
U_VECTORS = [("SimpleEasyPassword", "U$S$5I5Ht7YwxFRiMiJhBjyt42Ji2WRndX2dCx1jyktH92PeQp0xWdgi")]
ALL_VECTORS = S_VECTORS + PHPASS_VECTORS + U_VECTORS

ADMIN_HASH = S_VECTORS[1][1]  # "password"
ALICE_HASH = PHPASS_VECTORS[0][1]  # "test12345"
BOB_HASH = U_VECTORS[0][1]  # "SimpleEasyPassword"

PROJECT_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "services_api.auth.hashers.DrupalPasswordHasher",
]


# Hashes.


@pytest.mark.parametrize(("password", "drupal_hash"), ALL_VECTORS)
def test_known_vectors_verify(password, drupal_hash):
    assert is_drupal_hash(drupal_hash)
    assert drupal_check_password(password, drupal_hash)
    assert not drupal_check_password(password + "x", drupal_hash)
    assert not drupal_check_password(password.upper() + "!", drupal_hash)
    hasher = DrupalPasswordHasher()
    encoded = from_drupal_hash(drupal_hash)
    assert encoded == "drupal7$" + drupal_hash
    assert hasher.verify(password, encoded)
    assert not hasher.verify("wrong", encoded)


def test_encode_reproduces_published_hash():
    # Same salt and count as John the Ripper's vector: our encoder gives Drupal's exact output.
    assert drupal_hash_password("password", "FURCPa.k", 14) == S_VECTORS[1][1]
    assert DrupalPasswordHasher().encode("password1234", "eIZ1KTE.") == "drupal7$" + S_VECTORS[4][1]


def test_make_password_and_random_salt():
    encoded = make_password("s3cret", hasher="drupal7")
    assert encoded.startswith("drupal7$$S$D") and len(encoded) == len("drupal7$") + 55
    assert check_password("s3cret", encoded, preferred="drupal7")
    assert make_password("s3cret", hasher="drupal7") != encoded  # salted


def test_updated_drupal6_and_plain_md5_forms():
    md5 = hashlib.md5(b"old-pass").hexdigest()
    updated = "U" + drupal_hash_password(md5, "abcdefgh", 8)
    assert drupal_check_password("old-pass", updated)
    assert not drupal_check_password(md5, updated)  # the md5 itself is not the password
    assert drupal_check_password("old-pass", md5)
    assert drupal_check_password("old-pass", md5.upper())
    assert not drupal_check_password("old-pass2", md5)
    assert DrupalPasswordHasher().verify("old-pass", from_drupal_hash(updated))
    assert DrupalPasswordHasher().verify("old-pass", from_drupal_hash(md5))


def test_non_ascii_password_uses_utf8():
    drupal_hash = drupal_hash_password("pässwörd€", "12345678", 7)
    assert drupal_check_password("pässwörd€", drupal_hash)
    assert not drupal_check_password("passwordE", drupal_hash)


def test_overlong_password_refused():
    drupal_hash = drupal_hash_password("x" * 512, "12345678", 7)
    assert drupal_check_password("x" * 512, drupal_hash)
    assert not drupal_check_password("x" * 513, drupal_hash[:12] + "A" * 43)
    with pytest.raises(ValueError):
        drupal_hash_password("x" * 513, "12345678", 7)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "password",
        "pbkdf2_sha256$1000000$salt$hash",
        "$S$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/",  # one character short
        "$S$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/uu",  # one too many
        "$S$/FURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/u",  # count 2^1: below minimum
        "$X$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/u",
        "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L",
        "$P$9IQRa!wmfeRo7ud9Fh4E2PdI0S3r.L0",
        "X$S$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/u",
        "0123456789abcdef0123456789abcdeg",  # not hex
        None,
    ],
)
def test_from_drupal_hash_rejects_unrecognised(value):
    with pytest.raises(ValueError, match="Not a recognised Drupal password hash"):
        from_drupal_hash(value)
    assert not DrupalPasswordHasher().verify("password", f"drupal7${value}")


def test_from_drupal_hash_accepts_already_encoded_and_strips():
    encoded = from_drupal_hash(ADMIN_HASH)
    assert from_drupal_hash(encoded) == encoded
    assert from_drupal_hash(f"  {ADMIN_HASH}\n") == encoded


def test_hasher_interface():
    hasher = DrupalPasswordHasher()
    encoded = from_drupal_hash(S_VECTORS[3][1])
    assert identify_hasher(encoded).algorithm == "drupal7"
    decoded = hasher.decode(encoded)
    assert decoded["iterations"] == 2**15 and decoded["salt"] == "I7p94K2R"
    assert decoded["variant"] == "sha512"
    summary = hasher.safe_summary(encoded)
    assert summary["iterations"] == 32768 and "I7p94K2R" not in str(summary)
    assert hasher.decode(from_drupal_hash(BOB_HASH))["variant"] == "md5+sha512"
    assert hasher.decode(from_drupal_hash(ALICE_HASH))["variant"] == "md5"
    assert hasher.must_update(encoded) is True
    assert hasher.harden_runtime("password", encoded) is None
    assert not hasher.verify("password", "pbkdf2_sha256$" + ADMIN_HASH)


def test_registered_in_project_settings_after_the_preferred_hasher():
    from project import settings as project_settings

    hashers = project_settings.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "services_api.auth.hashers.DrupalPasswordHasher" in hashers[1:]


@pytest.mark.django_db
def test_login_upgrades_to_preferred_hasher(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    user = get_user_model().objects.create(username="dries", password=from_drupal_hash(ADMIN_HASH))
    assert authenticate(username="dries", password="wrong") is None
    user.refresh_from_db()
    assert user.password == "drupal7$" + ADMIN_HASH  # untouched by a failed login

    assert authenticate(username="dries", password="password") == user
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("password")
    assert authenticate(username="dries", password="password") == user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "drupal_hash"), [S_VECTORS[0], PHPASS_VECTORS[0], U_VECTORS[0]]
)
def test_login_with_each_form(password, drupal_hash):
    preferred = get_hasher("default").algorithm
    get_user_model().objects.create(username="u", password=from_drupal_hash(drupal_hash))
    user = authenticate(username="u", password=password)
    assert user is not None and user.password.startswith(preferred + "$")


# Import command.

CSV_HEADER = "uid,name,mail,pass,status,created,access,login,roles\n"
CSV_ROWS = [
    '0,,,,0,0,0,0,"anonymous user"\n',
    f'1,admin,admin@example.com,{ADMIN_HASH},1,1300000000,1700000000,1700000000,"authenticated user,administrator"\n',  # noqa: E501
    f"2,alice,alice@example.com,{ALICE_HASH},1,1300000100,0,1600000000,editor|authenticated user\n",
    f"3,Bob Smith,bob@example.com,{BOB_HASH},0,1300000200,0,0,\n",
    "5,carol,carol@example.com,,1,1300000300,0,0,editor\n",
]


def write_csv(tmp_path, rows=CSV_ROWS, name="users.csv"):
    path = tmp_path / name
    path.write_text(CSV_HEADER + "".join(rows), encoding="utf-8")
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_drupal_users", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    User = get_user_model()
    return (
        sorted(User.objects.values_list("pk", "username", "email", "password", "is_active")),
        sorted(Group.objects.values_list("name", flat=True)),
        sorted(User.groups.through.objects.values_list("user_id", "group__name")),
    )


@pytest.mark.django_db
def test_import_csv(tmp_path):
    out = run(write_csv(tmp_path))
    assert "Created 4, updated 0, skipped 1 users." in out
    User = get_user_model()
    assert sorted(User.objects.values_list("pk", flat=True)) == [1, 2, 3, 5]

    admin = User.objects.get(pk=1)
    assert admin.username == "admin" and admin.email == "admin@example.com"
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.date_joined == datetime.fromtimestamp(1300000000, UTC)
    assert admin.last_login == datetime.fromtimestamp(1700000000, UTC)
    assert admin.password == "drupal7$" + ADMIN_HASH
    assert list(admin.groups.values_list("name", flat=True)) == ["administrator"]

    alice = User.objects.get(pk=2)
    assert not alice.is_superuser and not alice.is_staff
    assert list(alice.groups.values_list("name", flat=True)) == ["editor"]
    bob = User.objects.get(pk=3)
    assert bob.username == "Bob Smith" and not bob.is_active and bob.last_login is None
    assert not bob.groups.exists()
    carol = User.objects.get(pk=5)
    assert not carol.has_usable_password()
    assert sorted(Group.objects.values_list("name", flat=True)) == ["administrator", "editor"]
    # post_save receivers ran as for users saved one by one (the demo gives each a profile).
    assert Profile.objects.filter(user__in=[1, 2, 3, 5]).count() == 4

    assert authenticate(username="alice", password="test12345") == alice
    assert authenticate(username="Bob Smith", password="SimpleEasyPassword") is None  # blocked
    assert authenticate(username="admin", password="password") == admin


@pytest.mark.django_db
def test_import_is_idempotent_and_updates_changed_rows(tmp_path):
    path = write_csv(tmp_path)
    run(path)
    before = snapshot()
    assert "Created 0, updated 0, skipped 5 users." in run(path)
    assert snapshot() == before

    rows = list(CSV_ROWS)
    rows[2] = (
        f"2,alice,alice@new.example.com,{ALICE_HASH},1,1300000100,0,1600000000,administrator\n"
    )
    out = run(write_csv(tmp_path, rows), "--verbosity", "2")
    assert "Created 0, updated 1, skipped 4 users." in out
    assert "update uid 2 'alice': email, is_staff, roles" in out
    alice = get_user_model().objects.get(pk=2)
    assert alice.email == "alice@new.example.com" and alice.is_staff
    assert list(alice.groups.values_list("name", flat=True)) == ["administrator"]


@pytest.mark.django_db
def test_reimport_keeps_password_rehashed_by_django(tmp_path):
    path = write_csv(tmp_path)
    run(path)
    assert authenticate(username="alice", password="test12345") is not None
    upgraded = get_user_model().objects.get(pk=2).password
    assert not upgraded.startswith("drupal7$")
    assert "Created 0, updated 0, skipped 5 users." in run(path)
    assert get_user_model().objects.get(pk=2).password == upgraded


@pytest.mark.django_db
@pytest.mark.parametrize("wrapped", [False, True])
def test_import_json(tmp_path, wrapped):
    users = [
        {
            "uid": 0,
            "name": "",
            "mail": "",
            "pass": "",
            "status": 0,
            "roles": {"1": "anonymous user"},
        },
        {
            "uid": "1",
            "name": "admin",
            "mail": "admin@example.com",
            "pass": ADMIN_HASH,
            "status": "1",
            "created": 1300000000,
            "access": 0,
            "login": 0,
            "roles": {"2": "authenticated user", "3": "administrator"},
        },
        {
            "uid": 7,
            "name": "dave",
            "mail": "dave@example.com",
            "pass": BOB_HASH,
            "status": 1,
            "created": "1300000000",
            "login": 1400000000,
            "roles": ["authenticated user", "editor", "reviewer"],
        },
    ]
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": users} if wrapped else users))
    assert "Created 2, updated 0, skipped 1 users." in run(path)
    User = get_user_model()
    admin, dave = User.objects.get(pk=1), User.objects.get(pk=7)
    assert admin.is_superuser and admin.is_staff and admin.last_login is None
    assert sorted(dave.groups.values_list("name", flat=True)) == ["editor", "reviewer"]
    assert not dave.is_staff
    assert authenticate(username="dave", password="SimpleEasyPassword") == dave
    assert "Created 0, updated 0, skipped 3 users." in run(path)


@pytest.mark.django_db
def test_bad_rows_abort_everything(tmp_path):
    rows = [
        *CSV_ROWS,
        "x,mallory,m@example.com,,1,0,0,0,\n",
        f"6,alice,alice2@example.com,{ALICE_HASH},1,0,0,0,\n",
        "7,eve,eve@example.com,$S$notahash,1,0,0,0,\n",
        "8,frank,f@example.com,,2,0,0,0,\n",
        "9,,nobody@example.com,,1,0,0,0,\n",
        "2,alice2,a@example.com,,1,0,0,0,\n",
    ]
    path = write_csv(tmp_path, rows)
    with pytest.raises(CommandError) as excinfo:
        run(path)
    message = str(excinfo.value)
    assert "Nothing was imported: 6 problem(s)" in message
    assert "line 7: uid must be a whole number, got 'x'" in message
    assert "line 8 (uid 6): duplicate name 'alice', also on line 4 (uid 2)" in message
    assert "line 9 (uid 7): pass: Not a recognised Drupal password hash" in message
    assert "line 10 (uid 8): status must be 0 or 1" in message
    assert "line 11 (uid 9): name is empty" in message
    assert "line 12 (uid 2): duplicate uid, also on line 4" in message
    assert get_user_model().objects.count() == 0
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_bad_row_leaves_previous_import_unchanged(tmp_path):
    run(write_csv(tmp_path))
    before = snapshot()
    rows = list(CSV_ROWS)
    rows[2] = f"2,alice,changed@example.com,{ALICE_HASH},1,1300000100,0,0,newrole\n"
    rows.append("6,zed,z@example.com,$P$broken,1,0,0,0,\n")
    with pytest.raises(CommandError, match="line 7 \\(uid 6\\): pass"):
        run(write_csv(tmp_path, rows))
    assert snapshot() == before


@pytest.mark.django_db
def test_name_taken_by_another_user_in_database(tmp_path):
    get_user_model().objects.create_user(pk=99, username="alice", password="x")
    with pytest.raises(
        CommandError, match=r"name 'alice' is already used by another user \(pk 99\)"
    ):
        run(write_csv(tmp_path))
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("users.json", "[{", "not valid JSON"),
        ("users.json", '{"accounts": []}', 'an object with a "users" list'),
        ("users.csv", "id,username\n1,admin\n", "the CSV header has no uid or name column"),
        ("users.csv", "", "empty CSV file"),
        ("users.csv", CSV_HEADER + "4,dan\n", "line 2 (uid 4): fewer values than columns"),
        ("users.json", "[1, 2]", "item 1: expected an object with uid and name"),
    ],
)
def test_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(CommandError) as excinfo:
        run(path)
    assert message in str(excinfo.value)
    assert get_user_model().objects.count() == 0


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nope.csv")


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out = run(write_csv(tmp_path), "--dry-run")
    assert "Dry run, nothing was written. Created 4, updated 0, skipped 1 users." in out
    assert get_user_model().objects.count() == 0
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_sequence_is_reset_after_explicit_pks(tmp_path):
    rows = [*CSV_ROWS, "1000,zoe,zoe@example.com,,1,0,0,0,\n"]
    run(write_csv(tmp_path, rows))
    user = get_user_model().objects.create_user(username="newcomer", password="pw")
    assert user.pk > 1000
    group = Group.objects.create(name="fresh")  # groups got ordinary ids
    assert group.pk


@pytest.mark.django_db
def test_large_import_in_batches(tmp_path):
    rows = [
        f"{uid},user{uid},u{uid}@example.com,,1,1300000000,0,0,member|role{uid % 3}\n"
        for uid in range(2, 1203)
    ]
    path = write_csv(tmp_path, rows)
    assert "Created 1201, updated 0, skipped 0 users." in run(path)
    assert Group.objects.count() == 4
    assert get_user_model().groups.through.objects.count() == 2402
    assert "Created 0, updated 0, skipped 1201 users." in run(path)
