from django.db import migrations

from project.demo.migrations._endpoints import apply_endpoints


class Migration(migrations.Migration):
    dependencies = [("demo", "0012_course_credit_awarded")]

    operations = [migrations.RunPython(apply_endpoints, migrations.RunPython.noop)]
