"""Tag rows are written by ``customers.services.customer_tags_sync``: drop the trigger, then resync the rows once."""

from django.db import migrations

FORWARD = [
    "DROP TRIGGER IF EXISTS customers_customer_tags_sync ON customers_customer",
    "DROP FUNCTION IF EXISTS customers_customer_tags_sync()",
    "DELETE FROM customers_customertag",
    """
    INSERT INTO customers_customertag (customer_id, tag)
    SELECT DISTINCT c.id, left(t, 64) FROM customers_customer c,
        jsonb_array_elements_text(CASE WHEN jsonb_typeof(c.tags) = 'array' THEN c.tags ELSE '[]'::jsonb END) AS t
    """,
]
BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION customers_customer_tags_sync() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.tags IS NOT DISTINCT FROM OLD.tags THEN
                RETURN NEW;
            END IF;
            DELETE FROM customers_customertag WHERE customer_id = NEW.id;
        END IF;
        INSERT INTO customers_customertag (customer_id, tag)
        SELECT DISTINCT NEW.id, left(t, 64)
        FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(NEW.tags) = 'array' THEN NEW.tags ELSE '[]'::jsonb END) AS t
        ON CONFLICT DO NOTHING;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER customers_customer_tags_sync AFTER INSERT OR UPDATE OF tags ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customers_customer_tags_sync()
    """,
]


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0009_merge_followups"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
