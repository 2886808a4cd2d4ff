"""The articles' search grams kept inline in the row (compressed), so the search reads them without TOAST look-ups."""

from django.db import migrations

# Out of line, every test of a gram fetched the grams from the TOAST table again; a search tests several per
# article. Rewriting the generated column moves the existing rows' grams inline.
FORWARD = """
ALTER TABLE knowledge_article ALTER COLUMN search_grams SET STORAGE MAIN;
UPDATE knowledge_article SET search_grams = DEFAULT;
"""
BACKWARD = "ALTER TABLE knowledge_article ALTER COLUMN search_grams SET STORAGE EXTENDED;"


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0005_article_search_grams'),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
