"""The public API for declaring resources (Drupal's ``hook_services_resources``).

A resource is a class with operations (``retrieve``, ``create``, ``update``, ``delete``,
``index``), actions (POST on the collection), targeted actions (POST on an item) and
relationships (GET on an item's sub-collection). Each is a method decorated with its kind and
its declared arguments; the server gathers the arguments from the path, the query string or the
body, checks and converts their types, runs the access check and calls the method::

    from services_api import Arg, Resource, action, operation, register_resource

    @register_resource
    class HostsResource(Resource):
        name = "hosts"

        @action(args=[Arg("keyword", source="body"), Arg("limit", int, source="body", default=50)])
        def by_keyword(self, request, keyword, limit):
            return {"accounts": [...], "status": {"totalresults": 0}}

Built-in (``user``, ``system``) and generated (``entity_*``) resources use the same API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.module_loading import autodiscover_modules

from services_api.constants import OPERATIONS

SOURCES = ("path", "query", "body")
KINDS = ("operation", "action", "targeted_action", "relationship")
#: The key of each kind in Drupal's resource definitions (``hook_services_resources``),
#: endpoint configurations (``EndpointResource`` fields) and exports: ``"operations"``, ...
KIND_KEYS: dict[str, str] = {kind: f"{kind}s" for kind in KINDS}
_MISSING = object()


@dataclass(frozen=True)
class Arg:
    """One declared argument.

    ``source``: ``"path"`` (the ``index``-th path part after the resource name, or after the
    action name for actions), ``"query"`` (query parameter ``key``), ``"body"`` (body key
    ``key``, or the whole body when ``key`` is ``None`` and ``whole_body`` is true).
    ``type``: ``str``, ``int``, ``float``, ``bool``, ``list``, ``dict`` or ``None`` (any value).
    ``wrapper``: for whole-body arguments, the legacy wrapper key unwrapped when it is the only
    key (``{"node": {...}}`` -> ``{...}``).
    """

    name: str
    type: type | None = str
    source: str = "body"
    key: str | None = None
    index: int = 0
    required: bool = True
    default: Any = None
    whole_body: bool = False
    wrapper: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"Arg {self.name!r}: source must be one of {SOURCES}.")
        if self.whole_body and self.source != "body":
            raise ValueError(f"Arg {self.name!r}: whole_body needs source='body'.")

    @property
    def lookup_key(self) -> str:
        return self.key or self.name


def parse_version(value: Any) -> tuple[int, int] | None:
    """``"1.1"`` -> ``(1, 1)``; anything else (``"2"``, ``"x.1"``, ``None``) -> ``None``."""
    if not isinstance(value, str):
        return None
    major, sep, minor = value.strip().partition(".")
    if not (sep and major.isdigit() and minor.isdigit()):
        return None
    return int(major), int(minor)


@dataclass(frozen=True)
class Controller:
    """A callable bound to its declaration: kind, name, arguments and access check."""

    kind: str
    name: str
    method: str
    args: tuple[Arg, ...] = ()
    access: Callable[..., bool] | str | None = None
    #: Whether the controller reads a request body (create, update, actions).
    reads_body: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: Drupal's resource API versions: ``((major, minor), args or None, method or None)``
    #: updates in ascending order, applied over the 1.0 declaration (see ``for_version``).
    versions: tuple[tuple[tuple[int, int], tuple[Arg, ...] | None, str | None], ...] = ()

    @property
    def version_names(self) -> tuple[str, ...]:
        """The versions a client may ask for: ``("1.0", "1.1")`` (``()`` when unversioned)."""
        if not self.versions:
            return ()
        return ("1.0", *(f"{major}.{minor}" for (major, minor), _, _ in self.versions))

    def for_version(self, version: str | None) -> Controller:
        """The controller as API ``version`` defines it (Drupal's ``services_request_apply_
        version``): every update whose major and minor are both at most the requested ones is
        applied in order; ``1.0``, no version or an unparsable one is the declaration itself."""
        wanted = parse_version(version)
        if wanted is None or not self.versions:
            return self
        args, method = self.args, self.method
        for (major, minor), update_args, update_method in self.versions:
            if major <= wanted[0] and minor <= wanted[1]:
                args = update_args if update_args is not None else args
                method = update_method or method
        if args is self.args and method == self.method:
            return self
        return replace(self, args=args, method=method, versions=())

    @property
    def path_args(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.source == "path")

    def fits(self, parts: int) -> bool:
        """Drupal's "fits": required <= path parts <= required + optional."""
        required = sum(1 for a in self.path_args if a.required)
        return required <= parts <= len(self.path_args)


