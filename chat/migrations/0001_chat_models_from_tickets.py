"""Give the live chat models (widgets, sessions, messages, events, presence) to the chat app; their tables stay."""

import chat.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from helpdesk.content_types import content_types_move

MODELS = ['chatwidget', 'chatsession', 'chatmessage', 'chatevent', 'agentpresence']


def move_content_types(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="tickets", to_label="chat",
                       using=schema_editor.connection.alias)


def move_content_types_back(apps, schema_editor):
    content_types_move(apps, models=MODELS, from_label="chat", to_label="tickets",
                       using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0012_sla_models_to_sla"),
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
                    name='ChatSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=chat.models._new_token, editable=False, max_length=64, unique=True, verbose_name='visitor token')),
                        ('visitor_name', models.CharField(blank=True, max_length=64, verbose_name='visitor name')),
                        ('visitor_phone', models.CharField(blank=True, max_length=32, verbose_name='visitor phone')),
                        ('is_flagged', models.BooleanField(default=False, help_text='The customer token did not verify; the chat runs as anonymous.', verbose_name='flagged')),
                        ('status', models.CharField(choices=[('waiting', 'Waiting'), ('active', 'In conversation'), ('ended', 'Ended')], default='waiting', max_length=8, verbose_name='status')),
                        ('last_seq', models.PositiveIntegerField(default=0, verbose_name='last message number')),
                        ('customer_read_seq', models.PositiveIntegerField(default=0, verbose_name='read by the customer up to')),
                        ('agent_read_seq', models.PositiveIntegerField(default=0, verbose_name='read by the agent up to')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('waiting_since', models.DateTimeField(blank=True, null=True, verbose_name='waiting since')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                        ('first_response_at', models.DateTimeField(blank=True, null=True, verbose_name='first response at')),
                        ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended at')),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='chat_sessions', to=settings.AUTH_USER_MODEL, verbose_name='agent')),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='chat_sessions', to='customers.customer', verbose_name='customer')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chat_sessions', to='helpdesk.team', verbose_name='team')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='chat_sessions', to='tickets.ticket', verbose_name='ticket')),
                    ],
                    options={
                        'verbose_name': 'chat session',
                        'verbose_name_plural': 'chat sessions',
                        'db_table': 'tickets_chatsession',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ChatMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField(verbose_name='number')),
                        ('sender', models.CharField(choices=[('customer', 'Customer'), ('agent', 'Agent'), ('system', 'System')], max_length=8, verbose_name='sender')),
                        ('body', models.TextField(blank=True, verbose_name='body')),
                        ('image', models.FileField(blank=True, upload_to='chat/%Y/%m/', verbose_name='image')),
                        ('image_type', models.CharField(blank=True, max_length=32, verbose_name='image type')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='chat.chatsession', verbose_name='chat session')),
                    ],
                    options={
                        'verbose_name': 'chat message',
                        'verbose_name_plural': 'chat messages',
                        'db_table': 'tickets_chatmessage',
                        'ordering': ['session', 'seq'],
                    },
                ),
                migrations.CreateModel(
                    name='ChatEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('created', 'New chat'), ('message', 'Message'), ('accepted', 'Accepted'), ('assigned', 'Assigned automatically'), ('transferred', 'Transferred'), ('requeued', 'Returned to the queue'), ('ended', 'Ended'), ('read', 'Read'), ('flagged', 'Customer token rejected'), ('language', 'Service language warning'), ('presence', 'Presence changed')], max_length=12, verbose_name='kind')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                        ('agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='agent')),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.team', verbose_name='team')),
                        ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='chat.chatmessage', verbose_name='chat message')),
                        ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='chat.chatsession', verbose_name='chat session')),
                    ],
                    options={
                        'verbose_name': 'chat event',
                        'verbose_name_plural': 'chat events',
                        'db_table': 'tickets_chatevent',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='ChatWidget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, verbose_name='shop name')),
                        ('key', models.SlugField(default=chat.models._new_key, help_text="Public: the data-shop attribute of the widget's script tag.", max_length=32, unique=True, verbose_name='widget key')),
                        ('secret', models.CharField(default=chat.models._new_secret, help_text="HMAC-SHA256 key the shop signs customer tokens with; keep it on the shop's server.", max_length=64, verbose_name='signing secret')),
                        ('greeting', models.CharField(blank=True, max_length=200, verbose_name='greeting')),
                        ('is_auto_assign', models.BooleanField(default=False, help_text='Give new chats to the least busy online agent of the team under their limit.', verbose_name='assign automatically')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chat_widgets', to='helpdesk.team', verbose_name='team')),
                    ],
                    options={
                        'verbose_name': 'chat widget',
                        'verbose_name_plural': 'chat widgets',
                        'db_table': 'tickets_chatwidget',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='chatsession',
                    name='widget',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='chat.chatwidget', verbose_name='chat widget'),
                ),
                migrations.CreateModel(
                    name='AgentPresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('online', 'Online'), ('away', 'Away'), ('offline', 'Offline')], default='offline', max_length=8, verbose_name='status')),
                        ('max_chats', models.PositiveSmallIntegerField(default=5, help_text='Most chats the agent works at once (auto-assignment and accepting).', verbose_name='concurrent chat limit')),
                        ('last_seen_at', models.DateTimeField(blank=True, null=True, verbose_name='last seen at')),
                        ('changed_at', models.DateTimeField(auto_now=True, verbose_name='changed at')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='chat_presence', to=settings.AUTH_USER_MODEL, verbose_name='agent')),
                    ],
                    options={
                        'verbose_name': 'agent chat presence',
                        'verbose_name_plural': 'agent chat presence',
                        'db_table': 'tickets_agentpresence',
                        'indexes': [models.Index(fields=['status', 'last_seen_at'], name='chat_presence_seen_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='chatmessage',
                    constraint=models.UniqueConstraint(fields=('session', 'seq'), name='chat_message_seq_unique'),
                ),
                migrations.AddIndex(
                    model_name='chatevent',
                    index=models.Index(fields=['team', 'id'], name='chat_event_team_idx'),
                ),
                migrations.AddIndex(
                    model_name='chatevent',
                    index=models.Index(fields=['agent', 'id'], name='chat_event_agent_idx'),
                ),
                migrations.AddIndex(
                    model_name='chatsession',
                    index=models.Index(fields=['team', 'status', 'waiting_since'], name='chat_team_status_idx'),
                ),
                migrations.AddIndex(
                    model_name='chatsession',
                    index=models.Index(fields=['agent', 'status'], name='chat_agent_status_idx'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
