import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
        capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_names_the_variable():
    result = run_django("", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="helpdesk.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" not in result.stderr.split("must be set:")[-1]


def test_production_without_allowed_hosts_names_the_variable():
    result = run_django("", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_check_deploy():
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
           "DJANGO_ALLOWED_HOSTS": "helpdesk.example.com",
           "EMAIL_URL": "submission://helpdesk:secret@smtp.example.com:587"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_run_out_of_the_box():
    result = run_django(
        "from django.conf import settings; print(settings.TIME_ZONE, settings.LANGUAGE_CODE, settings.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Asia/Shanghai", "zh-hans", "True"]


def test_without_database_url_the_embedded_cluster_of_the_data_folder_is_used(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", "EMBEDDED_DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", str(tmp_path / "postgres"), "helpdesk"]


def test_a_database_other_than_postgresql_is_refused_by_name():
    result = run_django("", DATABASE_URL="sqlite:///helpdesk.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_console_email_url_prints_through_the_decoding_backend():
    result = run_django("from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])", EMAIL_URL="console://")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "helpdesk.mail_console.EmailBackend"
