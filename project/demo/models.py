"""Demo content shaped like a Drupal 7 site: articles (nodes), tags (terms), vocabularies,
comments, and a profile giving every user a stable uuid (references carry one)."""

import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Profile(models.Model):
    """One per user; works with any ``AUTH_USER_MODEL``.

    Exposed to the API through ``SERVICES_API['USER_UUID_FIELD'] = "demo_profile__uuid"``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_profile"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"profile of {self.user}"


class Vocabulary(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    machine_name = models.SlugField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    weight = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "vocabularies"
        ordering = ["weight", "name"]
        # Every order the vocabulary resources list by (entity_resources.W003): the default
        # (and its reverse, the core-style order) and each sort field, pk last.
        indexes = [
            models.Index(fields=["weight", "name", "id"], name="demo_vocab_weight_name"),
            models.Index(fields=["name", "id"], name="demo_vocab_name"),
            models.Index(fields=["weight", "id"], name="demo_vocab_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A taxonomy term. ``parent`` is Drupal's ``taxonomy_term_hierarchy`` (one parent per
    term; ``NULL`` is Drupal's parent ``0``, the vocabulary's root); deleting a term deletes
    its children, as Drupal deletes terms left without a parent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.CASCADE, related_name="tags")
    description = models.TextField(blank=True)
    weight = models.IntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["weight", "name"]
        indexes = [
            models.Index(fields=["weight", "name", "id"], name="demo_tag_weight_name"),
            # The core-style taxonomy_term order (vid, weight, name; read backwards).
            models.Index(
                fields=["vocabulary", "weight", "name", "id"], name="demo_tag_vocabulary_order"
            ),
            models.Index(fields=["name", "id"], name="demo_tag_name"),
            models.Index(fields=["weight", "id"], name="demo_tag_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=32, default="article")
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    #: Text format of ``body`` (Drupal's ``body[und][0][format]``).
    body_format = models.CharField(max_length=255, default="filtered_html")
    #: Drupal's ``node.comment``: comments hidden (0), closed (1) or open (2).
    comment = models.IntegerField(default=2, choices=[(0, "Hidden"), (1, "Closed"), (2, "Open")])
    status = models.BooleanField(default=True)
    sticky = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    changed = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    class Meta:
        ordering = ["-sticky", "-created"]
        indexes = [
            # The default listing (-sticky, -created, -id), read backwards: every row for
            # signed-in users, and only the published ones for anonymous visitors (partial).
            models.Index(fields=["sticky", "created", "id"], name="demo_article_listing"),
            models.Index(
                fields=["sticky", "created", "id"],
                condition=Q(status=True),
                name="demo_article_published",
            ),
            # Each sort field (either direction), pk last; created also serves date ranges.
            models.Index(fields=["created", "id"], name="demo_article_created"),
            models.Index(fields=["changed", "id"], name="demo_article_changed"),
            models.Index(fields=["title", "id"], name="demo_article_title"),
            models.Index(fields=["sticky", "id"], name="demo_article_sticky"),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_comments"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    #: Text format of ``body`` (Drupal's ``comment_body[und][0][format]``).
    body_format = models.CharField(max_length=255, default="filtered_html")
    created = models.DateTimeField(default=timezone.now)
    status = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            # The default listing (-created, -id) read backwards, and sort=created.
            models.Index(fields=["created", "id"], name="demo_comment_created"),
            # Anonymous visitors' listing (published comments).
            models.Index(
                fields=["created", "id"], condition=Q(status=True), name="demo_comment_published"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


# --------------------------------------------------------------------------------------------
# Warmshowers-style hospitality data (hosts, feedback, private messages).


class HostProfile(models.Model):
    """A member's hosting profile, as Warmshowers keeps it on the Drupal user (one per user).

    ``(latitude, longitude)`` is indexed so ``hosts/by_location`` narrows to a bounding box
    with one index range scan (latitude) checking longitude in the index, before ordering the
    few hosts in the box by distance; ``longitude`` alone serves boxes narrow in longitude.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_profile"
    )
    fullname = models.CharField(max_length=255, blank=True, db_index=True)
    street = models.CharField(max_length=255, blank=True)
    additional = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True, db_index=True)
    province = models.CharField(max_length=64, blank=True)
    postal_code = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True, db_index=True)
    notcurrentlyavailable = models.BooleanField(default=False)
    maxcyclists = models.PositiveSmallIntegerField(default=1)
    bed = models.BooleanField(default=False)
    food = models.BooleanField(default=False)
    laundry = models.BooleanField(default=False)
    shower = models.BooleanField(default=False)
    kitchenuse = models.BooleanField(default=False)
    lawnspace = models.BooleanField(default=False)
    storage = models.BooleanField(default=False)
    sag = models.BooleanField(default=False)
    motel = models.CharField(max_length=255, blank=True)
    campground = models.CharField(max_length=255, blank=True)
    bikeshop = models.CharField(max_length=255, blank=True)
    languagesspoken = models.CharField(max_length=255, blank=True)
    mobilephone = models.CharField(max_length=64, blank=True)
    homephone = models.CharField(max_length=64, blank=True)
    workphone = models.CharField(max_length=64, blank=True)
    #: How much notice the host needs ("One day", "A week", ...), free text as on Warmshowers.
    preferred_notice = models.CharField(max_length=255, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="demo_host_location")]

    def __str__(self) -> str:
        return f"host profile of {self.user}"


