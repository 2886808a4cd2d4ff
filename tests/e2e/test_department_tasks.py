"""Department tasks in the browser: an agent asks the warehouse from a complaint, a warehouse member completes it in
部门任务, and the agent's notifications say so."""

import pytest

from helpdesk.roles import Role
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.models import DepartmentTeam, InternalTask
from tickets.selectors import department_team_ids_forget
from tickets.services import ticket_create


@pytest.mark.django_db(transaction=True)
def test_a_warehouse_task_from_a_complaint_is_completed_and_the_agent_told(page, browser, live_server, agent, team,
                                                                        screenshot):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    warehouse = TeamFactory(name="仓储", code="warehouse-e2e")
    member = UserFactory(username="wh-member", display_name="赵强", role=Role.AGENT, teams=[warehouse])
    DepartmentTeam.objects.create(department=InternalTask.Department.WAREHOUSE, team=warehouse)
    department_team_ids_forget()
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="茶罐破损", kind="complaint",
                           assignee=agent)

    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    tasks = page.locator("section.tasks")
    tasks.locator("input[name=title]").fill("核查同批次包装并补发")
    tasks.locator("select[name=department]").select_option("warehouse")
    tasks.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    item = page.get_by_test_id("task-item")
    assert "仓储" in item.inner_text() and "未分配" in item.inner_text()

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    other = context.new_page()
    other.set_default_timeout(10_000)
    other.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(other, live_server, member.username)
    other.wait_for_load_state()
    assert other.locator("nav a[href='/tasks/']").count() == 1
    other.goto(f"{live_server.url}/tasks/")
    row = other.get_by_test_id("task-row")
    assert row.count() == 1 and ticket.number in row.inner_text()
    row.get_by_test_id("task-claim").click()
    other.wait_for_url("**/tasks/")
    row = other.get_by_test_id("task-row")
    assert "赵强" in row.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    other.screenshot(path=str(SCREENSHOTS / "department-tasks-queue.png"), full_page=True)
    row.locator("input[name=note]").fill("已补发，顺丰 SF1234567")
    row.get_by_test_id("task-done").click()
    other.wait_for_url("**/tasks/")
    assert other.get_by_test_id("task-row").count() == 0
    context.close()

    page.goto(f"{live_server.url}/notifications/")
    notice = page.get_by_test_id("notification").filter(has_text="SF1234567")
    assert notice.count() == 1
    assert ticket.number in notice.inner_text() and "赵强" in notice.inner_text()
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert "已完成" in page.get_by_test_id("task-item").inner_text()
    screenshot("department-tasks-ticket")
    assert errors == []
