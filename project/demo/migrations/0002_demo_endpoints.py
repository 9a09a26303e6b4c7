"""Create the demo's Services endpoints so a freshly migrated demo answers at /api."""

from django.db import migrations

from project.demo.migrations._endpoints import apply_endpoints


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0001_initial"),
        ("services_api", "0001_initial"),
    ]

    operations = [migrations.RunPython(apply_endpoints, migrations.RunPython.noop)]
