"""PostgreSQL is the only database: no app module branches on the database vendor or mentions SQLite."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["helpdesk", "tickets", "customers", "orders", "followups", "kpi"]
FORBIDDEN = re.compile(r"connection\.vendor|\.vendor\s*==|vendor\s*!=|sqlite", re.IGNORECASE)


def app_sources() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("line", [
    'if connection.vendor == "postgresql":',
    'if schema_editor.connection.vendor != "postgresql":',
    "if db.vendor == 'sqlite':",
    "default=f\"sqlite:///{BASE_DIR / 'db.sqlite3'}\"",
    '"django.db.backends.SQLite3"',
])
def test_the_pattern_catches_vendor_branches(line):
    assert FORBIDDEN.search(line)


def test_every_app_module_is_walked_migrations_included():
    sources = [path.relative_to(ROOT).as_posix() for path in app_sources()]
    assert {path.split("/")[0] for path in sources} == set(APPS)
    assert "customers/migrations/0006_customer_tag_table.py" in sources and "orders/upsert_sql.py" in sources


def test_no_app_module_branches_on_the_database_vendor_or_mentions_sqlite():
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for path in app_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == [], "\n".join(offenders)
