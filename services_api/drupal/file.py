"""Drupal Services' ``file`` resource (``resources/file_resource.inc``, 7.x-3.x branch as of
7.x-3.17-2-g23e63b1, identical in release 7.x-3.18), for the core-style registration named ``file``.

The registered model has the columns of Drupal's ``file_managed`` table (``fid``, ``uid``,
``filename``, ``uri``, ``filemime``, ``filesize``, ``status``, ``timestamp``); ``uri`` is
``public://<name>`` where ``<name>`` is the file's name in the Django storage
``SERVICES_API["FILE_STORAGE"]`` (an alias of ``STORAGES``), so any storage backend works.

- ``POST file``: body ``{"file": "<base64>", "filename": "x.jpg"}`` (also wrapped in
  ``{"file": {...}}`` as DrupalGap sends it), optional ``filepath`` (``public://dir/x.jpg``),
  ``filesize`` (checked against the decoded data) and ``status`` (``0`` keeps it temporary).
  Answers ``{"fid": "5", "uri": "<abs>/<ep>/file/5"}``.
- ``GET file/<fid>``: the row plus ``uri_full`` (absolute URL), ``target_uri`` (the storage
  name), ``file`` (base64 contents unless ``?file_contents=0``) and ``image_styles`` (``[]``).
- ``DELETE file/<fid>``: ``[true]``; a file still attached to an entity is ``406``.
- ``POST file/create_raw``: multipart ``files[<any>]`` uploads; answers ``[{fid, uri}, ...]``.
- ``GET file``: the core index (``fields``, ``parameters``, ``options``, ``page``, ``pagesize``),
  newest first.

Unlike Drupal, which quietly renames what it does not like, bad names are refused with Drupal's
own messages: a path that climbs (``..``), is absolute or holds a NUL, an extension outside
``FILE_ALLOWED_EXTENSIONS`` (``406 Not Acceptable : The specified file x.exe could not be
uploaded. Only files with the following extensions are allowed: ...``), an executable extension
anywhere in the name (``... For security reasons, your upload has been rejected.``, as Drupal 9+
says), and files over ``FILE_MAX_BYTES`` (``413 : The file is 9 MB exceeding the maximum file
size of 8 MB.``). Nothing is half-written: the bytes are stored first and removed again when
the database write fails.

File fields (``register_file_field``) give the ``node`` resource Drupal's ``attach_file``
targeted action and ``files`` relationship (``node_resource.inc``); ``NodeFilesMixin`` is mixed
into whatever class ``CORE_RESOURCE_CLASSES["node"]`` holds when ``AppConfig.ready()`` calls
``add_node_files``.

Access (``_file_resource_access``): an unknown fid is ``406 There is no file with ID <fid>``;
view needs the model's ``view`` permission ("get any binary files") or owning the file; create
and create_raw need ``add`` ("save file information"); delete needs owning the file and
``delete``; index needs ``view``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import ProtectedError

from entity_resources.exceptions import EntityNotFound
from entity_resources.limits import to_int
from entity_resources.permissions import check_object_access, operation_allowed
from entity_resources.query import base_queryset
from entity_resources.writing import get_instance
from services_api.drupal.core import CORE_RESOURCE_CLASSES, CoreResource
from services_api.exceptions import ServicesError
from services_api.resources import Arg, action, operation, relationship, targeted_action
from services_api.resources.arguments import coerce, missing_argument
from services_api.settings import services_settings

logger = logging.getLogger("services_api")

SCHEME = "public"
MISSING_DATA = "Missing data the file upload can not be completed"
#: Extensions that run as code on some server; refused anywhere in a name (Drupal's
#: ``FileSystemInterface::INSECURE_EXTENSION_REGEX`` plus the usual native executables).
INSECURE_EXTENSIONS = frozenset(
    "php php3 php4 php5 php7 phps pht phtml phar pl py cgi asp aspx jsp js htaccess exe com "
    "bat cmd sh bash msi dll so".split()
)
#: Drupal's ``file_validate_name_length``.
MAX_NAME_LENGTH = 240
_PUNCTUATION = "-_. "
_BASE64_SPACE = re.compile(rb"\s+")
#: Bytes of JSON/multipart around the base64 data that a file upload body may carry.
_BODY_OVERHEAD = 64 * 1024


def file_storage():
    """The Django storage holding the files (``SERVICES_API["FILE_STORAGE"]``)."""
    return storages[services_settings.FILE_STORAGE]


def storage_name(uri: str) -> str:
    """``public://a/b.jpg`` -> ``a/b.jpg`` (the name in the storage)."""
    _, sep, rest = uri.partition("://")
    return rest if sep else uri


