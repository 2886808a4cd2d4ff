import django.utils.timezone
from django.db import migrations, models

from helpdesk.roles import role_groups_sync


class Migration(migrations.Migration):

    dependencies = [
        ('helpdesk', '0010_add_user_password_changed_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(max_length=150, verbose_name='username')),
                ('address', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
            ],
            options={
                'verbose_name': 'sign-in failure',
                'verbose_name_plural': 'sign-in failures',
                'ordering': ['-at'],
                'indexes': [models.Index(fields=['username', 'at'], name='loginfailure_username_at_idx'), models.Index(fields=['address', 'at'], name='loginfailure_address_at_idx'), models.Index(fields=['at'], name='loginfailure_at_idx')],
            },
        ),
        # Admins read failed sign-ins and unlock an account by deleting its rows.
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
