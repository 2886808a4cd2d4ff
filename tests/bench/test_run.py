"""`make bench` end to end on a small scale: cases timed against the database, their rows recorded and tabulated."""

import pytest

from bench.cases import case_names
from bench.commands.run import cases_measure
from bench.generators.tickets import generate
from bench.report import END, START, docs_table_write
from bench.results import results_read, results_record
from helpdesk.demo import demo_users_load

pytestmark = pytest.mark.django_db


def test_timed_cases_are_recorded_with_their_data_size_and_machine(tmp_path):
    demo_users_load()
    generate(customers=20, tickets=40, messages_per_ticket=2)
    rows = cases_measure(modules=["shell", "tickets"], only="page", repeat=2)
    assert [row["case"] for row in rows] == ["login page (anonymous)", "shell: inbox page (agent)", "inbox page (agent)",
                                             "inbox page, status + priority filters", "GET /api/v1/tickets/ page 1",
                                             "GET /api/v1/tickets/ page 1 (100 rows)", "ticket page, 50-message thread"]
    for row in rows:
        assert row["median"] > 0 and row["p95"] >= row["median"] and row["queries"] >= 0 and row["runs"] == 2
        assert row["machine"].split(", ")[1].startswith("PostgreSQL ") and row["unit"] == "ms"
    assert rows[-1]["data_size"] == "41 tickets, 130 messages"  # the 50-message thread is made on first use

    path = tmp_path / "latest.json"
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\nMethod.\n\n{START}\n{END}\n")
    docs_table_write(page, results_record(path, rows, case_names()))
    assert [row["case"] for row in results_read(path)] == [row["case"] for row in rows]
    assert "| ticket page, 50-message thread |" in page.read_text() and page.read_text().startswith("# Benchmarks\n\nMethod.")
