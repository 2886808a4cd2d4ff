"""Drop the LIKE-pattern indexes Django adds beside the order number and tracking number.

Orders are only ever looked up by exact number or tracking number, which the plain unique and
btree indexes answer; each extra index cost every imported and upserted order a write.
"""

from django.db import migrations


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order' "
                       "AND indexdef LIKE '%%varchar_pattern_ops%%'")
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_order_customer_single_index")]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
