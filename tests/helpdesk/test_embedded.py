import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.embedded import EmbeddedError, embedded_postgres

ROOT = Path(__file__).resolve().parents[2]
# Asks the database and Redis the launcher hands over who they are; prints one line.
PROBE = (
    "import os, psycopg, redis, dj_database_url; "
    "c = dj_database_url.parse(os.environ['DATABASE_URL']); "
    "db = psycopg.connect(dbname=c['NAME'], user=c['USER'], host=c['HOST']); cur = db.cursor(); "
    "cur.execute('SELECT current_setting(%s), current_database()', ['data_directory']); "
    "r = redis.Redis.from_url(os.environ['REDIS_URL']); r.set('probe', os.environ['TAG']); "
    "print(*cur.fetchone(), r.get('probe').decode(), os.environ['REDIS_URL'])"
)
# Keeps the command (and so its stack) running until the test closes its standard input.
HOLD = "import sys; sys.stdout.flush(); sys.stdin.readline()"
pytestmark = pytest.mark.timeout_sensitive


def launcher_env(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**env, "EMBEDDED_DATA_DIR": str(data_dir), **extra}


def launch(data_dir, *command, temporary=False, **extra):
    args = [sys.executable, "-m", "helpdesk.embedded", *(["--temporary"] if temporary else []), *command]
    return subprocess.Popen(args, cwd=ROOT, env=launcher_env(data_dir, **extra), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_stacks_side_by_side_each_answer_with_their_own_database_and_redis(tmp_path):
    first = launch(tmp_path / "a", sys.executable, "-c", f"{PROBE}; {HOLD}", TAG="a")
    second = launch(tmp_path / "b", sys.executable, "-c", f"{PROBE}; {HOLD}", TAG="b")
    out_a, out_b = first.stdout.readline(), second.stdout.readline()  # both stacks up at once
    (_, err_a), (_, err_b) = first.communicate("", timeout=60), second.communicate("", timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (err_a, err_b)
    data_a, name_a, tag_a, redis_a = out_a.split()
    data_b, name_b, tag_b, redis_b = out_b.split()
    assert data_a == str(tmp_path / "a" / "postgres") and data_b == str(tmp_path / "b" / "postgres")
    assert name_a == name_b == "helpdesk"
    assert (tag_a, tag_b) == ("a", "b") and redis_a != redis_b


def test_second_run_in_the_same_folder_says_so_and_leaves_the_first_alone(tmp_path):
    first = launch(tmp_path, sys.executable, "-c", f"{PROBE}; {HOLD}", TAG="first")
    out = first.stdout.readline()  # the first stack is up
    second = launch(tmp_path, sys.executable, "-c", PROBE, TAG="second")
    _out, err = second.communicate(timeout=30)
    assert second.returncode == 1
    assert err.count("\n") == 1 and "already running" in err and "Traceback" not in err
    _rest, err = first.communicate("", timeout=60)
    assert first.returncode == 0, err
    assert out.split()[2] == "first"


def test_lasting_cluster_keeps_its_data_and_stops_with_the_command(tmp_path):
    create = "import os, psycopg, dj_database_url; c = dj_database_url.parse(os.environ['DATABASE_URL']); " \
             "db = psycopg.connect(dbname=c['NAME'], user=c['USER'], host=c['HOST']); db.autocommit = True; " \
             "db.cursor().execute(os.environ['SQL'])"
    made = launch(tmp_path, sys.executable, "-c", create, SQL="CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)")
    assert made.wait(timeout=60) == 0, made.stderr.read()
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()
    read = launch(tmp_path, sys.executable, "-c", create.replace("db.cursor().execute(os.environ['SQL'])",
                  "cur = db.cursor(); cur.execute('SELECT id FROM kept'); print(cur.fetchone()[0])"))
    out, err = read.communicate(timeout=60)
    assert read.returncode == 0, err
    assert out.strip() == "7"


def test_throwaway_cluster_is_deleted_after_the_command(tmp_path):
    probe = launch(tmp_path, sys.executable, "-c", PROBE, temporary=True, TAG="t")
    out, err = probe.communicate(timeout=60)
    assert probe.returncode == 0, err
    data = Path(out.split()[0])
    assert data.parent.name.startswith("helpdesk-pg-") and not data.exists()
    assert not (tmp_path / "postgres").exists()


def test_a_cluster_of_another_major_version_is_refused_with_what_to_do(tmp_path):
    pgdata = tmp_path / "postgres"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("16\n")
    with pytest.raises(EmbeddedError, match="PostgreSQL 16 cluster.*dump it"):
        with embedded_postgres(pgdata):
            pass
    run = launch(tmp_path, "true")
    _out, err = run.communicate(timeout=30)
    assert run.returncode == 1 and err.startswith("error: ") and err.count("\n") == 1


def test_a_server_that_cannot_start_is_one_line_naming_the_log(tmp_path):
    pgdata = tmp_path / "postgres"
    made = launch(tmp_path, "true")
    assert made.wait(timeout=60) == 0
    # A setting the server refuses at start: the cluster exists but cannot come up.
    with open(pgdata / "postgresql.auto.conf", "a") as conf:
        conf.write("shared_buffers = 'many'\n")
    run = launch(tmp_path, "true")
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "did not start" in err and "shared_buffers" in err
