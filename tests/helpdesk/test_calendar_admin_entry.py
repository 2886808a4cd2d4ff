"""An admin enters a year from the notice text: paste, review the grid, confirm; the banner, the e-mail and /healthz."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from helpdesk import services
from helpdesk.health import check_calendars
from helpdesk.models import BusinessCalendar, CalendarYearEntry, ProvisionalYearAlert
from helpdesk.roles import Role
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
FIXTURES = Path(__file__).parent / "fixtures"
NOTICE_2027 = (FIXTURES / "notice_2027_plausible.txt").read_text()
pytestmark = pytest.mark.django_db


def back_office():
    return BusinessCalendar.objects.get(code="china-back-office")


def test_paste_review_confirm_saves_the_year_and_starts_the_recomputation(admin_user, client,
                                                                           django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    calendar = back_office()
    change = client.get(reverse("admin:helpdesk_businesscalendar_change", args=[calendar.pk]))
    url = reverse("admin:helpdesk_businesscalendar_enter_year", args=[calendar.pk])
    assert url in change.content.decode()

    review = client.post(url, {"text": NOTICE_2027, "source": "国办发明电〔2026〕1号"})
    assert review.status_code == 200
    page = review.content.decode()
    assert 'data-testid="year-grid"' in page and 'data-testid="confirm"' in page
    assert not calendar.years.filter(year=2027).exists()  # nothing saved before the confirmation
    # Highlighted: the make-up Sunday 01-31 and the bridge days 02-09 … 02-12 differ from the provisional schedule;
    # 01-01 (元旦 by rule too) does not.
    assert 'class="day makeup changed" data-date="2027-01-31"' in page
    assert 'class="day holiday changed" data-date="2027-02-10"' in page
    assert 'class="day holiday" data-date="2027-01-01"' in page
    # Bridge weekdays 02-09…12, 05-03…05, 10-04…07 and six make-up weekend days.
    assert review.context["changed"] == 4 + 3 + 4 + 6

    with django_capture_on_commit_callbacks() as callbacks:
        saved = client.post(url, {"text": NOTICE_2027, "source": "国办发明电〔2026〕1号", "confirm": "1"})
    entry = CalendarYearEntry.objects.get()
    assert saved.status_code == 302 and saved.url == reverse("admin:helpdesk_calendaryearentry_change", args=[entry.pk])
    assert len(callbacks) == 1
    assert (entry.year, entry.holiday_count, entry.workday_count, entry.entered_by) == (2027, 28, 6, admin_user)
    assert calendar.years.get(year=2027).source == "国办发明电〔2026〕1号"
    assert calendar.workdays.filter(date=dt.date(2027, 1, 31)).exists()
    progress = client.get(saved.url)
    assert progress.status_code == 200 and 'http-equiv="refresh"' in progress.content.decode()


def test_unreadable_text_is_a_400_with_the_reason_and_saves_nothing(admin_user, client):
    client.force_login(admin_user)
    url = reverse("admin:helpdesk_businesscalendar_enter_year", args=[back_office().pk])
    response = client.post(url, {"text": "一、元旦：1月1日放假1天。", "confirm": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not CalendarYearEntry.objects.exists()


def test_only_those_who_may_change_calendars_enter_a_year(client, agent):
    client.force_login(UserFactory(username="t-staff-agent", role=Role.AGENT, is_staff=True))
    url = reverse("admin:helpdesk_businesscalendar_enter_year", args=[back_office().pk])
    assert client.post(url, {"text": NOTICE_2027, "confirm": "1"}).status_code == 403
    assert not CalendarYearEntry.objects.exists()


@time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=SH), tick=False)
def test_from_1_october_admins_see_the_banner_and_others_do_not(admin_user, agent, client):
    client.force_login(admin_user)
    for url in (reverse("home"), reverse("admin:index")):
        page = client.get(url, follow=True).content.decode()
        assert 'data-testid="provisional-year-banner"' in page and "2027" in page
    client.force_login(agent)
    assert 'data-testid="provisional-year-banner"' not in client.get(reverse("home"), follow=True).content.decode()


@time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=SH), tick=False)
def test_before_1_october_there_is_no_banner(admin_user, client):
    client.force_login(admin_user)
    assert 'data-testid="provisional-year-banner"' not in client.get(reverse("admin:index")).content.decode()


def test_the_banner_goes_once_the_year_is_entered(admin_user, client):
    with time_machine.travel(dt.datetime(2026, 12, 5, 9, tzinfo=SH), tick=False):
        client.force_login(admin_user)
        assert 'data-testid="provisional-year-banner"' in client.get(reverse("admin:index")).content.decode()
        for calendar in BusinessCalendar.objects.filter(uses_holidays=True):
            calendar.years.create(year=2027, source="test")
        assert 'data-testid="provisional-year-banner"' not in client.get(reverse("admin:index")).content.decode()


def test_admins_get_one_e_mail_a_year_while_next_year_is_provisional(admin_user, agent):
    with time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=SH), tick=False):
        assert services.provisional_year_alert_send() == 0
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=SH), tick=False):
        assert services.provisional_year_alert_send() == 1
        assert services.provisional_year_alert_send() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin_user.email] and "2027" in mail.outbox[0].subject
    assert ProvisionalYearAlert.objects.get().year == 2027


def test_healthz_carries_a_provisional_next_year_as_a_warning_not_a_failure(client):
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=SH), tick=False):
        assert "2027" in check_calendars(database_ok=True)["warning"]
        report = client.get("/healthz").json()
    assert report["checks"]["calendars"]["ok"] is True and "calendars" in report["warnings"]
    assert "calendars" not in report["down"]
    with time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=SH), tick=False):
        assert check_calendars(database_ok=True) == {"ok": True}
