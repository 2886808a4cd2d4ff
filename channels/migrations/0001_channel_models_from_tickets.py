"""Give the models of the non-chat channels (routing rules, mailboxes, e-mails, calls) to channels; tables stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from helpdesk.content_types import content_types_move

MODELS = ['routingrule', 'mailbox', 'ticketemail', 'phonecall']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="tickets", to_label="channels",
                       using=schema_editor.connection.alias)


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="channels", to_label="tickets",
                       using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0013_chat_models_to_chat"),
        ("helpdesk", "0010_resync_role_groups_sla"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Mailbox',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, verbose_name='name')),
                        ('address', models.EmailField(help_text='Replies and confirmations are sent from it.', max_length=254, unique=True, verbose_name='address')),
                        ('imap_host', models.CharField(blank=True, help_text='Empty: receive only by the inbound API.', max_length=255, verbose_name='IMAP host')),
                        ('imap_port', models.PositiveIntegerField(default=993, verbose_name='IMAP port')),
                        ('imap_use_ssl', models.BooleanField(default=True, verbose_name='IMAP over SSL')),
                        ('imap_username', models.CharField(blank=True, max_length=255, verbose_name='IMAP user')),
                        ('imap_password', models.CharField(blank=True, max_length=255, verbose_name='IMAP password')),
                        ('imap_folder', models.CharField(default='INBOX', max_length=100, verbose_name='IMAP folder')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('last_polled_at', models.DateTimeField(blank=True, null=True, verbose_name='last polled at')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                    ],
                    options={
                        'verbose_name': 'mailbox',
                        'verbose_name_plural': 'mailboxes',
                        'db_table': 'tickets_mailbox',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='RoutingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(default=100, verbose_name='order')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('channel', models.CharField(blank=True, max_length=16, verbose_name='channel')),
                        ('kind', models.CharField(blank=True, max_length=16, verbose_name='kind')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('category', models.ForeignKey(blank=True, help_text='Also matches its sub-categories.', null=True, on_delete=django.db.models.deletion.CASCADE, to='tickets.category', verbose_name='category')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.team', verbose_name='team')),
                    ],
                    options={
                        'verbose_name': 'routing rule',
                        'verbose_name_plural': 'routing rules',
                        'db_table': 'tickets_routingrule',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PhoneCall',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('in', 'Incoming'), ('out', 'Outgoing')], max_length=4, verbose_name='direction')),
                        ('number', models.CharField(max_length=32, verbose_name='phone number')),
                        ('normalized_number', models.CharField(db_index=True, max_length=32, verbose_name='normalized number')),
                        ('wait_seconds', models.PositiveIntegerField(default=0, verbose_name='wait (seconds)')),
                        ('talk_seconds', models.PositiveIntegerField(default=0, verbose_name='talk (seconds)')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('agent', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='agent')),
                        ('message', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='call', to='tickets.ticketmessage', verbose_name='message')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calls', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'phone call',
                        'verbose_name_plural': 'phone calls',
                        'db_table': 'tickets_phonecall',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['ticket', 'created_at'], name='phonecall_ticket_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='TicketEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('in', 'Inbound'), ('out', 'Outbound')], max_length=4, verbose_name='direction')),
                        ('purpose', models.CharField(choices=[('customer', 'Customer mail'), ('reply', 'Agent reply'), ('confirmation', 'Confirmation')], max_length=16, verbose_name='purpose')),
                        ('status', models.CharField(choices=[('received', 'Received'), ('dropped', 'Dropped'), ('queued', 'Queued'), ('sent', 'Sent'), ('failed', 'Failed')], max_length=12, verbose_name='status')),
                        ('message_id', models.CharField(max_length=998, unique=True, verbose_name='Message-ID')),
                        ('in_reply_to', models.CharField(blank=True, max_length=998, verbose_name='In-Reply-To')),
                        ('references', models.TextField(blank=True, verbose_name='References')),
                        ('from_address', models.CharField(blank=True, max_length=320, verbose_name='from')),
                        ('to_address', models.CharField(blank=True, max_length=320, verbose_name='to')),
                        ('subject', models.CharField(blank=True, max_length=255, verbose_name='subject')),
                        ('note', models.CharField(blank=True, help_text='Why it was dropped, or the send error.', max_length=255, verbose_name='note')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='send attempts')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('mailbox', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='channels.mailbox', verbose_name='mailbox')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='tickets.ticket', verbose_name='ticket')),
                        ('ticket_message', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='email', to='tickets.ticketmessage', verbose_name='message')),
                    ],
                    options={
                        'verbose_name': 'ticket e-mail',
                        'verbose_name_plural': 'ticket e-mails',
                        'db_table': 'tickets_ticketemail',
                        'ordering': ['-created_at', '-id'],
                        'permissions': [('receive_email', 'Can deliver inbound e-mail')],
                        'indexes': [models.Index(fields=['ticket', 'created_at'], name='ticketemail_ticket_idx'), models.Index(fields=['status', '-created_at'], name='ticketemail_status_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
