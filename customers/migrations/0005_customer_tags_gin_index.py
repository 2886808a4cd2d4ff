"""Index tags for containment queries (jsonb @>)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_import_fewer_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS customer_tags_gin_idx ON customers_customer USING gin (tags jsonb_path_ops)",
            "DROP INDEX IF EXISTS customer_tags_gin_idx",
        ),
    ]
