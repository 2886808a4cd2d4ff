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