def path_id(value: Any) -> int | None:
    """A numeric id from the path (``entity_resources.limits.to_int``: ASCII digits, within a
    64-bit column); ``None`` for anything else, which no row has."""
    try:
        return to_int(str(value), minimum=0)
    except ValueError:
        return None


def format_size(size: int) -> str:
    """Drupal's ``format_size``: ``512 bytes``, ``1.5 KB``, ``8 MB``."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{round(value, 2):g} {unit}"
    return f"{size} bytes"  # pragma: no cover


def too_large(size: int, limit: int | None = None) -> ServicesError:
    limit = services_settings.FILE_MAX_BYTES if limit is None else limit
    return ServicesError(
        f"The file is {format_size(size)} exceeding the maximum file size of {format_size(limit)}.",
        413,
    )


def allowed_extensions(extensions: str | None = None) -> list[str]:
    """``FILE_ALLOWED_EXTENSIONS`` (or a file field's own list) as lower-case words."""
    if extensions is None:
        extensions = services_settings.FILE_ALLOWED_EXTENSIONS
    return extensions.lower().split()


def _refuse(name: str, reason: str) -> ServicesError:
    return ServicesError(f"The specified file {name} could not be uploaded. {reason}", 406)


def _clean_segment(name: str) -> str:
    """Services' ``_services_file_check_name``: spaces and dots collapsed, only
    ``[0-9A-Za-z-_. ]`` kept, no leading or trailing punctuation."""
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"\.+", ".", name)
    name = re.sub(r"[^0-9A-Za-z\-_. ]", "", name)
    return name.strip(_PUNCTUATION)


def safe_destination(raw: str, shown: str | None = None, *, extensions: str | None = None) -> str:
    """A user-supplied ``[scheme://]dir/name.ext`` as a safe storage name, or a 406.

    Refused: NUL bytes, absolute paths, ``..`` segments, names without an allowed extension,
    executable extensions anywhere in the name. Kept from Services: other schemes than
    ``public`` fall back to it, names are cleaned (``_services_file_check_name``) and
    non-allowed middle extensions munged (``file_munge_filename``: ``a.tar.jpg`` ->
    ``a.tar_.jpg``).
    """
    shown = raw if shown is None else shown
    if "\x00" in raw:
        raise _refuse(shown.replace("\x00", ""), "The file name may not contain NUL characters.")
    _, sep, path = raw.partition("://")
    if not sep:
        path = raw
    path = path.strip()
    invalid = "The destination may not be an absolute path or climb out of its directory."
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        raise _refuse(shown, invalid)
    parts = [p for p in re.split(r"[\\/]+", path)]
    if any(p.strip() == ".." for p in parts):
        raise _refuse(shown, invalid)
    directories = [_clean_segment(p) for p in parts[:-1]]
    directories = [d for d in directories if d]
    basename = parts[-1] if parts else ""
    if not basename.strip():
        raise ServicesError("The file's name is empty. Please give a name to the file.", 406)
    pieces = basename.split(".")
    if len(pieces) < 2:
        extension = ""
        stem_pieces = pieces
    else:
        extension = pieces[-1].strip().lower()
        stem_pieces = pieces[:-1]
    allowed = allowed_extensions(extensions)
    lowered = [p.strip().lower() for p in pieces[1:]]
    if any(p in INSECURE_EXTENSIONS for p in lowered):
        raise _refuse(basename, "For security reasons, your upload has been rejected.")
    if extension not in allowed:
        raise _refuse(
            basename,
            f"Only files with the following extensions are allowed: {' '.join(allowed)}.",
        )
    stem = _clean_segment(".".join(stem_pieces)) or "file"
    # file_munge_filename: a non-allowed extension in the middle gets a trailing "_".
    munged = [
        piece if index == 0 or piece.lower() in allowed else f"{piece}_"
        for index, piece in enumerate(stem.split("."))
    ]
    name = f"{'.'.join(munged)}.{extension}"
    if len(name) > MAX_NAME_LENGTH:
        raise ServicesError(
            f"The file's name exceeds the {MAX_NAME_LENGTH} characters limit. Please rename "
            "the file and try again.",
            406,
        )
    return posixpath.join(*directories, name)


