"""Django admin for endpoints: one page per endpoint with a compact operation matrix (a row per
registered resource, checkboxes for everything that can be switched on, as Drupal's Services
UI), example requests, and export, import (with a dry-run diff) and clone."""

from __future__ import annotations

import difflib
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from services_api.auth.tokens import assign_new_key, revoke_api_key, rotate_api_key
from services_api.constants import (
    OPERATIONS,
    auth_method_choices,
    formatter_choices,
    parser_choices,
)
from services_api.endpoints.portable import (
    RESOURCE_KINDS,
    EndpointImportError,
    dump,
    export_endpoint,
    parse_configs,
    run_import,
)
from services_api.models import ApiKey, BearerToken, Endpoint, EndpointResource
from services_api.resources import registry


def _checkboxes(choices, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class EndpointForm(forms.ModelForm):
    authentication = _checkboxes(auth_method_choices, "Authentication")
    formatters = _checkboxes(formatter_choices, "Response formatters")
    default_format = forms.ChoiceField(
        choices=formatter_choices,
        help_text="What a request without a format suffix or a deciding Accept header gets.",
    )
    parsers = _checkboxes(parser_choices, "Request parsers")

    class Meta:
        model = Endpoint
        exclude: list[str] = []

    def clean_throttle_rates(self) -> dict:
        return self.cleaned_data.get("throttle_rates") or {}


class EndpointResourceForm(forms.ModelForm):
    resource = forms.ChoiceField(choices=())
    operations = _checkboxes((), "Operations")
    actions = _checkboxes((), "Actions")
    targeted_actions = _checkboxes((), "Targeted actions")
    relationships = _checkboxes((), "Relationships")

    class Meta:
        model = EndpointResource
        fields = [
            "resource",
            "alias",
            "operations",
            "actions",
            "targeted_actions",
            "relationships",
            "throttle_rates",
            "api_versions",
        ]
        widgets = {
            "alias": forms.TextInput(attrs={"size": 12}),
            "throttle_rates": forms.Textarea(attrs={"rows": 1, "cols": 22}),
        }

    def clean_throttle_rates(self) -> dict:
        return self.cleaned_data.get("throttle_rates") or {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        resources = list(registry)
        self.fields["resource"].choices = [(r.name, r.name) for r in resources]
        name = self.initial.get("resource") or self.data.get(self.add_prefix("resource"))
        chosen = registry.get(name) if name else None
        for field, kind in RESOURCE_KINDS.items():
            pool = [chosen] if chosen else resources
            names = sorted({n for r in pool for n in r.controllers[kind]})
            if kind == "operation":
                names = [op for op in OPERATIONS if op in names]
            self.fields[field].choices = [(n, n) for n in names]

    def clean(self):
        data = super().clean()
        resource = registry.get(data.get("resource", ""))
        if resource is None:
            return data
        for field, kind in RESOURCE_KINDS.items():
            unknown = sorted(set(data.get(field) or ()) - set(resource.controllers[kind]))
            if unknown:
                self.add_error(
                    field, f"{resource.name} has no {kind.replace('_', ' ')} {', '.join(unknown)}."
                )
        return data


class EndpointResourceFormSet(forms.BaseInlineFormSet):
    """Offers a row for every registered resource not yet on the endpoint."""

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        configured = set()
        if instance is not None and instance.pk:
            configured = set(instance.resources.values_list("resource", flat=True))
        missing = [name for name in registry.names() if name not in configured]
        kwargs.setdefault("initial", [{"resource": name} for name in missing])
        super().__init__(*args, **kwargs)
        self.extra = len(missing)


class EndpointResourceInline(admin.TabularInline):
    """The operation matrix: one compact row per resource, checkboxes per controller kind.

    ``matrix.js`` adds per-row "all"/"none" and collapse toggles and endpoint-wide
    "enable all"/"disable all" buttons; without JavaScript the plain table still works.
    """

    model = EndpointResource
    form = EndpointResourceForm
    formset = EndpointResourceFormSet
    extra = 0
    classes = ["services-matrix"]
    verbose_name = "resource"
    verbose_name_plural = "resources (operation matrix)"


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False, help_text="JSON or YAML from an export, or a Drupal 7 endpoint export."
    )
    text = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, widget=forms.HiddenInput)
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: check and show the changes, write nothing"
    )

    def content(self) -> tuple[str, str]:
        """``(text, file name)`` of the upload, or of the text carried from a dry run."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            try:
                return upload.read().decode("utf-8-sig"), upload.name
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if self.cleaned_data.get("text"):
            return self.cleaned_data["text"], self.cleaned_data.get("name") or ""
        raise forms.ValidationError("Choose a file to import.")


def _export_response(queryset, fmt: str) -> HttpResponse:
    endpoints = list(queryset.prefetch_related("resources").order_by("name"))
    data = [export_endpoint(e) for e in endpoints]
    text = dump(data[0] if len(data) == 1 else data, fmt)
    name = endpoints[0].name if len(endpoints) == 1 else "endpoints"
    content_type = "application/yaml" if fmt == "yaml" else "application/json"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _unique(model_field: str, base: str) -> str:
    taken = set(Endpoint.objects.values_list(model_field, flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    inlines = [EndpointResourceInline]
    list_display = ("name", "path", "enabled", "response_style", "resource_count")
    list_filter = ("enabled", "response_style")
    search_fields = ("name", "path")
    actions = ["export_json", "export_yaml", "clone_endpoints"]
    readonly_fields = ["try_it"]
    change_list_template = "admin/services_api/endpoint/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "path", "enabled", "debug"]}),
        ("Try it", {"fields": ["try_it"]}),
        ("Authentication", {"fields": ["authentication", "allow_registration"]}),
        ("Formats", {"fields": ["formatters", "default_format", "parsers"]}),
        ("Throttling", {"classes": ["collapse"], "fields": ["throttle_rates"]}),
        (
            "Responses",
            {
                "classes": ["collapse"],
                "fields": [
                    "response_style",
                    "error_style",
                    "page_size",
                    "max_page_size",
                    "count_mode",
                    "plain_query_filters",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["services_api/admin/matrix.css"]}
        js = ["services_api/admin/matrix.js"]

    @admin.display(description="resources", ordering="_resources")
    def resource_count(self, obj: Endpoint) -> int:
        return obj._resources

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_resources=Count("resources"))

    @admin.display(description="Example requests")
    def try_it(self, obj: Endpoint | None) -> str:
        """Links a person can open right away: the endpoint, an index and an item of each
        enabled resource, the CSRF token, and the endpoint's API documentation pages."""
        if obj is None or obj.pk is None:
            return "Save the endpoint to see example requests."
        root = "/" + obj.path if obj.path else ""
        links = [(f"{root or '/'}", "endpoint check")]
        for row in obj.resources.all().order_by("resource"):
            name = row.public_name
            if "index" in row.operations:
                links.append((f"{root}/{name}.json", f"{row.resource}: index"))
            if "retrieve" in row.operations:
                links.append((f"{root}/{name}/1.json", f"{row.resource}: retrieve item 1"))
        links.append(("/services/session/token", "CSRF token"))
        docs = [
            (f"{root}/openapi.json", "OpenAPI schema"),
            (f"{root}/docs", "Swagger UI"),
            (f"{root}/redoc", "Redoc"),
        ]
        items = format_html_join(
            "", '<li><a href="{0}" target="_blank"><code>{0}</code></a> {1}</li>', links
        )
        doc_links = format_html_join(" · ", '<a href="{0}" target="_blank">{1}</a>', docs)
        return format_html(
            '<div class="services-try-it"><ul>{}</ul><p>API documentation: {}</p></div>',
            items,
            doc_links,
        )

    # -- actions ---------------------------------------------------------------------------

    @admin.action(description="Export selected endpoints as JSON", permissions=["view"])
    def export_json(self, request, queryset) -> HttpResponse:
        return _export_response(queryset, "json")

    @admin.action(description="Export selected endpoints as YAML", permissions=["view"])
    def export_yaml(self, request, queryset) -> HttpResponse:
        return _export_response(queryset, "yaml")

    @admin.action(description="Clone selected endpoints (disabled copies)", permissions=["add"])
    def clone_endpoints(self, request, queryset) -> None:
        made = []
        with transaction.atomic():
            for endpoint in queryset.prefetch_related("resources"):
                rows = list(endpoint.resources.all())
                endpoint.pk = None
                endpoint._state.adding = True
                endpoint.name = _unique("name", f"{endpoint.name}_copy")
                endpoint.path = _unique("path", f"{endpoint.path or 'root'}-copy")
                endpoint.enabled = False
                endpoint.save()
                for row in rows:
                    row.pk = None
                    row._state.adding = True
                    row.endpoint = endpoint
                    row.save()
                made.append(endpoint.name)
        messages.success(
            request, f"Created {', '.join(made)} (disabled: check the path, then enable)."
        )

    # -- import view -----------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload an export; a dry run shows every problem at once or a diff per endpoint."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import endpoints",
        }
        bound = request.method == "POST"
        form = ImportForm(request.POST, request.FILES) if bound else ImportForm()
        if bound and form.is_valid():
            try:
                text, name = form.content()
            except forms.ValidationError as exc:
                form.add_error("file", exc)
            else:
                dry_run = form.cleaned_data["dry_run"]
                try:
                    context.update(self._run_import(text, name, dry_run))
                except EndpointImportError as exc:
                    context["problems"] = exc.errors
                else:
                    if not dry_run:
                        for line in context["summary"]:
                            messages.success(request, line)
                        info = self.opts.app_label, self.opts.model_name
                        return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
                    context["carry"] = ImportForm(
                        initial={"text": text, "name": name, "dry_run": False}
                    )
        context["form"] = form
        return TemplateResponse(request, "admin/services_api/endpoint/import.html", context)

    @staticmethod
    def _run_import(text: str, name: str, dry_run: bool) -> dict:
        configs, parse_notes, drupal = parse_configs(text, PurePath(name).suffix)
        before = {
            e.name: dump(export_endpoint(e), "yaml")
            for e in Endpoint.objects.prefetch_related("resources")
        }
        results = run_import(configs, skip_unknown_resources=drupal, dry_run=dry_run)
        changes, summary = [], []
        for result, notes in zip(results, parse_notes, strict=True):
            endpoint = result.endpoint
            after = export_endpoint(endpoint, result.rows)
            old = before.get(endpoint.name, "")
            diff = "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    dump(after, "yaml").splitlines(keepends=True),
                    fromfile=f"{endpoint.name} (now)",
                    tofile=f"{endpoint.name} (imported)",
                )
            )
            verb = "create" if result.created else "update"
            changes.append(
                {
                    "name": endpoint.name,
                    "verb": verb,
                    "diff": diff or "(no change)",
                    "notes": [*notes, *result.notes],
                }
            )
            done = "Would " + verb if dry_run else verb.capitalize() + "d"
            summary.append(f"{done} endpoint {endpoint.name!r} ({len(result.rows)} resources).")
        return {"changes": changes, "summary": summary, "dry_run": dry_run}


