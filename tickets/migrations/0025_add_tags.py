"""Tags (标签) on tickets, and two ticket event kinds for them."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0024_service_phrase_kinds_and_hits_per_message'),
    ]

    operations = [
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=32, unique=True, verbose_name='name')),
                ('colour', models.CharField(blank=True, help_text='Optional, as #rrggbb; the badge is grey without one.', max_length=7, validators=[django.core.validators.RegexValidator('^#[0-9a-fA-F]{6}$', 'A colour like #d9480f.')], verbose_name='colour')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'tag',
                'verbose_name_plural': 'tags',
                'ordering': ['name'],
            },
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Created'), ('status', 'Status changed'), ('assigned', 'Assigned'), ('priority', 'Priority changed'), ('category', 'Category changed'), ('team', 'Transferred'), ('escalated', 'Escalated'), ('replied', 'Replied'), ('note', 'Internal note'), ('sla_warning', 'SLA warning'), ('sla_breach', 'SLA breached'), ('sla_paused', 'SLA paused'), ('sla_resumed', 'SLA resumed'), ('sla_extended', 'SLA extended'), ('sla_recomputed', 'SLA deadline recomputed'), ('subject', 'Subject changed'), ('task', 'Internal task'), ('task_done', 'Internal task done'), ('remedy', 'Remedy proposed'), ('remedy_approved', 'Remedy approved'), ('remedy_rejected', 'Remedy rejected'), ('remedy_agreed', 'Customer agreed to the remedy'), ('remedy_done', 'Remedy carried out'), ('attachment', 'Attachment added'), ('merged', 'Merged'), ('email_failed', 'E-mail not delivered'), ('email_resent', 'E-mail sent again'), ('step_done', 'Complaint step completed'), ('step_warning', 'Complaint step due soon'), ('step_breach', 'Complaint step overdue'), ('step_recomputed', 'Step deadline recomputed'), ('tracker_sent', 'Tracking link sent'), ('tagged', 'Tag added'), ('untagged', 'Tag removed')], max_length=20, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='tickets', to='tickets.tag', verbose_name='tags'),
        ),
    ]
