"""Create the demo's Services endpoints so a freshly migrated demo answers at /api."""

from django.db import migrations


def create_endpoints(apps, schema_editor):
    from project.demo.endpoints import apply_demo_endpoints

    apply_demo_endpoints(
        apps.get_model("services_api", "Endpoint"),
        apps.get_model("services_api", "EndpointResource"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0001_initial"),
        ("services_api", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_endpoints, migrations.RunPython.noop)]