# --------------------------------------------------------------------------------------------
# API keys and bearer tokens: secrets are hashed at rest, a new key is shown once in a message.


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["user", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created", "last_used", "revoked")
    list_filter = ("revoked",)
    search_fields = ("prefix", "name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    fields = ("user", "name", "prefix", "created", "last_used", "revoked")
    readonly_fields = ("user", "prefix", "created", "last_used", "revoked")
    actions = ["revoke_keys", "rotate_keys"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_search_fields(self, request):
        user_model = ApiKey._meta.get_field("user").related_model
        return (*self.search_fields, f"user__{user_model.USERNAME_FIELD}")

    def save_model(self, request, obj, form, change) -> None:
        key = assign_new_key(obj) if not change else None
        super().save_model(request, obj, form, change)
        if key is not None:
            messages.success(
                request,
                f"The new API key for {obj.user} is {key} — copy it now: it will not be shown "
                "again.",
            )

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke_keys(self, request, queryset) -> None:
        keys = [k for k in queryset if not k.revoked]
        for api_key in keys:
            revoke_api_key(api_key)
        messages.success(request, f"Revoked {len(keys)} API key(s).")

    @admin.action(description="Rotate selected keys", permissions=["change"])
    def rotate_keys(self, request, queryset) -> None:
        skipped = []
        for api_key in queryset.select_related("user"):
            if api_key.revoked:
                skipped.append(api_key.prefix)
                continue
            old = api_key.prefix
            key = rotate_api_key(api_key)
            messages.success(
                request,
                f"New key for {api_key.user} (was {old}…): {key} — copy it now: it will not be "
                "shown again.",
            )
        if skipped:
            messages.warning(
                request, f"Revoked keys cannot be rotated: {', '.join(sorted(skipped))}."
            )


@admin.register(BearerToken)
class BearerTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created", "expires", "revoked")
    list_filter = ("revoked",)
    search_fields = ("prefix",)
    list_select_related = ("user",)
    fields = ("user", "prefix", "created", "expires", "revoked")
    readonly_fields = fields
    actions = ["revoke_tokens"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request, queryset) -> None:
        count = queryset.filter(revoked=False).update(revoked=True)
        messages.success(request, f"Revoked {count} bearer token(s).")


from services_api.models import SystemVariable  # noqa: E402  (appended section: system/*_variable)


@admin.register(SystemVariable)
class SystemVariableAdmin(admin.ModelAdmin):
    """Drupal's ``variable`` table, read and written by the ``system`` resource."""

    list_display = ("name", "value")
    search_fields = ("name",)
    ordering = ("name",)
