"""An existing database upgrades to the current schema without loss.

``tests/fixtures/upgrade/before_app_split.sql.gz`` is ``pg_dump --no-owner`` (plain SQL) of a database
built with ``migrate`` and ``manage.py demo_data`` while the SLA, live chat and channel models still
belonged to the tickets app and the follow-up models to customers. The test loads it into a database of its own on the test's PostgreSQL
server, runs ``manage.py migrate`` against it in a subprocess (every migration, its data migrations
included, sees that database as ``default``), and checks that no row was lost and that the moved
models' content types carry their new app labels with every permission and grant they had.
"""

import gzip
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "tests" / "fixtures" / "upgrade" / "before_app_split.sql.gz"
# (old app, new app): the models that moved.
MOVED = {
    ("tickets", "sla"): ["slapolicy", "ticketsla", "ticketslatimer", "notification"],
    ("tickets", "chat"): ["chatwidget", "chatsession", "chatmessage", "chatevent", "agentpresence"],
    ("tickets", "channels"): ["routingrule", "mailbox", "ticketemail", "phonecall"],
    ("customers", "followups"): ["followupsettings", "followuprule", "followupvisit", "followupevent", "surveyquestion",
                                 "survey", "surveyresponse", "customermessage"],
}
NEW_LABEL = {(old, model): new for (old, new), models in MOVED.items() for model in models}
KNOWLEDGE = {"article", "articleversion", "articleevent", "articleflag", "articleviewday", "searchmiss", "deflection",
             "question", "quiz", "choice", "trainingassignment", "trainingrecord", "trainingevent", "quizattempt",
             "articleread"}
# Models added since the dump: their table, content type, permissions and grants are the only new rows allowed.
ADDED = {("helpdesk", "loginfailure"), ("channels", "quarantinedemail"), ("helpdesk", "calendaryearentry"),
         ("helpdesk", "provisionalyearalert"), ("tickets", "ticketstep"), ("sla", "steppolicy"),
         ("sla", "stepdeadlinerule"), ("sla", "ticketstepdeadline"), *{("knowledge", model) for model in KNOWLEDGE},
         ("followups", "messageevent"), ("followups", "smstemplate"), ("kpi", "periodscorecard"),
         ("kpi", "conductrecord"), ("kpi", "trainingnote"), ("kpi", "stepfact"), ("kpi", "factday"),
         ("kpi", "reviewday"), ("chat", "chatlanguagehit"),
         *{("reviews", model) for model in ("review", "reviewevent", "reviewrevision")}, ("tickets", "tag"),
         ("tickets", "replydraft"), ("tickets", "savedview"), ("tickets", "departmentteam"),
         *{("routing", model) for model in ("teamrouting", "routingprofile", "routingturn")}}
# Permissions added since the dump to models it has, and the roles given them.
ADDED_PERMISSIONS = {(("tickets", "internaltask"), "view_all_internaltasks")}
ADDED_GRANTS = {(f"group:{role}", "tickets", "internaltask", "view_all_internaltasks") for role in ("Manager", "Admin")}
ADDED_TABLES = {"helpdesk_loginfailure", "channels_quarantinedemail", "helpdesk_calendaryearentry",
                "helpdesk_provisionalyearalert", "tickets_ticketstep", "sla_steppolicy", "sla_stepdeadlinerule",
                "sla_ticketstepdeadline", *{f"knowledge_{model}" for model in KNOWLEDGE},
                "customers_messageevent", "customers_smstemplate", "kpi_periodscorecard", "kpi_conductrecord",
                "kpi_trainingnote", "kpi_stepfact", "kpi_factday", "kpi_reviewday", "chat_chatlanguagehit", "reviews_review", "reviews_reviewevent",
                "reviews_reviewrevision", "tickets_tag", "tickets_ticket_tags", "tickets_replydraft",
                "tickets_savedview", "routing_teamrouting", "routing_routingprofile", "routing_routingprofile_categories",
                "routing_routingturn", "knowledge_trainingassignment_articles", "tickets_departmentteam"}

# Defaults shipped since the dump into tables it has: the 差评 category and its SLA policy, the greetings and
# closings that join the forbidden phrases (tickets/migrations/0024).
SHIPPED_ROWS = {"tickets_category": 1, "tickets_slapolicy": 1, "tickets_forbiddenphrase": 7}


def _relabel(app: str, model: str) -> tuple[str, str]:
    return NEW_LABEL.get((app, model), app), model

pytestmark = pytest.mark.timeout_sensitive


def _connect(dbname: str, **kwargs) -> psycopg.Connection:
    """Connect to a database of the test's server with the test's own connection settings."""
    settings = connection.settings_dict
    params = {"dbname": dbname, "user": settings["USER"] or None, "password": settings["PASSWORD"] or None,
              "host": settings["HOST"] or None, "port": settings["PORT"] or None}
    return psycopg.connect(**{key: value for key, value in params.items() if value is not None}, **kwargs)


