from django.db import migrations


def apply_endpoints(apps, schema_editor):
    """Enable the definition resource on the demo api endpoint."""
    from project.demo.endpoints import apply_demo_endpoints

    apply_demo_endpoints(
        apps.get_model("services_api", "Endpoint"),
        apps.get_model("services_api", "EndpointResource"),
    )


class Migration(migrations.Migration):
    dependencies = [("demo", "0012_course_credit_awarded")]

    operations = [migrations.RunPython(apply_endpoints, migrations.RunPython.noop)]
