"""Follow-up visits, surveys and customer messages belong to this app; their tables stay where they are.

The models leave the customers app's state (customers 0013) and enter this one's without a table being
touched (``db_table`` names the existing ``customers_…`` tables). Their content types move with them, so
the permissions and every group or user holding them stay as they are; the role groups are then synced
with the permission names of today.
"""

import datetime
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from helpdesk.roles import role_groups_sync

MODELS = ["followupsettings", "followuprule", "followupvisit", "followupevent", "surveyquestion", "survey",
          "surveyresponse", "customermessage"]


def _content_types_move(apps, schema_editor, source: str, target: str) -> None:
    """Give the moved models' content types (and so their permissions) to the target app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    for model in MODELS:
        if not types.filter(app_label=source, model=model).exists():
            continue  # a database that never had the model's content type: Django creates it after migrating
        # A content type already under the target label can only be an empty one created out of turn; the
        # source's one carries the permissions that groups and users hold.
        types.filter(app_label=target, model=model).delete()
        types.filter(app_label=source, model=model).update(app_label=target)
    ContentType.objects.clear_cache()


def content_types_to_followups(apps, schema_editor):
    _content_types_move(apps, schema_editor, "customers", "followups")


def content_types_to_customers(apps, schema_editor):
    _content_types_move(apps, schema_editor, "followups", "customers")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('customers', '0013_move_followup_models_to_followups'),
        ('helpdesk', '0009_merge_followups'),
        ('orders', '0007_status_change_order_single_index'),
        ('tickets', '0011_merge_parallel_work'),
        # Its role sync creates content types from the migration state: after tickets has let go of every moved model.
        ('tickets', '0014_channel_models_to_channels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FollowUpSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('min_days_between_visits', models.PositiveSmallIntegerField(default=7, help_text='Across all rules; a visit due sooner after another one is skipped and the skip recorded.', validators=[django.core.validators.MaxValueValidator(365)], verbose_name='do not visit a customer twice within (days)')),
                        ('max_attempts', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='call attempts before giving up')),
                        ('retry_after_hours', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(168)], verbose_name='call again after no answer (hours)')),
                        ('lookback_days', models.PositiveSmallIntegerField(default=30, help_text='The sweeper creates visits for sources that became due within this many days (after downtime too).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(366)], verbose_name='catch up sources due within (days)')),
                        ('survey_expiry_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='survey link valid for (days)')),
                        ('low_score_threshold', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MaxValueValidator(5)], verbose_name='low overall score (opens a ticket) at or below')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ],
                    options={
                        'verbose_name': 'follow-up settings',
                        'verbose_name_plural': 'follow-up settings',
                        'db_table': 'customers_followupsettings',
                    },
                ),
                migrations.CreateModel(
                    name='SurveyQuestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=32, unique=True, verbose_name='code')),
                        ('text_zh', models.CharField(max_length=200, verbose_name='question (Chinese)')),
                        ('text_en', models.CharField(max_length=200, verbose_name='question (English)')),
                        ('weight', models.DecimalField(decimal_places=2, default=1, max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='weight')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'verbose_name': 'survey question',
                        'verbose_name_plural': 'survey questions',
                        'db_table': 'customers_surveyquestion',
                        'ordering': ['position', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='FollowUpRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=48, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('trigger', models.CharField(choices=[('order_delivered', 'Order delivered'), ('return_closed', 'Return closed'), ('exchange_closed', 'Exchange closed'), ('complaint_resolved', 'Complaint resolved'), ('ticket_resolved', 'Ticket resolved'), ('monthly', 'Monthly, for a customer segment'), ('birthday', 'Birthday'), ('holiday', 'Statutory holiday greeting')], max_length=24, verbose_name='trigger')),
                        ('delay_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MaxValueValidator(366)], verbose_name='delay (days)')),
                        ('delay_unit', models.CharField(choices=[('calendar_days', 'calendar days'), ('business_days', 'business days')], default='calendar_days', max_length=16, verbose_name='delay unit')),
                        ('kind', models.CharField(choices=[('call', 'Call task with a script'), ('survey', 'Satisfaction survey message'), ('greeting', 'Greeting message')], default='call', max_length=16, verbose_name='kind of visit')),
                        ('channel', models.CharField(choices=[('phone', 'Phone'), ('sms', 'SMS'), ('email', 'E-mail'), ('chat', 'Chat')], default='phone', max_length=8, verbose_name='channel')),
                        ('owner', models.CharField(choices=[('handler', 'The original handler'), ('team', "The team's queue"), ('round_robin', 'Round-robin in the team')], default='handler', max_length=16, verbose_name='owner')),
                        ('segment_level', models.CharField(blank=True, help_text='Monthly, birthday and holiday rules: only customers of this level.', max_length=16, verbose_name='customer level')),
                        ('segment_tag', models.CharField(blank=True, help_text='Monthly, birthday and holiday rules: only customers with this tag.', max_length=32, verbose_name='customer tag')),
                        ('script', models.TextField(blank=True, verbose_name='call script')),
                        ('message', models.TextField(blank=True, help_text='Survey and greeting messages. Placeholders: {customer_name}, {survey_url}.', verbose_name='message text')),
                        ('quiet_start', models.TimeField(default=datetime.time(21, 0), verbose_name='quiet hours from')),
                        ('quiet_end', models.TimeField(default=datetime.time(9, 0), verbose_name='quiet hours until')),
                        ('is_holiday_quiet', models.BooleanField(default=True, verbose_name='no calls on statutory holidays')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('rr_position', models.PositiveIntegerField(default=0, editable=False, verbose_name='round-robin position')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('calendar', models.ForeignKey(blank=True, help_text='Business days and statutory holidays; the China back-office calendar when empty.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='helpdesk.businesscalendar', verbose_name='business calendar')),
                        ('team', models.ForeignKey(blank=True, help_text='Team of the visits; also the fallback when the source has no handler.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='helpdesk.team', verbose_name='team')),
                    ],
                    options={
                        'verbose_name': 'follow-up rule',
                        'verbose_name_plural': 'follow-up rules',
                        'db_table': 'customers_followuprule',
                        'ordering': ['trigger', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='FollowUpVisit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source_type', models.CharField(choices=[('order', 'Order'), ('return', 'Return or exchange'), ('ticket', 'Ticket'), ('customer', 'Customer')], max_length=16, verbose_name='source type')),
                        ('source_id', models.BigIntegerField(verbose_name='source id')),
                        ('period', models.CharField(blank=True, default='', max_length=16, verbose_name='period')),
                        ('kind', models.CharField(choices=[('call', 'Call task with a script'), ('survey', 'Satisfaction survey message'), ('greeting', 'Greeting message')], max_length=16, verbose_name='kind of visit')),
                        ('channel', models.CharField(choices=[('phone', 'Phone'), ('sms', 'SMS'), ('email', 'E-mail'), ('chat', 'Chat')], max_length=8, verbose_name='channel')),
                        ('status', models.CharField(choices=[('pending', 'To do'), ('done', 'Done'), ('skipped', 'Skipped'), ('cancelled', 'Cancelled')], default='pending', max_length=16, verbose_name='status')),
                        ('skip_reason', models.CharField(blank=True, choices=[('no_consent', 'No consent'), ('recent_visit', 'Visited recently'), ('no_contact', 'No phone or e-mail')], max_length=16, verbose_name='skip reason')),
                        ('due_at', models.DateTimeField(verbose_name='due at')),
                        ('script', models.TextField(blank=True, verbose_name='call script')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('outcome', models.CharField(blank=True, choices=[('reached', 'Reached'), ('no_answer', 'No answer'), ('wrong_number', 'Wrong number'), ('refused', 'Refused'), ('sent', 'Message sent'), ('failed', 'Message failed')], max_length=16, verbose_name='outcome')),
                        ('satisfaction', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='satisfaction (1–5)')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('assignee', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='followup_visits', to=settings.AUTH_USER_MODEL, verbose_name='assignee')),
                        ('completed_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by')),
                        ('created_ticket', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='ticket opened from the visit')),
                        ('customer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='followup_visits', to='customers.customer', verbose_name='customer')),
                        ('handler', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='original handler')),
                        ('order', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.order', verbose_name='order')),
                        ('return_request', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.returnrequest', verbose_name='return request')),
                        ('rule', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='followups.followuprule', verbose_name='rule')),
                        ('team', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.team', verbose_name='team')),
                        ('ticket', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'follow-up visit',
                        'verbose_name_plural': 'follow-up visits',
                        'db_table': 'customers_followupvisit',
                        'ordering': ['due_at', 'id'],
                        'permissions': [('view_followup_report', 'Can see follow-up completion per agent')],
                    },
                ),
                migrations.CreateModel(
                    name='FollowUpEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('no_answer', 'No answer, call again'), ('completed', 'Completed'), ('rescheduled', 'Rescheduled'), ('ticket', 'Ticket opened from the visit'), ('sent', 'Message sent'), ('claimed', 'Taken from the team queue')], max_length=24, verbose_name='kind')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('actor', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                        ('visit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='followups.followupvisit', verbose_name='visit')),
                    ],
                    options={
                        'verbose_name': 'follow-up event',
                        'verbose_name_plural': 'follow-up events',
                        'db_table': 'customers_followupevent',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CustomerMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('sms', 'SMS'), ('email', 'E-mail')], max_length=8, verbose_name='channel')),
                        ('recipient', models.CharField(max_length=254, verbose_name='recipient')),
                        ('subject', models.CharField(blank=True, max_length=200, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='text')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='status')),
                        ('backend', models.CharField(blank=True, max_length=200, verbose_name='backend')),
                        ('provider_id', models.CharField(blank=True, max_length=100, verbose_name='provider message id')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('customer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='messages_sent', to='customers.customer', verbose_name='customer')),
                        ('visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='followups.followupvisit', verbose_name='visit')),
                    ],
                    options={
                        'verbose_name': 'message to a customer',
                        'verbose_name_plural': 'messages to customers',
                        'db_table': 'customers_customermessage',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(default='zh-hans', max_length=8, verbose_name='language')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                        ('agent', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handling agent')),
                        ('customer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='surveys', to='customers.customer', verbose_name='customer')),
                        ('order', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.order', verbose_name='order')),
                        ('return_request', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.returnrequest', verbose_name='return request')),
                        ('team', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.team', verbose_name='team')),
                        ('ticket', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='ticket')),
                        ('visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='surveys', to='followups.followupvisit', verbose_name='visit')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey',
                        'verbose_name_plural': 'satisfaction surveys',
                        'db_table': 'customers_survey',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('overall', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='overall satisfaction (1–5)')),
                        ('answers', models.JSONField(blank=True, default=dict, verbose_name='dimension scores')),
                        ('score', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='weighted score (1–5)')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('is_low', models.BooleanField(default=False, verbose_name='low score')),
                        ('submitted_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='submitted at')),
                        ('agent', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to=settings.AUTH_USER_MODEL, verbose_name='handling agent')),
                        ('customer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='customers.customer', verbose_name='customer')),
                        ('low_score_ticket', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket', verbose_name='ticket opened for the low score')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to='orders.order', verbose_name='order')),
                        ('return_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to='orders.returnrequest', verbose_name='return request')),
                        ('survey', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='response', to='followups.survey', verbose_name='survey')),
                        ('team', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.team', verbose_name='team')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'survey response',
                        'verbose_name_plural': 'survey responses',
                        'db_table': 'customers_surveyresponse',
                        'ordering': ['-submitted_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='followupvisit',
                    index=models.Index(fields=['assignee', 'status', 'due_at'], name='followupvisit_assignee_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='followupvisit',
                    index=models.Index(fields=['team', 'status', 'due_at'], name='followupvisit_team_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='followupvisit',
                    index=models.Index(fields=['status', 'kind', 'due_at'], name='followupvisit_status_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='followupvisit',
                    index=models.Index(fields=['customer', '-due_at'], name='followupvisit_customer_idx'),
                ),
                migrations.AddConstraint(
                    model_name='followupvisit',
                    constraint=models.UniqueConstraint(fields=('rule', 'source_type', 'source_id', 'period'), name='followupvisit_once_per_source'),
                ),
                migrations.AddConstraint(
                    model_name='followupvisit',
                    constraint=models.CheckConstraint(condition=models.Q(('satisfaction__isnull', True), ('satisfaction__range', (1, 5)), _connector='OR'), name='followupvisit_satisfaction_range'),
                ),
                migrations.AddIndex(
                    model_name='customermessage',
                    index=models.Index(fields=['customer', '-created_at'], name='customermessage_customer_idx'),
                ),
                migrations.AddIndex(
                    model_name='customermessage',
                    index=models.Index(condition=models.Q(('status', 'queued')), fields=['created_at'], name='customermessage_queued_idx'),
                ),
                migrations.AddIndex(
                    model_name='survey',
                    index=models.Index(fields=['customer', '-created_at'], name='survey_customer_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['agent', '-submitted_at'], name='surveyresponse_agent_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['team', '-submitted_at'], name='surveyresponse_team_idx'),
                ),
                migrations.AddIndex(
                    model_name='surveyresponse',
                    index=models.Index(fields=['customer', '-submitted_at'], name='surveyresponse_customer_idx'),
                ),
                migrations.AddConstraint(
                    model_name='surveyresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('overall__range', (1, 5))), name='surveyresponse_overall_range'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_followups, content_types_to_customers),
        # The role groups get the follow-up permissions by their new names (a fresh database too).
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
