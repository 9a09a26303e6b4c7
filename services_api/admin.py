"""Django admin for endpoints: one page per endpoint, an inline row per registered resource,
checkboxes for everything that can be switched on (Drupal's Services UI)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from .constants import AUTH_METHODS, FORMATTER_CHOICES, OPERATIONS, PARSER_CHOICES
from .models import Endpoint, EndpointResource
from .resources import registry

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
