"""`make bench` end to end on a small scale: cases timed against the database, their rows recorded and tabulated."""

import pytest

from bench.cases import case_names
from bench.commands.run import cases_measure
from bench.floors import FLOOR_SERIALIZER, FLOOR_TEMPLATE
from bench.generators.tickets import generate
from bench.report import END, START, docs_table_write
from bench.results import results_read, results_record
from helpdesk.demo import demo_users_load

pytestmark = pytest.mark.django_db


def test_timed_cases_are_recorded_with_their_data_size_and_machine(tmp_path):
    demo_users_load()
    generate(customers=20, tickets=40, messages_per_ticket=2)
    rows = cases_measure(modules=["shell", "tickets"], only="page", repeat=2)
    assert [row["case"] for row in rows] == ["login page (anonymous)", "shell: inbox page (agent)", FLOOR_TEMPLATE,
                                             FLOOR_SERIALIZER, "inbox page (agent)",
                                             "inbox page, status + priority filters", "GET /api/v1/tickets/ page 1",
                                             "GET /api/v1/tickets/ page 1 (100 rows)", "ticket page, 50-message thread"]
    for row in rows:
        assert row["median"] > 0 and row["p95"] >= row["median"] and row["queries"] >= 0 and row["runs"] == 2
        assert row["machine"].split(", ")[1].startswith("PostgreSQL ") and row["unit"] == "ms"
    assert rows[-1]["data_size"] == "41 tickets, 130 messages"  # the 50-message thread is made on first use
    by_case = {row["case"]: row for row in rows}
    floor = by_case[FLOOR_TEMPLATE]["median"]
    # Each list and detail case is set against its floor of the same run; the floors and the shell's page are not.
    assert by_case["inbox page (agent)"]["floor"] == FLOOR_TEMPLATE
    assert by_case["inbox page (agent)"]["ratio"] == pytest.approx(by_case["inbox page (agent)"]["median"] / floor, abs=0.01)
    assert by_case["GET /api/v1/tickets/ page 1"]["floor"] == FLOOR_SERIALIZER
    assert by_case[FLOOR_TEMPLATE]["ratio"] is None and by_case["shell: inbox page (agent)"]["ratio"] is None

    path = tmp_path / "latest.json"
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\nMethod.\n\n{START}\n{END}\n")
    docs_table_write(page, results_record(path, rows, case_names()))
    assert [row["case"] for row in results_read(path)] == [row["case"] for row in rows]
    assert "| ticket page, 50-message thread |" in page.read_text() and page.read_text().startswith("# Benchmarks\n\nMethod.")
    ratio = by_case["ticket page, 50-message thread"]["ratio"]
    assert f"| {ratio:.2f} × template |" in page.read_text()


def test_a_case_chosen_alone_brings_its_floor(tmp_path):
    demo_users_load()
    generate(customers=5, tickets=10, messages_per_ticket=1)
    rows = cases_measure(modules=["tickets"], only="GET /api/v1/tickets/ page 1", repeat=1)
    assert [row["case"] for row in rows] == [FLOOR_SERIALIZER, "GET /api/v1/tickets/ page 1",
                                             "GET /api/v1/tickets/ page 1 (100 rows)"]
    assert rows[1]["ratio"] > 0 and rows[2]["ratio"] is None
