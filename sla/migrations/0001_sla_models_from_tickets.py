"""Give the SLA models (policies, per-ticket state and timers, notifications) to the sla app; their tables stay."""

import django.core.validators
import django.db.models.deletion
import sla.models
from django.conf import settings
from django.db import migrations, models

from helpdesk.content_types import content_types_move

MODELS = ['slapolicy', 'ticketsla', 'ticketslatimer', 'notification']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="tickets", to_label="sla",
                       using=schema_editor.connection.alias)


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="sla", to_label="tickets",
                       using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0011_merge_parallel_work"),
        ("helpdesk", "0009_merge_followups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SLAPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('position', models.PositiveSmallIntegerField(default=100, help_text='The first matching policy applies.', verbose_name='order')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('kind', models.CharField(blank=True, help_text='Blank matches any.', max_length=16, verbose_name='kind')),
                        ('channel', models.CharField(blank=True, help_text='Blank matches any.', max_length=16, verbose_name='channel')),
                        ('priority', models.CharField(blank=True, help_text='Blank matches any.', max_length=8, verbose_name='priority')),
                        ('customer_level', models.CharField(blank=True, max_length=16, verbose_name='customer level')),
                        ('customer_tag', models.CharField(blank=True, max_length=32, verbose_name='customer tag')),
                        ('first_response_value', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='first response (首次响应)')),
                        ('first_response_unit', models.CharField(choices=[('business_minutes', 'business minutes'), ('business_hours', 'business hours'), ('business_days', 'business days'), ('calendar_minutes', 'calendar minutes'), ('calendar_hours', 'calendar hours')], default='business_hours', max_length=20, verbose_name='unit')),
                        ('next_response_value', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='next response')),
                        ('next_response_unit', models.CharField(choices=[('business_minutes', 'business minutes'), ('business_hours', 'business hours'), ('business_days', 'business days'), ('calendar_minutes', 'calendar minutes'), ('calendar_hours', 'calendar hours')], default='business_hours', max_length=20, verbose_name='unit')),
                        ('resolution_value', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='resolution (问题解决)')),
                        ('resolution_unit', models.CharField(choices=[('business_minutes', 'business minutes'), ('business_hours', 'business hours'), ('business_days', 'business days'), ('calendar_minutes', 'calendar minutes'), ('calendar_hours', 'calendar hours')], default='business_days', max_length=20, verbose_name='unit')),
                        ('pause_statuses', models.JSONField(blank=True, default=sla.models.default_pause_statuses, verbose_name='statuses that pause the clock')),
                        ('warning_percent', models.PositiveSmallIntegerField(default=80, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name='warning threshold, percent elapsed')),
                        ('notify_assignee', models.BooleanField(default=True, verbose_name='on breach: notify the assignee')),
                        ('notify_supervisor', models.BooleanField(default=True, verbose_name='on breach: notify the team supervisor')),
                        ('raise_priority', models.BooleanField(default=False, verbose_name='on breach: raise the priority')),
                        ('move_to_supervisor', models.BooleanField(default=False, verbose_name="on breach: move to the supervisor's queue")),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('calendar', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='helpdesk.businesscalendar', verbose_name='business calendar')),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='tickets.category', verbose_name='category')),
                    ],
                    options={
                        'verbose_name': 'SLA policy',
                        'verbose_name_plural': 'SLA policies',
                        'db_table': 'tickets_slapolicy',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TicketSLA',
                    fields=[
                        ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='sla', serialize=False, to='tickets.ticket', verbose_name='ticket')),
                        ('is_held', models.BooleanField(default=False, verbose_name='paused by a supervisor')),
                        ('held_reason', models.CharField(blank=True, max_length=255, verbose_name='reason')),
                        ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='sla.slapolicy', verbose_name='SLA policy')),
                    ],
                    options={
                        'verbose_name': 'ticket SLA',
                        'verbose_name_plural': 'ticket SLAs',
                        'db_table': 'tickets_ticketsla',
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('sla_warning', 'SLA warning'), ('sla_breach', 'SLA breached')], max_length=16, verbose_name='kind')),
                        ('text', models.CharField(max_length=255, verbose_name='text')),
                        ('dedupe_key', models.CharField(blank=True, editable=False, max_length=96, null=True, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'tickets_notification',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['recipient', 'read_at', '-created_at'], name='notification_inbox_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='TicketSLATimer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('target', models.CharField(choices=[('first_response', 'First response'), ('next_response', 'Next response'), ('resolution', 'Resolution')], max_length=16, verbose_name='target')),
                        ('cycle', models.PositiveIntegerField(default=1, help_text='Next response: one per customer message waiting.', verbose_name='cycle')),
                        ('started_at', models.DateTimeField(verbose_name='started at')),
                        ('due_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='due at')),
                        ('warning_at', models.DateTimeField(blank=True, null=True, verbose_name='warning at')),
                        ('next_check_at', models.DateTimeField(blank=True, null=True, verbose_name='next check at')),
                        ('warned_at', models.DateTimeField(blank=True, null=True, verbose_name='warned at')),
                        ('breached_at', models.DateTimeField(blank=True, null=True, verbose_name='breached at')),
                        ('first_breached_at', models.DateTimeField(blank=True, help_text='Kept when an extension moves a breached deadline into the future: the breach still counts.', null=True, verbose_name='first breached at')),
                        ('met_at', models.DateTimeField(blank=True, null=True, verbose_name='met at')),
                        ('paused_at', models.DateTimeField(blank=True, null=True, verbose_name='paused at')),
                        ('paused_minutes', models.FloatField(default=0, help_text="In the target's unit measure.", verbose_name='paused minutes')),
                        ('extended_minutes', models.FloatField(default=0, verbose_name='extended minutes')),
                        ('is_excused', models.BooleanField(default=False, verbose_name='excused (force majeure)')),
                        ('problem', models.CharField(blank=True, max_length=255, verbose_name='problem')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sla_timers', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'SLA timer',
                        'verbose_name_plural': 'SLA timers',
                        'db_table': 'tickets_ticketslatimer',
                        'ordering': ['ticket', 'target'],
                        'permissions': [('view_at_risk', 'Can see the at-risk list of their teams'), ('extend_sla', 'Can extend or pause SLA deadlines for force majeure')],
                        'indexes': [models.Index(condition=models.Q(('next_check_at__isnull', False)), fields=['next_check_at'], name='slatimer_next_check_idx')],
                        'constraints': [models.UniqueConstraint(fields=('ticket', 'target'), name='ticketslatimer_unique_target')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