def _declare(kind: str, name: str | None, args, access, versions=None, **extra) -> Callable:
    parsed = []
    for version, update in (versions or {}).items():
        number = parse_version(version)
        if number is None or number <= (1, 0):
            raise ValueError(f"API version {version!r} must be 'major.minor' above '1.0'.")
        unknown = set(update) - {"args", "method"}
        if unknown:
            raise ValueError(f"API version {version!r}: unknown key(s) {sorted(unknown)}.")
        update_args = update.get("args")
        parsed.append(
            (number, tuple(update_args) if update_args is not None else None, update.get("method"))
        )

    def decorator(func: Callable) -> Callable:
        func._services_controller = {  # type: ignore[attr-defined]
            "kind": kind,
            "name": name or func.__name__,
            "args": tuple(args or ()),
            "access": access,
            "extra": extra,
            "versions": tuple(sorted(parsed, key=lambda item: item[0])),
        }
        return func

    return decorator


def operation(
    name: str | None = None,
    *,
    args: list[Arg] | tuple[Arg, ...] | None = None,
    access: Callable[..., bool] | str | None = None,
    versions: dict[str, dict[str, Any]] | None = None,
    returns: dict[str, Any] | None = None,
) -> Callable:
    """Declare one of the CRUD operations; ``name`` defaults to the method name.

    ``returns`` (every decorator takes it) is the JSON Schema of the result, for the OpenAPI
    document; without it the result is documented from the resource's row schema, or as any
    JSON value."""
    if name is not None and name not in OPERATIONS:
        raise ValueError(f"Unknown operation {name!r}; use one of {', '.join(OPERATIONS)}.")
    return _declare("operation", name, args, access, versions, **_returns(returns))


def _returns(schema: dict[str, Any] | None) -> dict[str, Any]:
    return {} if schema is None else {"returns": schema}


def action(name=None, *, args=None, access=None, versions=None, returns=None) -> Callable:
    """Declare an action: ``POST <resource>/<name>``.

    ``versions`` declares Drupal resource API versions beyond 1.0 (the declaration itself):
    ``{"1.1": {"args": [...], "method": "login_1_1"}}`` replaces the arguments and/or the
    method called. A client picks one with the ``services_<resource>_<name>_version`` header,
    an endpoint with its ``api_versions`` setting; see ``Controller.for_version``.
    """
    return _declare("action", name, args, access, versions, **_returns(returns))


def targeted_action(name=None, *, args=None, access=None, versions=None, returns=None) -> Callable:
    """Declare a targeted action: ``POST <resource>/<id>/<name>``."""
    return _declare("targeted_action", name, args, access, versions, **_returns(returns))


def relationship(name=None, *, args=None, access=None, versions=None, returns=None) -> Callable:
    """Declare a relationship: ``GET <resource>/<id>/<name>``."""
    return _declare("relationship", name, args, access, versions, **_returns(returns))


