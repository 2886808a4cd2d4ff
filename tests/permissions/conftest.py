import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import post_delete
from django.test import override_settings

from helpdesk.heartbeat import HEARTBEAT_KEY, heartbeat_last, heartbeat_record
from tests.permissions.world import world_build

WEBHOOK_SECRET = "permission-matrix-webhook-secret"
INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}


def _key_field(model) -> models.Field:
    key = model._meta.pk
    while key.is_relation:
        key = key.target_field
    return key


def rows_snapshot() -> dict:
    """Return, per table, the largest id present (or every key, for tables keyed by text)."""
    snapshot = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in snapshot:
                continue
            table, column = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
            if _key_field(model).get_internal_type() in INTEGER_KEYS:
                cursor.execute(f"SELECT max({column}) FROM {table}")
                snapshot[meta.db_table] = (column, "max", cursor.fetchone()[0])
            else:
                cursor.execute(f"SELECT {column} FROM {table}")
                snapshot[meta.db_table] = (column, "keys", [row[0] for row in cursor.fetchall()])
    return snapshot


def rows_delete_since(snapshot: dict) -> None:
    """Delete every row added since the snapshot, in one transaction (foreign keys are checked at commit)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, (column, how, mark) in snapshot.items():
            table = connection.ops.quote_name(name)
            if how == "keys":
                cursor.execute(f"DELETE FROM {table} WHERE NOT ({column} = ANY(%s))", [mark])
            elif mark is None:
                cursor.execute(f"DELETE FROM {table}")
            else:
                cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [mark])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the shared objects once for the module, committed, and remove them afterwards.

    Committed because the chat streams read on worker threads of their own, with their own database
    connections; each case still runs in a transaction that is rolled back, so no case sees another's writes.
    """
    settings = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        ORDER_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SMS_ALIBABA_CALLBACK_TOKEN=WEBHOOK_SECRET,
        SMS_TENCENT_CALLBACK_TOKEN=WEBHOOK_SECRET,
        SMS_GATEWAY_SECRET=WEBHOOK_SECRET,
        # What a password is hashed with decides no permission; the fast hasher keeps logins cheap.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    settings.enable()
    had_heartbeat = heartbeat_last() is not None
    heartbeat_record(worker="permission-matrix")  # /healthz answers 200 only while a worker is alive
    try:
        with django_db_blocker.unblock():
            snapshot = rows_snapshot()
            try:
                built = world_build(webhook_secret=WEBHOOK_SECRET)
            except BaseException:
                rows_delete_since(snapshot)
                raise
        yield built
        with django_db_blocker.unblock():
            rows_delete_since(snapshot)
        for team in (built.team, built.other_team):
            # The rows went without the ORM: tell whoever caches team option lists.
            post_delete.send(sender=type(team), instance=team, using=connection.alias, origin=team)
    finally:
        if not had_heartbeat:
            cache.delete(HEARTBEAT_KEY)
        settings.disable()
