"""The articles' stored search grams: every character and character pair of title and body, indexed by GIN."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import knowledge.grams
from django.db import migrations, models

# knowledge_grams: the distinct characters and character pairs of the upper-cased text.
# knowledge_grams_query: the tsquery that all of them are present ('A' & 'AB' & 'B'), quotes and backslashes doubled.
# Both immutable: a generated column may use the first, and the planner works both out once for a constant text.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION knowledge_grams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper_doc, i, width)), '{}')
    FROM (SELECT upper(doc) AS upper_doc) AS upper_text,
         generate_series(1, char_length(upper_doc)) AS i, (VALUES (1), (2)) AS widths (width)
    WHERE i + width - 1 <= char_length(upper_doc)
$$;
CREATE OR REPLACE FUNCTION knowledge_grams_query(doc text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg('''' || replace(replace(gram, '\', '\\'), '''', '''''') || '''', ' & '), '')::tsquery
    FROM unnest(knowledge_grams(doc)) AS gram
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0004_add_training'),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, "DROP FUNCTION knowledge_grams_query(text); DROP FUNCTION knowledge_grams(text);"),
        # A stored generated column: adding it fills it for every existing article.
        migrations.AddField(
            model_name='article',
            name='search_grams',
            field=models.GeneratedField(db_persist=True, expression=knowledge.grams.Grams(models.F('title'), models.Value('\n'), models.F('body')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='article',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_grams'], name='article_search_grams'),
        ),
    ]