class Feedback(models.Model):
    """A Warmshowers "trust referral": one member's feedback about another."""

    RATINGS = [("Positive", "Positive"), ("Neutral", "Neutral"), ("Negative", "Negative")]
    GUEST_OR_HOST = [
        ("Guest", "Guest"),
        ("Host", "Host"),
        ("Met Traveling", "Met Traveling"),
        ("Other", "Other"),
    ]

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_received"
    )
    rating = models.CharField(max_length=16, choices=RATINGS)
    body = models.TextField()
    guest_or_host = models.CharField(max_length=16, choices=GUEST_OR_HOST)
    hosting_date = models.DateField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "feedback"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.rating} feedback for {self.recipient} by {self.author}"


class MessageThread(models.Model):
    """A private message thread (Drupal's privatemsg thread)."""

    subject = models.CharField(max_length=255)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_messages"
    )
    body = models.TextField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["thread", "created"], name="demo_message_thread_created")]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.thread_id}"


class ThreadParticipant(models.Model):
    """A user's membership of a thread with its read state (privatemsg's ``pm_index``)."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_threads"
    )
    #: The thread has messages this user has not read.
    is_new = models.BooleanField(default=True)
    #: Messages up to this id count as read (privatemsg keeps ``is_new`` per message): marking
    #: the thread read moves it to the newest message, marking it unread resets it to 0.
    read_through = models.BigIntegerField(default=0)
    #: The user removed the thread from their inbox.
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="unique_thread_participant")
        ]
        indexes = [
            models.Index(fields=["user", "deleted", "is_new"], name="demo_participant_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.thread_id}"


# --------------------------------------------------------------------------------------------
# CiviCRM-style contacts.


class Contact(models.Model):
    CONTACT_TYPES = [
        ("Individual", "Individual"),
        ("Household", "Household"),
        ("Organization", "Organization"),
    ]

    contact_type = models.CharField(max_length=16, choices=CONTACT_TYPES)
    first_name = models.CharField(max_length=64, blank=True, db_index=True)
    last_name = models.CharField(max_length=64, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    city = models.CharField(max_length=64, blank=True, db_index=True)
    country = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        # A contact search is exact matches ordered by id: the other columns' own indexes
        # find the few matches; the two columns many contacts share get (column, id), so
        # "every Individual, page 40" reads its page from the index instead of sorting.
        indexes = [
            models.Index(fields=["contact_type", "id"], name="demo_contact_type"),
            models.Index(fields=["country", "id"], name="demo_contact_country"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"contact {self.pk}"


class ContactGroup(models.Model):
    """A CiviCRM group (``civicrm_group``); an inactive group is left out of ``group/get``."""

    VISIBILITIES = [
        ("User and User Admin Only", "User and User Admin Only"),
        ("Public Pages", "Public Pages"),
    ]

    name = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    visibility = models.CharField(
        max_length=24, choices=VISIBILITIES, default="User and User Admin Only"
    )
    #: CiviCRM's group types as a string of ids ("1": access control, "2": mailing list).
    group_type = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class GroupContact(models.Model):
    """A contact's membership of a group (``civicrm_group_contact``): removing keeps the row
    with status ``Removed``, as CiviCRM keeps the history."""

    STATUSES = [("Added", "Added"), ("Removed", "Removed")]

    group = models.ForeignKey(ContactGroup, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="group_links")
    status = models.CharField(max_length=8, choices=STATUSES, default="Added")
    in_date = models.DateTimeField(default=timezone.now)
    in_method = models.CharField(max_length=8, default="API")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "contact"], name="unique_group_contact")
        ]
        indexes = [models.Index(fields=["contact", "status"], name="demo_groupcontact_contact")]

    def __str__(self) -> str:
        return f"{self.contact} in {self.group}"


# --------------------------------------------------------------------------------------------
# Course-style enrollments (the Course module's ``course_enrollment`` entity, served RESTWS-style).


def unix_now() -> int:
    """Drupal keeps timestamps as Unix seconds (``created: 1459800985``)."""
    return int(time.time())


class Enrollment(models.Model):
    """A user's enrollment in a course (a node), as Drupal's Course module stores it.

    Column names follow the ``course_enrollment`` table so the API answers with the Course
    document's keys: ``eid`` (the id), ``nid`` and ``uid`` (references), Unix-second
    ``created``/``timestamp``/``enroll_end``.
    """

    eid = models.AutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nid = models.ForeignKey(
        Article, on_delete=models.CASCADE, db_column="nid", related_name="enrollments"
    )
    uid = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_column="uid",
        related_name="course_enrollments",
    )
    enrollmenttype = models.CharField(max_length=128, blank=True, default="")
    status = models.IntegerField(default=1)
    created = models.IntegerField(default=unix_now)
    timestamp = models.IntegerField(default=unix_now)
    enroll_end = models.IntegerField(default=0)
    code = models.CharField(max_length=255, blank=True, default="")
    user_type = models.CharField(max_length=128, blank=True, default="")
    data = models.TextField(null=True, blank=True)
    feed_nid = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["eid"]
        constraints = [
            models.UniqueConstraint(fields=["nid", "uid"], name="unique_course_enrollment")
        ]
        # Each sort field of the course_enrollment resource, pk last.
        indexes = [
            models.Index(fields=["created", "eid"], name="demo_enrollment_created"),
            models.Index(fields=["timestamp", "eid"], name="demo_enrollment_timestamp"),
            models.Index(fields=["status", "eid"], name="demo_enrollment_status"),
        ]

    def __str__(self) -> str:
        return f"enrollment {self.pk} of user {self.uid_id} in {self.nid_id}"


# --------------------------------------------------------------------------------------------
# Files (Drupal's ``file_managed``) and a file field on articles (``field_image``).


class File(models.Model):
    """A stored file, with the columns of Drupal 7's ``file_managed`` table.

    ``uri`` is the stream-wrapper URI Drupal clients read (``public://2026/photo.jpg``); the
    part after ``public://`` is the name in the Django storage that holds the bytes
    (``SERVICES_API["FILE_STORAGE"]``). ``status`` 1 is permanent, 0 temporary.
    """

    fid = models.AutoField(primary_key=True)
    uid = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_column="uid",
        related_name="demo_files",
    )
    filename = models.CharField(max_length=255)
    uri = models.CharField(max_length=255, unique=True)
    filemime = models.CharField(max_length=255, default="application/octet-stream")
    filesize = models.BigIntegerField(default=0)
    status = models.IntegerField(default=1, db_index=True)
    timestamp = models.IntegerField(default=unix_now)

    class Meta:
        ordering = ["-timestamp", "-fid"]
        # The default listing (read backwards) and sort=timestamp (entity_resources.W003).
        indexes = [models.Index(fields=["timestamp", "fid"], name="demo_file_timestamp")]

    def __str__(self) -> str:
        return self.uri


class ArticleImage(models.Model):
    """One item of the articles' ``field_image`` file field (Drupal's
    ``field_data_field_image`` table): which file, at which position (``delta``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="image_items")
    # PROTECT: a file still attached to an article cannot be deleted (Drupal's file usage).
    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="article_images")
    delta = models.IntegerField(default=0)
    display = models.BooleanField(default=True)

    class Meta:
        ordering = ["article", "delta", "id"]

    def __str__(self) -> str:
        return f"field_image[{self.delta}] of article {self.article_id}: file {self.file_id}"


class CreditAwarded(models.Model):
    """Credit a user was awarded for a course (the Course module's ``course_credit_awarded``
    entity): the Course document deletes one with ``DELETE /course_credit_awarded/<id>``."""

    cid = models.AutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nid = models.ForeignKey(
        Article, on_delete=models.CASCADE, db_column="nid", related_name="credits_awarded"
    )
    uid = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_column="uid",
        related_name="course_credits",
    )
    #: The credit type ("cme", "ce", ...) and the amount awarded.
    type = models.CharField(max_length=64, default="credit")
    value = models.FloatField(default=1.0)
    created = models.IntegerField(default=unix_now)

    class Meta:
        ordering = ["cid"]
        indexes = [
            models.Index(fields=["uid", "nid"], name="demo_credit_user_course"),
            models.Index(fields=["created", "cid"], name="demo_credit_created"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.type} for {self.uid_id} in {self.nid_id}"
