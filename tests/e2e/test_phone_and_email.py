import pytest

from channels.inbound import email_receive
from channels.models import PhoneCall
from tests.channels.raw_mail import raw_mail
from tests.e2e.test_shell import log_in
from tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_agent_answers_an_email_ticket_and_logs_a_call_on_it(page, live_server, agent, team, screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    ticket = email_receive(raw=raw_mail(subject="杯子破损怎么处理")).ticket
    Ticket.objects.filter(pk=ticket.pk).update(team=team)

    log_in(page, live_server, agent.username)
    page.wait_for_url("**/inbox/")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.fill("#reply-form textarea[name=body]", "您好，请拍一张破损处的照片发给我们。")
    page.click("[data-testid=send]")
    page.wait_for_selector("text=请拍一张破损处的照片")
    assert page.get_by_test_id("email-status").count() == 2

    page.click("[data-testid=phone-call-panel] summary")
    panel = page.get_by_test_id("phone-call-panel")
    panel.locator("input[name=number]").fill("13800138000")
    panel.locator("input[name=talk_seconds]").fill("95")
    panel.locator("textarea[name=notes]").fill("客户确认已拍照发邮件")
    page.click("[data-testid=log-call]")
    page.wait_for_selector("text=客户确认已拍照发邮件")
    assert PhoneCall.objects.get().ticket_id == ticket.pk
    screenshot("ticket-email-and-call")

    page.click("nav a[data-nav=calls]")
    page.wait_for_url("**/calls/new/")
    screenshot("log-a-call")
    assert errors == []