class Resource:
    """Base class of every resource. Subclasses set ``name`` and declare controllers."""

    name: str = ""
    #: Key of the item id in results and generated URIs (``nid`` for nodes); informative.
    id_key: str = "id"
    #: Default access check for controllers without their own: ``(request, controller, args)``.
    default_access: Callable[..., bool] | str | None = None

    def __init__(self) -> None:
        if not self.name:
            raise ValueError(f"{type(self).__name__} needs a name.")
        self.controllers: dict[str, dict[str, Controller]] = {kind: {} for kind in KINDS}
        for attr in dir(type(self)):
            func = getattr(type(self), attr, None)
            spec = getattr(func, "_services_controller", None)
            if spec is None:
                continue
            kind, name = spec["kind"], spec["name"]
            if kind == "operation" and name not in OPERATIONS:
                raise ValueError(f"{type(self).__name__}.{attr}: unknown operation {name!r}.")
            reads_body = kind in ("action", "targeted_action") or name in ("create", "update")
            self.controllers[kind][name] = Controller(
                kind=kind,
                name=name,
                method=attr,
                args=spec["args"],
                access=spec["access"],
                reads_body=reads_body,
                extra=spec["extra"],
                versions=spec.get("versions", ()),
            )

    # Convenience views of the declaration, used by the admin and exports.
    @property
    def operations(self) -> dict[str, Controller]:
        return self.controllers["operation"]

    @property
    def actions(self) -> dict[str, Controller]:
        return self.controllers["action"]

    @property
    def targeted_actions(self) -> dict[str, Controller]:
        return self.controllers["targeted_action"]

    @property
    def relationships(self) -> dict[str, Controller]:
        return self.controllers["relationship"]

    def call(self, controller: Controller, request: Any, kwargs: dict[str, Any]) -> Any:
        return getattr(self, controller.method)(request, **kwargs)

    def max_body_bytes(self, controller: Controller) -> int:
        """Largest request body the controller accepts (413 above): ``MAX_BODY_BYTES`` unless
        a resource needs more (the file resource takes base64 uploads)."""
        from services_api.settings import services_settings

        return services_settings.MAX_BODY_BYTES

    def query_vocabulary(self) -> Any:
        """The ``entity_resources.grammar.Vocabulary`` of this resource's index query, if it
        takes the one query grammar (the browsable page's Filters form); ``None`` otherwise."""
        return None

    def check_access(self, controller: Controller, request: Any, kwargs: dict[str, Any]) -> bool:
        """Run the controller's access check: a callable ``(request, kwargs) -> bool`` or the
        name of a method of the resource with that signature."""
        check = controller.access or self.default_access
        if check is None:
            return True
        if isinstance(check, str):
            check = getattr(self, check)
        return bool(check(request, kwargs))


class ResourceRegistry:
    """Resources by name; ``register_resource`` adds to the default one."""

    def __init__(self) -> None:
        self._resources: dict[str, Resource] = {}
        self._providers: list[Callable[[], list[Resource]]] = []
        self._generated: dict[str, Resource] | None = None
        self._generated_key: Any = None

    def register(self, resource: type[Resource] | Resource) -> Any:
        instance = resource() if isinstance(resource, type) else resource
        if instance.name in self._resources:
            raise ValueError(f"A resource named {instance.name!r} is already registered.")
        self._resources[instance.name] = instance
        return resource

    def unregister(self, name: str) -> None:
        self._resources.pop(name, None)

    def add_provider(self, provider: Callable[[], list[Resource]], key: Callable[[], Any]) -> None:
        """Resources generated by a provider (entity resources); rebuilt when ``key()`` changes."""
        self._providers.append((provider, key))  # type: ignore[arg-type]
        self._generated = None

    def _generated_resources(self) -> dict[str, Resource]:
        key = tuple(k() for _, k in self._providers)  # type: ignore[misc]
        if self._generated is None or key != self._generated_key:
            generated: dict[str, Resource] = {}
            for provider, _ in self._providers:  # type: ignore[misc]
                for resource in provider():
                    generated[resource.name] = resource
            self._generated, self._generated_key = generated, key
        return self._generated

    def get(self, name: str) -> Resource | None:
        return self._resources.get(name) or self._generated_resources().get(name)

    def __iter__(self) -> Iterator[Resource]:
        merged = {**self._generated_resources(), **self._resources}
        return iter(sorted(merged.values(), key=lambda r: r.name))

    def names(self) -> list[str]:
        return [resource.name for resource in self]


registry = ResourceRegistry()


def register_resource(resource: type[Resource]) -> type[Resource]:
    """Register a resource class with the default registry (usable as a decorator)."""
    registry.register(resource)
    return resource


def autodiscover() -> None:
    """Import ``resources.py`` of every installed app (they register custom resources)."""
    autodiscover_modules("resources")


__all__ = [
    "Arg",
    "Controller",
    "Resource",
    "ResourceRegistry",
    "action",
    "operation",
    "parse_version",
    "register_resource",
    "registry",
    "relationship",
    "targeted_action",
]
