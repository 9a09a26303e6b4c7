"""Django admin for endpoints: one page per endpoint, an inline row per registered resource,
checkboxes for everything that can be switched on (Drupal's Services UI)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from services_api.auth.tokens import assign_new_key, revoke_api_key, rotate_api_key
from services_api.constants import AUTH_METHODS, FORMATTER_CHOICES, OPERATIONS, PARSER_CHOICES
from services_api.models import ApiKey, BearerToken, Endpoint, EndpointResource
from services_api.resources import registry

KIND_FIELDS = {
    "operations": "operation",
    "actions": "action",
    "targeted_actions": "targeted_action",
    "relationships": "relationship",
}


def _checkboxes(choices, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class EndpointForm(forms.ModelForm):
    authentication = _checkboxes(AUTH_METHODS, "Authentication")
    formatters = _checkboxes(FORMATTER_CHOICES, "Response formatters")
    parsers = _checkboxes(PARSER_CHOICES, "Request parsers")

    class Meta:
        model = Endpoint
        exclude: list[str] = []


class EndpointResourceForm(forms.ModelForm):
    resource = forms.ChoiceField(choices=())
    operations = _checkboxes((), "Operations")
    actions = _checkboxes((), "Actions")
    targeted_actions = _checkboxes((), "Targeted actions")
    relationships = _checkboxes((), "Relationships")

    class Meta:
        model = EndpointResource
        fields = ["resource", "alias", "operations", "actions", "targeted_actions", "relationships"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        resources = list(registry)
        self.fields["resource"].choices = [(r.name, r.name) for r in resources]
        name = self.initial.get("resource") or self.data.get(self.add_prefix("resource"))
        chosen = registry.get(name) if name else None
        for field, kind in KIND_FIELDS.items():
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
        for field, kind in KIND_FIELDS.items():
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


class EndpointResourceInline(admin.StackedInline):
    model = EndpointResource
    form = EndpointResourceForm
    formset = EndpointResourceFormSet
    extra = 0


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    inlines = [EndpointResourceInline]
    list_display = ("name", "path", "enabled", "response_style", "resource_count")
    list_filter = ("enabled", "response_style")
    search_fields = ("name", "path")
    fieldsets = [
        (None, {"fields": ["name", "path", "enabled", "debug"]}),
        ("Authentication", {"fields": ["authentication", "allow_registration"]}),
        ("Formats", {"fields": ["formatters", "default_format", "parsers"]}),
        (
            "Responses",
            {
                "fields": [
                    "response_style",
                    "error_style",
                    "page_size",
                    "max_page_size",
                    "count_mode",
                    "plain_query_filters",
                ]
            },
        ),
    ]

    @admin.display(description="resources", ordering="_resources")
    def resource_count(self, obj: Endpoint) -> int:
        return obj._resources

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_resources=Count("resources"))


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
