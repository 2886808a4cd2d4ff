"""The daily rollups' first response counts by group (a doubling each), kept by PostgreSQL from the histogram."""

import django.contrib.postgres.fields
import kpi.aggregates
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpi', '0016_fill_daily_rollups'),
    ]

    operations = [
        migrations.AddField(
            model_name='factday',
            name='frt_groups',
            field=models.GeneratedField(db_persist=True, expression=kpi.aggregates.HistogramGroups(models.F('frt_histogram')), output_field=django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField())),
        ),
    ]
