"""The articles' title grams: the characters and character pairs of the title alone, inline and indexed by GIN."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import knowledge.grams
from django.conf import settings
from django.db import migrations, models


# Kept inline like search_grams (0006): the search tests a title's grams several times per article, and each
# test of a value out of line would fetch it from the TOAST table again.
INLINE = """
ALTER TABLE knowledge_article ALTER COLUMN title_grams SET STORAGE MAIN;
UPDATE knowledge_article SET title_grams = DEFAULT;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0006_article_search_grams_inline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='title_grams',
            field=models.GeneratedField(db_persist=True, expression=knowledge.grams.Grams(models.F('title')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='article',
            index=django.contrib.postgres.indexes.GinIndex(fields=['title_grams'], name='article_title_grams'),
        ),
        # Last: the rewrite leaves deferred triggers pending, and no DDL may follow it in the transaction.
        migrations.RunSQL(INLINE, "ALTER TABLE knowledge_article ALTER COLUMN title_grams SET STORAGE EXTENDED;"),
    ]