def decode_base64(text: Any) -> bytes:
    """Base64 as PHP's ``base64_decode`` reads it (whitespace ignored), but strict otherwise."""
    if not isinstance(text, str):
        raise ServicesError("Invalid value for argument file: expected base64 data.", 400)
    compact = _BASE64_SPACE.sub(b"", text.encode("ascii", "replace"))
    limit = services_settings.FILE_MAX_BYTES
    estimated = len(compact) * 3 // 4
    if estimated > limit + 2:
        raise too_large(estimated)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ServicesError("Invalid value for argument file: expected base64 data.", 400) from None


@dataclass
class Upload:
    """A validated file waiting to be stored: its storage destination and its bytes."""

    destination: str
    content: Any
    size: int
    status: int = 1


def _status_value(value: Any) -> int:
    """``status``: Drupal keeps the file temporary when it is ``0`` and permanent otherwise."""
    if value is None:
        return 1
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    raise ServicesError("Invalid value for argument status: expected 0 or 1.", 400)


class FileResource(CoreResource):
    """The ``file`` resource; see the module docstring."""

    label = "File"
    #: Drupal has no file update: files are replaced, not edited.
    update = None

    # -- body limits ------------------------------------------------------------------------
    def max_body_bytes(self, controller) -> int:
        base = services_settings.MAX_BODY_BYTES
        if controller.name in ("create", "create_raw"):
            encoded = services_settings.FILE_MAX_BYTES * 4 // 3 + _BODY_OVERHEAD
            if controller.name == "create_raw":
                encoded = services_settings.FILE_MAX_BYTES * 8 + _BODY_OVERHEAD
            return max(base, encoded)
        return base

    # -- rows ---------------------------------------------------------------------------------
    def column(self, drupal_name: str) -> str:
        """Model field name of a Drupal column (``uid`` -> ``uid``, or the field ``columns``
        renames)."""
        if drupal_name == self.schema.id_key:
            return self.options.pk_name
        column = self.schema.columns.get(drupal_name)
        if column is None:
            raise LookupError(f"The file model has no {drupal_name!r} column.")
        return column.name

    def load_row(self, request, fid: Any) -> dict | None:
        """The Drupal row of ``fid`` (memoised on the request for access + callback)."""
        cache = request.__dict__.setdefault("_services_file_rows", {})
        key = str(fid)
        if key not in cache:
            row = None
            pk = path_id(fid)
            if pk is not None:
                queryset = base_queryset(self.options, request).filter(pk=pk)
                rows = self.rows(
                    request, queryset, list(self.schema.columns.values()), with_uri=False
                )
                row = rows[0] if rows else None
            cache[key] = row
        return cache[key]

    def no_file(self, fid: Any) -> ServicesError:
        return ServicesError(f"There is no file with ID {fid}", 406)

    def owns(self, request, row: dict) -> bool:
        user = request.user
        return bool(user.is_authenticated) and row.get("uid") == str(user.pk)

    # -- access (``_file_resource_access``) ---------------------------------------------------
    def can_view_file(self, request, kwargs) -> bool:
        row = self.load_row(request, kwargs["fid"])
        if row is None:
            raise self.no_file(kwargs["fid"])
        return operation_allowed(self.options, request, "retrieve") or self.owns(request, row)

    def can_delete_file(self, request, kwargs) -> bool:
        row = self.load_row(request, kwargs["fid"])
        if row is None:
            raise self.no_file(kwargs["fid"])
        return self.owns(request, row) and operation_allowed(self.options, request, "delete")

    def can_create_file(self, request, kwargs) -> bool:
        return operation_allowed(self.options, request, "create")

    # -- operations -----------------------------------------------------------------------------
    @operation(
        "retrieve",
        args=[
            Arg("fid", str, source="path", index=0),
            Arg("file_contents", bool, source="query", required=False, default=True),
            Arg("image_styles", bool, source="query", required=False, default=False),
        ],
        access="can_view_file",
    )
    def retrieve(self, request, fid, file_contents, image_styles):
        row = self.load_row(request, fid)
        if row is None:
            raise self.no_file(fid)
        return self.file_object(request, row, file_contents)

    def file_object(self, request, row: dict, include_contents: bool) -> dict:
        """``_file_resource_retrieve``: the row, ``uri_full``, ``target_uri``, contents."""
        out = dict(row)
        storage = file_storage()
        name = storage_name(row.get("uri") or "")
        try:
            url = storage.url(name)
        except NotImplementedError:
            url = None
        out["uri_full"] = request.build_absolute_uri(url) if url else None
        out["target_uri"] = name
        if include_contents:
            try:
                with storage.open(name, "rb") as handle:
                    out["file"] = base64.b64encode(handle.read()).decode("ascii")
            except (OSError, FileNotFoundError):
                # Drupal base64-encodes what file_get_contents() returns: "" when missing.
                logger.warning("File %s (%s) is missing from its storage.", row.get("fid"), name)
                out["file"] = ""
        out["image_styles"] = []
        return out

    @operation(
        "create",
        args=[Arg("file", None, whole_body=True, wrapper="file")],
        access="can_create_file",
    )
    def create(self, request, file):
        if not isinstance(file, dict):
            raise ServicesError(MISSING_DATA, 406)
        data = file.get("file")
        filename = file.get("filename")
        if data in (None, "") or filename in (None, ""):
            raise ServicesError(MISSING_DATA, 406)
        filename = coerce(Arg("filename", str), filename)
        filepath = file.get("filepath")
        if filepath not in (None, ""):
            filepath = coerce(Arg("filepath", str), filepath)
        expected = file.get("filesize")
        if expected not in (None, ""):
            expected = coerce(Arg("filesize", int), expected)
        status = _status_value(file.get("status"))
        destination = safe_destination(filepath or filename)
        content = decode_base64(data)
        if len(content) > services_settings.FILE_MAX_BYTES:
            raise too_large(len(content))
        if expected not in (None, "") and expected != len(content):
            raise ServicesError(
                f"The file size {len(content)} does not match the filesize {expected} that "
                "was sent.",
                406,
            )
        upload = Upload(destination, ContentFile(content), len(content), status)
        fid = self.store(request, [upload])[0]
        return self.id_result(request, fid)

    @operation("delete", args=[Arg("fid", str, source="path", index=0)], access="can_delete_file")
    def delete(self, request, fid):
        row = self.load_row(request, fid)
        if row is None:
            raise self.no_file(fid)
        name = storage_name(row.get("uri") or "")
        try:
            with transaction.atomic():
                self.options.model._default_manager.filter(pk=path_id(fid)).delete()
                transaction.on_commit(lambda: _delete_quietly(name))
        except ProtectedError:
            raise ServicesError(f"File {fid} is in use and cannot be deleted.", 406) from None
        return True

    @action("create_raw", args=[Arg("data", None, whole_body=True)], access="can_create_file")
    def create_raw(self, request, data):
        uploads = [self.validate_upload(upload) for upload in uploaded_files(data)]
        if not uploads:
            raise missing_argument("files")
        fids = self.store(request, uploads)
        return [self.id_result(request, fid) for fid in fids]

    # -- storing --------------------------------------------------------------------------------
    def validate_upload(
        self,
        uploaded,
        destination_dir: str = "",
        *,
        extensions: str | None = None,
        max_bytes: int | None = None,
    ) -> Upload:
        """A multipart upload checked like Drupal's ``file_save_upload`` (a file field may
        narrow the allowed extensions and the size)."""
        limit = services_settings.FILE_MAX_BYTES if max_bytes is None else max_bytes
        if uploaded.size > limit:
            raise too_large(uploaded.size, limit)
        name = uploaded.name or ""
        path = posixpath.join(destination_dir, name) if name else ""
        destination = safe_destination(path, name, extensions=extensions)
        return Upload(destination, uploaded, uploaded.size, 1)

    def store(self, request, uploads: list[Upload], then: Any = None) -> list[Any]:
        """Write the bytes, then the rows in one transaction; on any failure remove every
        stored file again, so neither a row without bytes nor bytes without a row remain.
        ``then(pks)`` runs inside that transaction (attach_file links the files there)."""
        storage = file_storage()
        model = self.options.model
        stored: list[str] = []
        user = request.user
        uid = user.pk if user.is_authenticated else None
        try:
            for upload in uploads:
                stored.append(storage.save(upload.destination, upload.content))
            with transaction.atomic():
                pks = []
                for upload, name in zip(uploads, stored, strict=True):
                    values = {
                        self.column("filename"): posixpath.basename(name),
                        self.column("uri"): f"{SCHEME}://{name}",
                        self.column("filemime"): mimetypes.guess_type(name)[0]
                        or "application/octet-stream",
                        self.column("filesize"): upload.size,
                        self.column("status"): upload.status,
                    }
                    uid_field = self.options.opts.get_field(self.column("uid"))
                    values[uid_field.attname] = uid
                    pks.append(model._default_manager.create(**values).pk)
                if then is not None:
                    then(pks)
                return pks
        except BaseException:
            for name in stored:
                _delete_quietly(name)
            raise


