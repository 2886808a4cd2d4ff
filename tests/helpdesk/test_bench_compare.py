from django.core.management import call_command

BEFORE = """
| case | median ms | p95 ms | SQL queries |
|---|---:|---:|---:|
| inbox page (agent) | 20.0 | 30.0 | 7 |
| GET /healthz | 2.0 | 3.0 | 1 |
"""
AFTER = """
PostgreSQL 18.6, 100000 tickets, Django 6.1.3, Python 3.12.1
| case | median ms | p95 ms | SQL queries |
|---|---:|---:|---:|
| inbox page (agent) | 22.0 | 31.0 | 6 |
| GET /healthz | 1.0 | 2.0 | 1 |
"""


def test_compare_writes_each_cases_ratio_and_the_runs_data_line(tmp_path):
    (tmp_path / "a.txt").write_text(BEFORE)
    (tmp_path / "b1.txt").write_text(AFTER)
    (tmp_path / "b2.txt").write_text(AFTER.replace("| 22.0 |", "| 24.0 |"))
    out = tmp_path / "benchmarks.md"
    call_command("bench_compare", before=[str(tmp_path / "a.txt")],
                 after=[str(tmp_path / "b1.txt"), str(tmp_path / "b2.txt")], out=str(out))
    text = out.read_text()
    assert "PostgreSQL 18.6, 100000 tickets" in text
    assert "| inbox page (agent) | 20.0 | 23.0 | 1.15 | 30.0 | 31.0 | 7 → 6 |" in text
    assert "| GET /healthz | 2.0 | 1.0 | 0.50 |" in text


def _chat_output(median, cpu, lost=0):
    return ("DATABASE_URL=… python -m tickets.bench_chat --chats 500\n"
            + '{"chats": 500, "interval_s": 5.0, "duration_s": 60.0, "idle_streams": 1000, "lost_agent": %d, '
              '"duplicated_agent": 0, "lost_customer": 0, "duplicated_customer": 0, "errors": 0, '
              '"latency_ms_median": %s, "latency_ms_p95": 30.0, "server_cpu_ms_per_message": %s, '
              '"kb_per_idle_stream": 40.0}' % (lost, median, cpu))


def test_chat_runs_replace_the_chat_section_and_keep_the_case_table(tmp_path):
    (tmp_path / "a.txt").write_text(BEFORE)
    (tmp_path / "b.txt").write_text(AFTER)
    out = tmp_path / "benchmarks.md"
    call_command("bench_compare", before=[str(tmp_path / "a.txt")], after=[str(tmp_path / "b.txt")], out=str(out))
    for name, median, cpu, lost in (("c1", 4.0, 2.0, 0), ("c2", 6.0, 3.0, 1), ("c3", 4.0, 3.0, 0)):
        (tmp_path / f"{name}.json").write_text(_chat_output(median, cpu, lost))
    call_command("bench_compare", chat_before=[str(tmp_path / "c1.json")],
                 chat_after=[str(tmp_path / "c2.json"), str(tmp_path / "c3.json")], out=str(out))
    text = out.read_text()
    assert "| inbox page (agent) | 20.0 | 22.0 | 1.10 |" in text
    assert "| delivery median ms | 4.0 | 5.0 | 1.25 |" in text
    assert "| server CPU ms per message | 2.0 | 3.0 | 1.50 |" in text
    assert "| messages lost, duplicated or refused (all runs) | 0 | 1 | |" in text
    call_command("bench_compare", chat_before=[str(tmp_path / "c3.json")], chat_after=[str(tmp_path / "c3.json")],
                 out=str(out))
    assert out.read_text().count("## Live chat") == 1


def test_compare_refuses_half_a_pair(tmp_path):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bench_compare", chat_before=[str(tmp_path / "c.json")], out=str(tmp_path / "o.md"))
