"""The results file and the table of docs/benchmarks.md written from it."""

import json

import pytest

from bench.cases import MODULES, bench_cases, case_module, case_names
from bench.load.chat import CHAT_ROWS, chat_rows
from bench.report import END, START, docs_table_write, results_table
from bench.results import result_row, results_read, results_record

PAGE = f"""# Benchmarks

How the figures are measured: prose that stays.

{START}
| case | median | p95 | SQL queries | data size | date | machine |
|---|---:|---:|---:|---|---|---|
| an old case | 1.0 ms | 1.0 ms | 1 | 1 ticket | 2020-01-01 | old |
{END}

Prose after the table stays too.
"""


def _row(case, median, *, day="2026-12-01", unit="ms", queries=3):
    return result_row(case=case, module="tickets", median=median, p95=median * 2, unit=unit, queries=queries,
                      data_size="1,000 tickets, 5,000 messages", date=day, machine="2 cores x86_64, PostgreSQL 18.1")


def test_every_case_has_a_name_of_its_own_and_every_domain_its_data_size():
    names = case_names()
    assert len(names) == len(set(names))
    assert [case.module for case in bench_cases()] == sorted((case.module for case in bench_cases()), key=MODULES.index)
    assert all(callable(case_module(module).data_size) for module in MODULES)
    from bench.load.agents import LOAD_ROWS
    from bench.load.live import LIVE_ROWS
    from bench.rival import RIVAL_ROWS

    tail = list(CHAT_ROWS) + list(LIVE_ROWS) + list(LOAD_ROWS) + list(RIVAL_ROWS)
    assert names[-len(tail):] == tail
    with pytest.raises(ValueError):
        case_module("helpdesk")


def test_a_run_replaces_its_rows_keeps_the_others_and_drops_cases_that_are_gone(tmp_path):
    path = tmp_path / "results" / "latest.json"
    results_record(path, [_row("a", 1.0), _row("b", 2.0), _row("renamed since", 9.0)], ["a", "b", "renamed since"])
    rows = results_record(path, [_row("b", 3.0, day="2026-12-02"), _row("c", 4.0, day="2026-12-02")], ["c", "b", "a"])
    assert [(row["case"], row["median"], row["date"]) for row in rows] == [
        ("c", 4.0, "2026-12-02"), ("b", 3.0, "2026-12-02"), ("a", 1.0, "2026-12-01")]
    assert results_read(path) == rows
    assert json.loads(path.read_text())["cases"][0]["data_size"] == "1,000 tickets, 5,000 messages"


def test_the_docs_table_is_rewritten_between_its_markers_and_the_prose_stays(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text(PAGE)
    docs_table_write(page, [_row("inbox | page", 25.14), _row("lost", 0, unit="messages", queries=None)])
    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nHow the figures are measured: prose that stays.\n\n")
    assert text.endswith(f"{END}\n\nProse after the table stays too.\n")
    assert "an old case" not in text and text.count(START) == 1 and text.count(END) == 1
    assert ("| inbox \\| page | 25.1 ms | 50.3 ms | — | 3 | 1,000 tickets, 5,000 messages | 2026-12-01 | "
            "2 cores x86_64, PostgreSQL 18.1 |") in text
    assert "| lost | 0 messages | 0 messages | — |" in text
    docs_table_write(page, [_row("inbox", 1.0)])
    assert page.read_text().count("| inbox |") == 1


def test_a_page_without_markers_is_left_alone(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nNo table here.\n")
    with pytest.raises(ValueError):
        docs_table_write(page, [_row("inbox", 1.0)])
    assert page.read_text() == "# Benchmarks\n\nNo table here.\n"


def test_a_chat_run_gives_its_rows():
    result = {"chats": 50, "interval_s": 5.0, "duration_s": 10.0, "messages_sent": 100, "lost_agent": 1,
              "duplicated_agent": 0, "lost_customer": 0, "duplicated_customer": 2, "errors": 0,
              "latency_ms_median": 7.5, "latency_ms_p95": 20.0, "server_cpu_ms_per_message": 3.0,
              "idle_streams": 10, "kb_per_idle_stream": 40.0}
    rows = {row["case"]: row for row in chat_rows(result, date="2026-12-01", machine="m")}
    assert list(rows) == list(CHAT_ROWS)
    assert (rows["live chat: customer → agent delivery"]["median"], rows["live chat: customer → agent delivery"]["p95"]) == (7.5, 20.0)
    assert rows["live chat: messages lost, duplicated or refused"]["median"] == 3
    assert rows["live chat: server memory per idle stream"]["data_size"].endswith("100 messages, 10 idle streams")
    table = results_table(list(rows.values()))
    assert "| live chat: server memory per idle stream | 40.0 KB | — | — |" in table
    without_idle = {key: value for key, value in result.items() if key not in ("idle_streams", "kb_per_idle_stream")}
    assert "live chat: server memory per idle stream" not in {row["case"] for row in chat_rows(without_idle, date="d", machine="m")}


def test_a_load_run_gives_its_rows_with_the_chats_faults_counted_as_errors():
    from bench.load.agents import LOAD_ROWS, load_rows

    result = {"agents": {"agents": 100, "think_s": 2.0, "duration_s": 60.0, "requests": 9000, "rps": 150.0,
                         "errors": 1, "median_ms": 40.0, "p95_ms": 120.0},
              "chats": {"chats": 500, "errors": 0, "lost_agent": 2, "lost_customer": 0}}
    rows = {row["case"]: row for row in load_rows(result, date="2026-12-01", machine="m")}
    assert list(rows) == list(LOAD_ROWS)
    assert rows["load: agents' requests per second"]["median"] == 150.0
    latency = rows["load: agents' request latency under load"]
    assert (latency["median"], latency["p95"]) == (40.0, 120.0)
    assert rows["load: errors"]["median"] == 3  # one failed request, two chat messages the agent never got
    assert latency["data_size"] == "100 agents (2 s think time) and 500 chats for 60 s, 9,000 requests"
    assert "| load: agents' requests per second | 150 requests/s | — | — |" in results_table(list(rows.values()))


def test_a_live_workspace_run_gives_its_rows():
    from bench.load.live import LIVE_ROWS, live_rows

    result = {"agents": 200, "team_size": 10, "rate_per_minute": 1000.0, "duration_s": 60.0, "deliveries_expected": 10000,
              "latency_ms_median": 12.5, "latency_ms_p95": 80.0, "idle_seconds": 30.0, "idle_cpu_percent": 1.5,
              "lost": 1, "duplicated": 2, "misdelivered": 0, "errors": 3}
    rows = {row["case"]: row for row in live_rows(result, date="2026-12-01", machine="m")}
    assert set(rows) == set(LIVE_ROWS)
    delivery = rows["live workspace: ticket event → every concerned agent"]
    assert (delivery["median"], delivery["p95"], delivery["unit"]) == (12.5, 80.0, "ms")
    assert "10,000 deliveries" in delivery["data_size"]
    assert rows["live workspace: streams process CPU, every stream idle"]["median"] == 1.5
    assert rows["live workspace: events lost, duplicated or misdelivered"]["median"] == 6
    from bench.cases import case_names
    from bench.results import results_merge

    assert [row["case"] for row in results_merge([], list(rows.values()), case_names())] == list(LIVE_ROWS)