def _database_url(dbname: str) -> str:
    """Return a DATABASE_URL for another database of the test's server (a socket directory as host works too)."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{credentials}{quote(settings['HOST'] or '', safe='')}{port}/{dbname}"


def _dump_sql() -> str:
    """Return the dump's SQL without psql's meta-commands (``\\restrict`` and the like)."""
    with gzip.open(DUMP, "rt", encoding="utf-8") as dump:
        return "".join(line for line in dump if not line.startswith("\\"))


def _row_counts(db: psycopg.Connection) -> dict[str, int]:
    tables = [row[0] for row in db.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables}


def _content_types(db: psycopg.Connection) -> dict[int, tuple[str, str]]:
    return {pk: (app, model) for pk, app, model in db.execute("SELECT id, app_label, model FROM django_content_type")}


def _permissions(db: psycopg.Connection) -> dict[int, tuple[int, str]]:
    return {pk: (ct, codename) for pk, ct, codename in db.execute("SELECT id, content_type_id, codename FROM auth_permission")}


GRANTS_SQL = """
    SELECT {holder}, ct.app_label, ct.model, p.codename
    FROM {table} grant_ JOIN auth_permission p ON p.id = grant_.permission_id
    JOIN django_content_type ct ON ct.id = p.content_type_id {join}
"""


def _grants(db: psycopg.Connection) -> set[tuple]:
    """Return (who, app label, model, codename) of every group and user permission grant."""
    groups = db.execute(GRANTS_SQL.format(holder="'group:' || g.name", table="auth_group_permissions",
                                          join="JOIN auth_group g ON g.id = grant_.group_id")).fetchall()
    users = db.execute(GRANTS_SQL.format(holder="'user:' || u.username", table="helpdesk_user_user_permissions",
                                         join="JOIN helpdesk_user u ON u.id = grant_.user_id")).fetchall()
    return set(groups) | set(users)


def _grant_more(db: psycopg.Connection) -> None:
    """Grant a moved model's permissions beyond the role groups: a gateway group and one user's own permission."""
    db.execute("INSERT INTO auth_group (name) VALUES ('Mail gateway')")
    db.execute("""
        INSERT INTO auth_group_permissions (group_id, permission_id)
        SELECT g.id, p.id FROM auth_group g, auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
        WHERE g.name = 'Mail gateway' AND ct.app_label = 'tickets'
          AND p.codename IN ('receive_email', 'view_chatsession', 'view_notification')
    """)
    db.execute("""
        INSERT INTO helpdesk_user_user_permissions (user_id, permission_id)
        SELECT u.id, p.id FROM helpdesk_user u, auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
        WHERE u.username = 'supervisor' AND ct.app_label = 'tickets' AND p.codename IN ('change_mailbox', 'view_chatwidget')
    """)


@pytest.fixture
def upgrade_database():
    """Create a database of its own on the test's server, loaded from the dump; drop it afterwards."""
    name = f"{connection.settings_dict['NAME']}_upgrade"[:63]
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    try:
        with _connect(name) as db:
            db.execute(_dump_sql())
        yield name
    finally:
        with _connect("postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_an_existing_database_upgrades_without_losing_rows_or_grants(upgrade_database):
    with _connect(upgrade_database, autocommit=True) as db:
        _grant_more(db)
        rows, types, permissions, grants = _row_counts(db), _content_types(db), _permissions(db), _grants(db)
        migrations = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
    assert rows["tickets_ticket"] and rows["tickets_ticketslatimer"] and rows["tickets_chatwidget"]
    assert rows["tickets_routingrule"] and rows["tickets_mailbox"] and rows["tickets_notification"]
    assert set(NEW_LABEL) <= set(types.values())

    env = {**os.environ, "DATABASE_URL": _database_url(upgrade_database)}
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    with _connect(upgrade_database, autocommit=True) as db:
        rows_after, types_after = _row_counts(db), _content_types(db)
        permissions_after, grants_after = _permissions(db), _grants(db)
        migrations_after = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
    applied = migrations_after - migrations
    assert migrations < migrations_after and {"sla", "chat", "channels", "followups"} <= {app for app, _name in applied}
    assert set(rows_after) - set(rows) == ADDED_TABLES
    # Content types, permissions and grants may grow by the added models: they are compared row by row below.
    detailed = {"django_content_type", "auth_permission", "auth_group_permissions", "helpdesk_user_user_permissions"}
    assert {table: rows_after[table] for table in rows if table not in detailed} == {
        **{table: count for table, count in rows.items() if table not in detailed},
        **{table: rows[table] + more for table, more in SHIPPED_ROWS.items()},
        "django_migrations": rows["django_migrations"] + len(applied)}
    assert {pk: types_after[pk] for pk in types} == {pk: _relabel(app, model) for pk, (app, model) in types.items()}
    added_types = {pk for pk in types_after if pk not in types}
    assert {types_after[pk] for pk in added_types} <= ADDED
    assert {pk: permissions_after[pk] for pk in permissions} == permissions
    assert all(permissions_after[pk][0] in added_types
               or (types_after[permissions_after[pk][0]], permissions_after[pk][1]) in ADDED_PERMISSIONS
               for pk in permissions_after if pk not in permissions)
    assert {grant for grant in grants_after if grant[1:3] not in ADDED and grant not in ADDED_GRANTS} == {
        (who, *_relabel(app, model), codename) for who, app, model, codename in grants}
    assert ("group:Mail gateway", "channels", "ticketemail", "receive_email") in grants_after
    assert ("group:Supervisor", "sla", "ticketslatimer", "extend_sla") in grants_after
