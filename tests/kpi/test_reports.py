import datetime as dt
import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from kpi import reports, services
from kpi.models import Report, ReportSubscription
from kpi.services import ticket_facts_rebuild
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.kpi.conftest import at
from helpdesk.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def november(no_sla_policies, story, team):
    story(CustomerFactory(), team, [("create", at(2, 10)), ("agent", at(2, 10, 10)), ("resolve", at(2, 10, 20))],
          kind="complaint")
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))


def test_monthly_report_is_created_once_and_built_with_every_sheet(november, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.report_schedule(kind="monthly", today=dt.date(2026, 12, 1))
    assert services.report_schedule(kind="monthly", today=dt.date(2026, 12, 1)) is None
    assert (report.date_from, report.date_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert len(callbacks) == 1
    assert services.report_build(report_id=report.pk) is True
    assert services.report_build(report_id=report.pk) is False  # a second delivery does nothing
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert len(book.sheetnames) == 7
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert any(value == 1 for name, value in summary.items() if "咨询量" in str(name))
    assert report.csv.read().startswith("\ufeff".encode())


def test_daily_report_covers_yesterday():
    report = services.report_schedule(kind="daily", today=dt.date(2026, 11, 23))
    assert report.date_from == report.date_to == dt.date(2026, 11, 22)


def test_scheduled_report_is_mailed_to_subscribers(november, manager, django_capture_on_commit_callbacks):
    ReportSubscription.objects.create(user=manager, kind="daily")
    report = services.report_schedule(kind="daily", today=dt.date(2026, 11, 3))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build(report_id=report.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert mail.outbox[0].attachments[0][0].endswith(".xlsx")


def test_a_failing_build_ends_failed_with_the_reason(monkeypatch):
    report = Report.objects.create(kind="export", date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 2))
    monkeypatch.setattr(reports, "report_sections", lambda *a: (_ for _ in ()).throw(RuntimeError("disk full")))
    assert services.report_build(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.status == "failed" and report.error == "disk full"


def test_api_export_download_and_access(november, api_client, supervisor, django_capture_on_commit_callbacks):
    api_client.force_authenticate(supervisor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client.post("/api/v1/kpi/reports/", {"date_from": "2026-11-01", "date_to": "2026-11-30"},
                                   format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending" and len(callbacks) == 1
    report_id = response.json()["id"]
    services.report_build(report_id=report_id)  # what the worker does with the task
    detail = api_client.get(f"/api/v1/kpi/reports/{report_id}/").json()
    assert detail["status"] == "done" and detail["downloads"]["csv"].endswith("file_format=csv")
    download = api_client.get(f"/api/v1/kpi/reports/{report_id}/download/", {"file_format": "csv"})
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert api_client.get(f"/api/v1/kpi/reports/{report_id}/download/", {"file_format": "exe"}).status_code == 404
    other = UserFactory(username="other-sup", role=Role.SUPERVISOR, teams=[TeamFactory(code="other-team")])
    api_client.force_authenticate(other)
    assert api_client.get(f"/api/v1/kpi/reports/{report_id}/").status_code == 404
    assert api_client.get(f"/api/v1/kpi/reports/{report_id}/download/").status_code == 404


def test_api_export_with_a_bad_period_is_400(api_client, supervisor):
    api_client.force_authenticate(supervisor)
    response = api_client.post("/api/v1/kpi/reports/", {"date_from": "2026-11-30", "date_to": "2026-11-01"},
                               format="json")
    assert response.status_code == 400 and "date_from" in response.json()


def test_page_export_then_list_shows_progress_and_links(november, client_for, supervisor,
                                                        django_capture_on_commit_callbacks):
    client = client_for(supervisor)
    with django_capture_on_commit_callbacks():
        response = client.post("/kpi/reports/new/", {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    assert response.status_code == 302
    page = client.get("/kpi/reports/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    services.report_build(report_id=Report.objects.get().pk)
    page = client.get("/kpi/reports/").content.decode()
    assert "/xlsx/" in page and "every 2s" not in page
    assert client.get(f"/kpi/reports/{Report.objects.get().pk}/xlsx/").status_code == 200


def test_reports_still_waiting_after_the_grace_period_are_built_once(monkeypatch, no_sla_policies):
    from django.utils import timezone

    from helpdesk.enqueue import SWEEP_GRACE
    from kpi import tasks

    waiting = Report.objects.create(kind=Report.Kind.DAILY, date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 2))
    Report.objects.create(kind=Report.Kind.MONTHLY, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31),
                          status=Report.Status.RUNNING)
    sent = []
    monkeypatch.setattr(tasks.report_build, "delay", lambda **kwargs: sent.append(kwargs))
    assert services.report_sweep_pending() == 0
    assert services.report_sweep_pending(now=timezone.now() + SWEEP_GRACE + dt.timedelta(seconds=1)) == 1
    assert sent == [{"report_id": waiting.pk}]
    assert tasks.report_build(**sent[0]) is True and tasks.report_build(**sent[0]) is False


def test_report_files_keep_formulas_as_text(no_sla_policies, story, agent):
    team = TeamFactory(name="=cmd|' /C calc'!A0", code="formula-team")
    story(CustomerFactory(), team, [("create", at(2, 10)), ("agent", at(2, 10, 10))])
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    report = services.report_schedule(kind="monthly", today=dt.date(2026, 12, 1))
    assert services.report_build(report_id=report.pk) is True
    report.refresh_from_db()
    teams = load_workbook(io.BytesIO(report.xlsx.read())).worksheets[1]
    names = [row[0] for row in teams.iter_rows(min_row=3)]
    assert [(cell.value, cell.data_type) for cell in names] == [("'=cmd|' /C calc'!A0", "s")]
    text = report.csv.read().decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "\n=cmd" not in text