def _delete_quietly(name: str) -> None:
    try:
        file_storage().delete(name)
    except Exception:  # noqa: BLE001 - a missing file must not turn a delete into a 500
        logger.warning("Could not delete %s from the file storage.", name, exc_info=True)


def uploaded_files(body: Any) -> list[Any]:
    """The uploads of a multipart body sent as ``files[<any>]`` (or ``files[]``), in order."""
    files = body.get("files") if isinstance(body, dict) else None
    if isinstance(files, dict):
        values = list(files.values())
    elif isinstance(files, list):
        values = files
    elif files is not None:
        values = [files]
    else:
        values = []
    return [value for value in values if hasattr(value, "read") and hasattr(value, "size")]


# -- file fields on nodes (``node/<nid>/attach_file``, ``node/<nid>/files``) ------------------


@dataclass(frozen=True)
class FileField:
    """A Drupal file (or image) field of a model: its items live in a ``through`` model with a
    foreign key to the entity (``entity_field``) and one to the file model (``file_field``),
    ordered by ``delta_field``. ``cardinality`` (-1: unlimited), ``extensions`` (default
    ``FILE_ALLOWED_EXTENSIONS``), ``max_filesize`` (bytes, default ``FILE_MAX_BYTES``) and
    ``directory`` (where uploads go) are the field instance's settings."""

    name: str
    through: Any
    entity_field: str
    file_field: str = "file"
    delta_field: str | None = "delta"
    cardinality: int = -1
    extensions: str | None = None
    max_filesize: int | None = None
    directory: str = ""

    def item_fields(self) -> dict[str, Any]:
        """Item columns a client may set through ``field_values`` (``display``, ``alt`` ...)."""
        opts = self.through._meta
        skip = {self.entity_field, self.file_field, self.delta_field, opts.pk.name}
        return {
            f.name: f
            for f in opts.concrete_fields
            if f.name not in skip and f.editable and not f.is_relation
        }


