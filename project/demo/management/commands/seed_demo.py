"""``manage.py seed_demo [--articles N] [--seed S]``: deterministic, idempotent demo data.

Every row gets a uuid derived from the seed and its index (uuid5), so a second run finds what
the first made and creates only what is missing. Rows are written with ``bulk_create`` in one
transaction: 20 000 articles take a few seconds on SQLite.
"""

from __future__ import annotations

import os
import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from project.demo.models import Article, Comment, Profile, Tag, Vocabulary
from services_api.management.progress import Progress, Stage

WORDS = (
    "drupal django services rest endpoint node term vocabulary comment author mobile app "
    "bicycle host travel river mountain city coffee garden library music bridge harbour "
    "market station summer winter autumn spring morning evening"
).split()
USER_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
VOCABULARIES = [("Tags", "tags"), ("Topics", "topics"), ("Regions", "regions")]
TAGS_PER_VOCABULARY = 10
#: The vocabulary whose terms form a tree (see ``Command._tag_hierarchy``).
HIERARCHICAL_VOCABULARY = "regions"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise CommandError(f"expected a number >= 0, got {number}")
    return number


class Command(BaseCommand):
    help = "Create demo users, vocabularies, tags, articles and comments (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", default="200", help="number of articles (default 200)")
        parser.add_argument("--seed", default="1", help="random seed (default 1)")
        parser.add_argument(
            "--comments-per-article", default="2", help="comments per article (default 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        articles = self._number(options, "articles")
        seed = self._number(options, "seed")
        per_article = self._number(options, "comments_per_article")
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"services-api-demo/{seed}")
        self.rng = random.Random(seed)
        progress = Progress(self.stdout, verbosity=options["verbosity"])
        steps = [
            ("users", self._users),
            ("vocabularies", self._vocabularies),
            ("tags", self._tags),
            ("articles", lambda stage: self._articles(articles, stage), articles),
            (
                "comments",
                lambda stage: self._comments(articles, per_article, stage),
                articles * per_article,
            ),
            ("host profiles", self._host_profiles),
            ("contacts", self._contacts),
            ("enrollments", lambda: self._enrollments(articles)),
            ("credits awarded", self._credits),
        ]
        created = {}
        with transaction.atomic():
            for name, step, *total in steps:
                with progress.stage(name, total[0] if total else None) as stage:
                    if total:
                        created[name] = step(stage)
                    else:
                        created[name] = step()
                        stage.advance(created[name])
            self._demo_endpoints()
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded demo data (seed {seed}): created {summary}."))

    @staticmethod
    def _number(options: dict[str, Any], name: str) -> int:
        try:
            return non_negative_int(options[name])
        except CommandError as exc:
            raise CommandError(f"--{name.replace('_', '-')}: {exc}") from None

    def _uuid(self, kind: str, index: int | str) -> uuid.UUID:
        return uuid.uuid5(self.namespace, f"{kind}/{index}")

    def _users(self) -> int:
        User = get_user_model()
        created = 0
        admin_name = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        admin_password = os.environ.get("DEMO_ADMIN_PASSWORD")
        if not User.objects.filter(username=admin_name).exists():
            printed = admin_password is None
            admin_password = admin_password or secrets.token_urlsafe(12)
            User.objects.create_superuser(admin_name, f"{admin_name}@example.com", admin_password)
            created += 1
            if printed:
                self.stdout.write(
                    f"Created admin account {admin_name!r} with password {admin_password!r} "
                    "(shown once; set DEMO_ADMIN_PASSWORD to choose it)."
                )
        existing = set(
            User.objects.filter(username__in=USER_NAMES).values_list("username", flat=True)
        )
        password = make_password(os.environ.get("DEMO_USER_PASSWORD", "demo"))
        new_users = [
            User(
                username=name,
                email=f"{name}@example.com",
                password=password,
                first_name=name.title(),
            )
            for name in USER_NAMES
            if name not in existing
        ]
        User.objects.bulk_create(new_users)
        created += len(new_users)
        missing_profiles = User.objects.filter(demo_profile__isnull=True)
        Profile.objects.bulk_create(
            [
                Profile(user_id=pk, uuid=self._uuid("user", pk))
                for pk in missing_profiles.values_list("pk", flat=True)
            ]
        )
        return created

    def _vocabularies(self) -> int:
        existing = set(Vocabulary.objects.values_list("machine_name", flat=True))
        new = [
            Vocabulary(
                uuid=self._uuid("vocabulary", machine),
                name=name,
                machine_name=machine,
                description=f"Demo vocabulary {name}",
                weight=i,
            )
            for i, (name, machine) in enumerate(VOCABULARIES)
            if machine not in existing
        ]
        Vocabulary.objects.bulk_create(new)
        return len(new)

    def _tags(self) -> int:
        vocabularies = dict(Vocabulary.objects.values_list("machine_name", "pk"))
        wanted = {}
        for _name, machine in VOCABULARIES:
            for i in range(TAGS_PER_VOCABULARY):
                key = self._uuid("tag", f"{machine}/{i}")
                wanted[key] = Tag(
                    uuid=key,
                    name=f"{machine}-{WORDS[i % len(WORDS)]}-{i}",
                    vocabulary_id=vocabularies[machine],
                    weight=i,
                )
        existing = set(Tag.objects.filter(uuid__in=wanted).values_list("uuid", flat=True))
        new = [tag for key, tag in wanted.items() if key not in existing]
        Tag.objects.bulk_create(new)
        self._tag_hierarchy()
        return len(new)

    def _tag_hierarchy(self) -> None:
        """``Regions`` is a tree (Drupal's taxonomy_term_hierarchy, for ``getTree``): terms 0-2
        are roots, 3-8 sit below term ``i % 3``, and 9 below 3 (depth 2). Terms that already
        have a parent keep it."""
        machine = HIERARCHICAL_VOCABULARY
        pks = dict(
            Tag.objects.filter(
                uuid__in=[self._uuid("tag", f"{machine}/{i}") for i in range(TAGS_PER_VOCABULARY)]
            ).values_list("uuid", "pk")
        )
        for i in range(3, TAGS_PER_VOCABULARY):
            parent = 3 if i == 9 else i % 3
            child_pk = pks.get(self._uuid("tag", f"{machine}/{i}"))
            parent_pk = pks.get(self._uuid("tag", f"{machine}/{parent}"))
            if child_pk and parent_pk:
                Tag.objects.filter(pk=child_pk, parent__isnull=True).update(parent_id=parent_pk)

    def _articles(self, count: int, stage: Stage) -> int:
        User = get_user_model()
        authors = list(
            User.objects.filter(username__in=USER_NAMES).order_by("pk").values_list("pk", flat=True)
        )
        tag_ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
        keys = [self._uuid("article", i) for i in range(count)]
        existing = set()
        for start in range(0, count, 5000):
            existing.update(
                Article.objects.filter(uuid__in=keys[start : start + 5000]).values_list(
                    "uuid", flat=True
                )
            )
        rng = random.Random(f"articles/{self.namespace}")
        new, new_tags = [], {}
        for i, key in enumerate(keys):
            # Draw for every index, created or not, so row i is the same whatever ran before.
            words = rng.sample(WORDS, 4)
            created_at = EPOCH + timedelta(minutes=37 * i + rng.randrange(30))
            picked = rng.sample(tag_ids, 3) if tag_ids else []
            status = rng.random() < 0.9
            if key in existing:
                continue
            new.append(
                Article(
                    uuid=key,
                    title=" ".join(words).capitalize(),
                    body=" ".join(rng.choices(WORDS, k=30)),
                    status=status,
                    sticky=i % 50 == 0,
                    created=created_at,
                    changed=created_at,
                    author_id=authors[i % len(authors)],
                )
            )
            new_tags[key] = picked
        stage.advance(count - len(new))
        for start in range(0, len(new), 2000):
            Article.objects.bulk_create(new[start : start + 2000])
            stage.advance(len(new[start : start + 2000]))
        if new_tags:
            ids = {}
            pending = list(new_tags)
            for start in range(0, len(pending), 5000):
                ids.update(
                    Article.objects.filter(uuid__in=pending[start : start + 5000]).values_list(
                        "uuid", "pk"
                    )
                )
            Through = Article.tags.through
            Through.objects.bulk_create(
                [
                    Through(article_id=ids[key], tag_id=tag)
                    for key, tags in new_tags.items()
                    for tag in tags
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
        return len(new)

    def _comments(self, articles: int, per_article: int, stage: Stage) -> int:
        User = get_user_model()
        authors = list(
            User.objects.filter(username__in=USER_NAMES).order_by("pk").values_list("pk", flat=True)
        )
        wanted = {self._uuid("article", i): i for i in range(articles)}
        article_ids = {}
        keys = list(wanted)
        for start in range(0, len(keys), 5000):
            article_ids.update(
                Article.objects.filter(uuid__in=keys[start : start + 5000]).values_list(
                    "uuid", "pk"
                )
            )
        comment_keys = {
            self._uuid("comment", f"{i}/{n}"): (key, i, n)
            for key, i in wanted.items()
            for n in range(per_article)
        }
        existing = set()
        all_keys = list(comment_keys)
        for start in range(0, len(all_keys), 5000):
            existing.update(
                Comment.objects.filter(uuid__in=all_keys[start : start + 5000]).values_list(
                    "uuid", flat=True
                )
            )
        new = [
            Comment(
                uuid=ckey,
                article_id=article_ids[akey],
                author_id=authors[(i + n + 1) % len(authors)],
                subject=f"Re: article {i} #{n}",
                body=f"Comment {n} on article {i}.",
                created=EPOCH + timedelta(minutes=37 * i + 5 + n),
                status=(i + n) % 10 != 0,
            )
            for ckey, (akey, i, n) in comment_keys.items()
            if ckey not in existing
        ]
        stage.advance(len(comment_keys) - len(new))
        for start in range(0, len(new), 2000):
            Comment.objects.bulk_create(new[start : start + 2000])
            stage.advance(len(new[start : start + 2000]))
        return len(new)

    def _demo_endpoints(self) -> None:
        """Create or refresh the demo's Services endpoints."""
        from project.demo.endpoints import apply_demo_endpoints
        from services_api.models import Endpoint, EndpointResource

        apply_demo_endpoints(Endpoint, EndpointResource)

    # Warmshowers-style host profiles and CiviCRM-style contacts (fixed, not seeded: the
    # documents' examples search around these places).

    def _host_profiles(self) -> int:
        from project.demo.models import HostProfile

        User = get_user_model()
        users = dict(
            User.objects.filter(username__in=[row[0] for row in DEMO_HOSTS]).values_list(
                "username", "pk"
            )
        )
        existing = set(
            HostProfile.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True)
        )
        new = []
        for i, (name, fullname, city, province, country, lat, lon) in enumerate(DEMO_HOSTS):
            pk = users.get(name)
            if pk is None or pk in existing:
                continue
            new.append(
                HostProfile(
                    user_id=pk,
                    fullname=fullname,
                    street=f"{10 + i} Demo Street",
                    city=city,
                    province=province,
                    postal_code=f"{10000 + 111 * i}",
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    notcurrentlyavailable=i % 4 == 3,
                    maxcyclists=1 + i % 4,
                    bed=i % 2 == 0,
                    food=i % 3 == 0,
                    laundry=i % 2 == 1,
                    shower=True,
                    kitchenuse=i % 3 != 0,
                    lawnspace=i % 2 == 0,
                    languagesspoken="English",
                    homephone=f"+49 30 {5550100 + i}",
                    workphone=f"+49 30 {5550200 + i}" if i % 2 == 0 else "",
                    preferred_notice=("One day", "Two days", "A week")[i % 3],
                    comments=f"{fullname} hosts cyclists in {city}.",
                )
            )
        HostProfile.objects.bulk_create(new)
        return len(new)

    def _contacts(self) -> int:
        from project.demo.models import Contact

        existing = set(
            Contact.objects.filter(email__in=[row[3] for row in DEMO_CONTACTS]).values_list(
                "email", flat=True
            )
        )
        new = [
            Contact(
                contact_type=kind,
                first_name=first,
                last_name=last,
                email=email,
                city=city,
                country=country,
            )
            for kind, first, last, email, city, country in DEMO_CONTACTS
            if email not in existing
        ]
        Contact.objects.bulk_create(new)
        return len(new)

    def _enrollments(self, articles: int) -> int:
        """Course-style enrollments: each of the first 10 articles has two enrolled users."""
        from project.demo.models import Enrollment

        User = get_user_model()
        users = list(
            User.objects.filter(username__in=USER_NAMES).order_by("pk").values_list("pk", flat=True)
        )
        if not users:
            return 0
        keys = [self._uuid("article", i) for i in range(min(articles, 10))]
        article_ids = dict(Article.objects.filter(uuid__in=keys).values_list("uuid", "pk"))
        wanted = {}
        for i, key in enumerate(keys):
            if key not in article_ids:
                continue
            for n, user in enumerate({users[i % len(users)], users[(i + 3) % len(users)]}):
                moment = int((EPOCH + timedelta(days=i, hours=n)).timestamp())
                wanted[(article_ids[key], user)] = Enrollment(
                    uuid=self._uuid("enrollment", f"{i}/{user}"),
                    nid_id=article_ids[key],
                    uid_id=user,
                    status=1,
                    created=moment,
                    timestamp=moment,
                )
        enrolled = Enrollment.objects.filter(nid_id__in=article_ids.values())
        existing = set(enrolled.values_list("nid_id", "uid_id"))
        new = [row for pair, row in wanted.items() if pair not in existing]
        Enrollment.objects.bulk_create(new)
        return len(new)

    def _credits(self) -> int:
        """One credit awarded per enrollment with an even id (the Course document deletes one)."""
        from project.demo.models import CreditAwarded, Enrollment

        enrollments = Enrollment.objects.values_list("eid", "nid_id", "uid_id", "created")
        wanted = {
            self._uuid("credit", str(eid)): (nid, uid, created)
            for eid, nid, uid, created in enrollments
            if eid % 2 == 0
        }
        existing = set(CreditAwarded.objects.filter(uuid__in=wanted).values_list("uuid", flat=True))
        new = [
            CreditAwarded(uuid=key, nid_id=nid, uid_id=uid, value=1.5, created=created)
            for key, (nid, uid, created) in wanted.items()
            if key not in existing
        ]
        CreditAwarded.objects.bulk_create(new)
        return len(new)


#: (username, fullname, city, province, country, latitude, longitude): two or three hosts
#: around each of a few cities, so searches have near and far results.
DEMO_HOSTS = [
    ("alice", "Alice Anders", "Berlin", "Berlin", "de", 52.5200, 13.4050),
    ("bob", "Bob Brandt", "Potsdam", "Brandenburg", "de", 52.3906, 13.0645),
    ("carol", "Carol Chevalier", "Paris", "Ile-de-France", "fr", 48.8566, 2.3522),
    ("dave", "Dave Dubois", "Versailles", "Ile-de-France", "fr", 48.8049, 2.1204),
    ("erin", "Erin Evans", "Portland", "OR", "us", 45.5152, -122.6784),
    ("frank", "Frank Foster", "Vancouver", "WA", "us", 45.6387, -122.6615),
    ("grace", "Grace Garcia", "Mexico City", "CDMX", "mx", 19.4326, -99.1332),
    ("heidi", "Heidi Huber", "Vienna", "Wien", "at", 48.2082, 16.3738),
    ("ivan", "Ivan Ivanov", "Sofia", "Sofia", "bg", 42.6977, 23.3219),
    ("judy", "Judy Jones", "Berlin", "Berlin", "de", 52.5300, 13.3800),
]
#: (contact_type, first_name, last_name, email, city, country)
DEMO_CONTACTS = [
    ("Individual", "John", "Smith", "john.smith@example.org", "London", "United Kingdom"),
    ("Individual", "Jane", "Smith", "jane.smith@example.org", "Leeds", "United Kingdom"),
    ("Individual", "Maria", "Rossi", "maria.rossi@example.org", "Rome", "Italy"),
    ("Household", "", "Smith family", "smiths@example.org", "London", "United Kingdom"),
    (
        "Organization",
        "",
        "Friends Service Committee",
        "info@example.org",
        "Philadelphia",
        "United States",
    ),
]
