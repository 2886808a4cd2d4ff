"""Index tags for the tag filter on PostgreSQL (jsonb @>); other databases filter without it."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customer_tags_gin_idx ON customers_customer USING gin (tags jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_tags_gin_idx")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_import_fewer_indexes")]

    operations = [migrations.RunPython(create, drop)]