_FILE_FIELDS: dict[Any, dict[str, FileField]] = {}


def register_file_field(model: Any, field: FileField) -> FileField:
    """Declare a file field of ``model`` (the model of a core resource such as ``node``)."""
    through = field.through._meta
    for name in (field.entity_field, field.file_field):
        through.get_field(name)  # FieldDoesNotExist at start-up for a typo
    if field.delta_field:
        through.get_field(field.delta_field)
    _FILE_FIELDS.setdefault(model, {})[field.name] = field
    return field


def file_fields(model: Any) -> dict[str, FileField]:
    return _FILE_FIELDS.get(model, {})


def _file_resource_for(field: FileField) -> FileResource:
    from services_api.resources import registry

    model = field.through._meta.get_field(field.file_field).related_model
    for resource in registry:
        if isinstance(resource, FileResource) and resource.options.model is model:
            return resource
    raise LookupError(f"{model._meta.label} has no core-style resource named 'file'.")


class NodeFilesMixin:
    """``attach_file`` (targeted action) and ``files`` (relationship) of Drupal's node
    resource (``node_resource.inc``), over the file fields declared with
    ``register_file_field``."""

    def bundle(self, request, pk: Any) -> str:
        key = self.core.bundle_key
        try:
            self.options.opts.get_field(key)
        except Exception:  # noqa: BLE001 - a model without a bundle column
            return self.core.name or ""
        value = (
            self.options.model._default_manager.filter(pk=pk).values_list(key, flat=True).first()
        )
        return str(value or self.core.name or "")

    def visible_pk(self, request, nid: Any) -> Any:
        pk = path_id(nid)
        if pk is None or not base_queryset(self.options, request).filter(pk=pk).exists():
            raise self.not_found(nid)
        return pk

    @targeted_action(
        "attach_file",
        args=[
            Arg("nid", str, source="path", index=0),
            Arg("field_name", str, source="body"),
            Arg("attach", bool, source="body", required=False, default=True),
            Arg("field_values", None, source="body", required=False, default=None),
            Arg("files", None, source="body", required=False, default=None),
        ],
        access="can_update",
    )
    def attach_file(self, request, nid, field_name, attach, field_values, files):
        pk = self.visible_pk(request, nid)
        field = file_fields(self.options.model).get(field_name)
        if field is None:
            raise ServicesError(
                f"Field name '{field_name}' not found on node type '{self.bundle(request, pk)}'",
                406,
            )
        try:
            instance = get_instance(self.options, request, pk)
        except EntityNotFound:
            raise self.not_found(nid) from None
        check_object_access(self.options, request, instance, "update")
        items = field.through._default_manager.filter(**{field.entity_field: pk})
        existing = items.count() if attach else 0
        uploaded = uploaded_files({"files": files})
        if field.cardinality > 0 and existing + len(uploaded) > field.cardinality:
            raise ServicesError("You cannot upload so many files.", 406)
        values = self.item_values(field, field_values, len(uploaded))
        resource = _file_resource_for(field)
        uploads = [
            resource.validate_upload(
                upload,
                field.directory,
                extensions=field.extensions,
                max_bytes=field.max_filesize,
            )
            for upload in uploaded
        ]

        through = field.through._meta
        entity_attname = through.get_field(field.entity_field).attname
        file_attname = through.get_field(field.file_field).attname

        def link(fids: list[Any]) -> None:
            if not attach:
                items.delete()
            manager = field.through._default_manager
            for offset, fid in enumerate(fids):
                row = {entity_attname: pk, file_attname: fid, **values[offset]}
                if field.delta_field:
                    row[field.delta_field] = existing + offset
                manager.create(**row)

        if uploads:
            fids = resource.store(request, uploads, then=link)
        else:
            with transaction.atomic():
                link([])
            fids = []
        return [resource.id_result(request, fid) for fid in fids]

    def item_values(self, field: FileField, field_values: Any, count: int) -> list[dict]:
        """``field_values``: per uploaded file (by position), extra item columns
        (``[{"display": 0}]``); unknown columns are a 406 naming them."""
        allowed = field.item_fields()
        out: list[dict] = [{} for _ in range(count)]
        if field_values in (None, "", []):
            return out
        if isinstance(field_values, dict):
            entries = list(field_values.items())
        elif isinstance(field_values, list):
            entries = list(enumerate(field_values))
        else:
            raise ServicesError(
                "Invalid value for argument field_values: expected a list of objects.", 400
            )
        for key, item in entries:
            try:
                position = int(key)
            except (TypeError, ValueError):
                position = -1
            if not 0 <= position < count or not isinstance(item, dict):
                raise ServicesError(
                    "Invalid value for argument field_values: expected one object per file.",
                    400,
                )
            for name, value in item.items():
                model_field = allowed.get(name)
                if model_field is None:
                    raise ServicesError(f"Unknown data properties: {name}.", 406)
                try:
                    out[position][name] = model_field.clean(value, None)
                except Exception as exc:  # noqa: BLE001 - a ValidationError of any shape
                    detail = " ".join(getattr(exc, "messages", [str(exc)]))
                    raise ServicesError(
                        f"Invalid value for field_values {name}: {detail}", 406
                    ) from None
        return out

    @relationship(
        "files",
        args=[
            Arg("nid", str, source="path", index=0),
            Arg("file_contents", bool, source="path", index=1, required=False, default=True),
            Arg("image_styles", bool, source="path", index=2, required=False, default=False),
        ],
        access="can_read",
    )
    def relationship_files(self, request, nid, file_contents, image_styles):
        pk = self.visible_pk(request, nid)
        out = []
        for field in file_fields(self.options.model).values():
            resource = _file_resource_for(field)
            items = field.through._default_manager.filter(**{field.entity_field: pk})
            if field.delta_field:
                items = items.order_by(field.delta_field, field.through._meta.pk.name)
            fids = list(items.values_list(field.file_field, flat=True))
            if not fids:
                continue
            queryset = base_queryset(resource.options, request).filter(pk__in=fids)
            columns = list(resource.schema.columns.values())
            rows = resource.rows(request, queryset, columns, with_uri=False)
            by_fid = {row[resource.schema.id_key]: row for row in rows}
            for fid in fids:
                row = by_fid.get(str(fid))
                if row is not None:
                    out.append(resource.file_object(request, row, file_contents))
        return out


def add_node_files() -> None:
    """Mix ``NodeFilesMixin`` into the ``node`` resource class (from ``AppConfig.ready()``)."""
    base = CORE_RESOURCE_CLASSES.get("node")
    if base is not None and not issubclass(base, NodeFilesMixin):
        CORE_RESOURCE_CLASSES["node"] = type(base.__name__, (NodeFilesMixin, base), {})


__all__ = [
    "FileField",
    "FileResource",
    "NodeFilesMixin",
    "add_node_files",
    "file_fields",
    "register_file_field",
    "INSECURE_EXTENSIONS",
    "decode_base64",
    "file_storage",
    "format_size",
    "safe_destination",
    "storage_name",
]
