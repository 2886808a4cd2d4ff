"""Every agent and supervisor page fits a phone (no sideways scrolling), and a ticket can be worked on one."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps

from chat import services as chat_services
from customers.models import Customer
from followups.models import FollowUpVisit
from helpdesk.demo import DEMO_PASSWORD, demo_data_load
from helpdesk.roles import role_groups_sync
from knowledge.models import Article
from orders.models import Order, ReturnRequest
from tests.defaults import defaults_load
from tests import chat_server
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_shell import log_in as log_in_page
from tests.factories import ChatWidgetFactory, CustomerFactory, TicketFactory, TicketMessageFactory
from tickets.models import Ticket

PHONE_WIDTHS = (360, 390, 430)
server = chat_server.server  # the fixture serving the chat inbox with its event stream

# (name, path or a function of the demo data returning it)
PAGES = [
    ("inbox", "/inbox/"),
    ("tickets", "/tickets/"),
    ("ticket", lambda: f"/tickets/{Ticket.objects.order_by('pk').first().pk}/"),
    ("call-new", "/calls/new/"),
    ("chat-inbox", "/chat/inbox/"),
    ("customers", "/customers/"),
    ("customer", lambda: f"/customers/{Customer.objects.order_by('pk').first().pk}/"),
    ("customer-edit", lambda: f"/customers/{Customer.objects.order_by('pk').first().pk}/edit/"),
    ("customer-new", "/customers/new/"),
    ("customer-reviews", "/customers/reviews/"),
    ("customer-duplicates", "/customers/duplicates/"),
    ("customer-import", "/customers/import/"),
    ("orders", "/orders/"),
    ("order", lambda: f"/orders/{Order.objects.order_by('pk').first().pk}/"),
    ("returns", "/returns/"),
    ("return", lambda: f"/returns/{ReturnRequest.objects.order_by('pk').first().pk}/"),
    ("followups", "/follow-ups/"),
    ("followup", lambda: f"/follow-ups/{FollowUpVisit.objects.order_by('pk').first().pk}/"),
    ("followup-report", "/follow-ups/report/"),
    ("approvals", "/approvals/"),
    ("tasks", "/tasks/"),
    ("at-risk", "/sla/at-risk/"),
    ("kpi", "/kpi/"),
    ("kpi-live", "/kpi/live/"),
    ("kpi-reports", "/kpi/reports/"),
    ("scorecards", "/kpi/scorecards/"),
    ("kpi-drill", "/kpi/drill/complaint_rate/"),
    ("my-inspections", "/kpi/quality/mine/"),
    ("quality", "/kpi/quality/"),
    ("knowledge", "/knowledge/"),
    ("knowledge-kpi", "/knowledge/kpi/"),
    ("article", lambda: f"/knowledge/{Article.objects.order_by('pk').first().pk}/"),
    ("article-new", "/knowledge/new/"),
    ("article-edit", lambda: f"/knowledge/{Article.objects.order_by('pk').first().pk}/edit/"),
    ("canned", "/canned-replies/"),
    ("canned-new", "/canned-replies/new/"),
]

# The page's own width, and the innermost elements that stick out past the screen (to say what to fix).
OVERFLOW = """(width) => {
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && el.children.length === 0)
    .map(el => `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 6);
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide};
}"""
SCREENSHOT_PAGES = ("inbox", "ticket", "chat-inbox", "kpi")


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/inbox/")


def page_paths() -> list[tuple[str, str]]:
    return [(name, target() if callable(target) else target) for name, target in PAGES]


def save_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# The data migrations whose rows the demo and the pages read (a transactional test flushes them).
SHIPPED_DEFAULTS = [
    ("tickets.migrations.0002_default_categories", "add_categories"),
    ("tickets.migrations.0009_default_routing_rules", "seed"),
    ("sla.migrations.0005_default_step_policy", "seed"),
    ("orders.migrations.0003_default_return_policy", "defaults_create"),
    ("customers.migrations.0003_seed_levels_policy_contacts_roles", "seed"),
    ("customers.migrations.0007_seed_followup_rules_questions", "seed"),
    ("kpi.migrations.0003_default_kpi_settings", "seed"),
    ("kpi.migrations.0006_default_scorecard_and_checklist", "seed"),
]


@pytest.fixture
def demo(sla_defaults):
    """Load the demo data (a flushed database first gets its role groups, categories and step policy back)."""
    role_groups_sync(django_apps)
    import_module("tickets.migrations.0004_workspace_defaults").add_defaults(django_apps, None)  # canned replies
    for migration, function in SHIPPED_DEFAULTS:
        defaults_load(migration, function)
    demo_data_load()


def _context(browser, width, height, mobile):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": height},
                               is_mobile=mobile, has_touch=mobile, device_scale_factor=1)


@pytest.fixture
def phone(browser):
    context = _context(browser, 390, 844, True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_no_agent_page_scrolls_sideways_on_a_phone(phone, live_server, demo):
    log_in(phone, live_server.url, "manager")
    too_wide = []
    for width in PHONE_WIDTHS:
        phone.set_viewport_size({"width": width, "height": 844})
        for name, path in page_paths():
            response = phone.goto(f"{live_server.url}{path}")
            assert response.status == 200, (name, path, response.status)
            phone.wait_for_load_state("load")
            measured = phone.evaluate(OVERFLOW, width)
            # A phone widens its layout viewport to fit a too-wide page, so the screen width is checked too.
            if measured["scroll"] > measured["inner"] or measured["inner"] != width:
                too_wide.append((width, name, measured["scroll"], measured["wide"]))
            if width == 390 and name in SCREENSHOT_PAGES:
                save_screenshot(phone, f"{name}-phone")
    assert too_wide == [], "\n".join(map(str, too_wide))


@pytest.mark.django_db(transaction=True)
def test_desktop_pages_keep_their_layout(browser, live_server, demo):
    context = _context(browser, 1440, 900, False)
    page = context.new_page()
    log_in(page, live_server.url, "manager")
    too_wide = []
    for name, path in page_paths():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        measured = page.evaluate(OVERFLOW, 1440)
        if measured["scroll"] > measured["inner"]:
            too_wide.append((name, measured["scroll"], measured["wide"]))
        if name in SCREENSHOT_PAGES:
            save_screenshot(page, f"{name}-desktop")
    assert page.locator(".sidebar nav").is_visible()
    assert page.locator("[data-testid=menu-toggle]").is_hidden()
    context.close()
    assert too_wide == [], "\n".join(map(str, too_wide))


def assert_thumb_sized(locator):
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 40 and box["width"] >= 40, box


def assert_fits(page, width):
    measured = page.evaluate(OVERFLOW, width)
    assert measured["scroll"] <= measured["inner"] == width, measured


@pytest.mark.django_db(transaction=True)
def test_an_agent_works_a_ticket_on_a_phone(phone, live_server, agent, team):
    customer = CustomerFactory(name="王芳")
    ticket = TicketFactory(team=team, customer=customer, subject="收到的茶叶罐破损", kind="complaint", assignee=agent,
                           status=Ticket.Status.OPEN)
    TicketMessageFactory(ticket=ticket, body="罐子压扁了，茶叶受潮。")
    log_in_page(phone, live_server, agent.username)
    phone.wait_for_url("**/inbox/")
    assert_fits(phone, 390)

    menu = phone.get_by_test_id("menu-toggle")
    assert_thumb_sized(menu)
    assert phone.locator(".sidebar nav").is_hidden()
    menu.tap()
    assert phone.locator(".sidebar nav").is_visible() and menu.get_attribute("aria-expanded") == "true"
    menu.tap()
    assert phone.locator(".sidebar nav").is_hidden()

    phone.get_by_role("link", name="收到的茶叶罐破损").tap()
    phone.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert_fits(phone, 390)
    assert phone.get_by_test_id("message").first.is_visible()
    assert "罐子压扁了" in phone.get_by_test_id("message").first.inner_text()

    body = phone.locator("#reply-form textarea[name=body]")
    body.tap()
    body.fill("您好，我们马上为您补发。")
    send = phone.get_by_test_id("send")
    assert_thumb_sized(send)
    send.tap()
    phone.wait_for_selector("text=您好，我们马上为您补发。")
    assert phone.get_by_test_id("message").count() == 2

    status = phone.get_by_test_id("transition-status")
    status.scroll_into_view_if_needed()
    assert status.bounding_box()["height"] >= 40
    status.select_option(Ticket.Status.RESOLVED)
    change = phone.locator("form:has([data-testid=transition-status]) button[type=submit]")
    assert_thumb_sized(change)
    with phone.expect_navigation():
        change.tap()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert_fits(phone, 390)
    save_screenshot(phone, "ticket-phone-after-reply")


@pytest.mark.django_db(transaction=True)
def test_an_agent_answers_a_chat_on_a_phone(phone, server, agent, team):
    widget = ChatWidgetFactory(team=team)
    session = chat_services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
    chat_services.chat_message_post(session=session, sender="customer", body="耳机什么时候发货？")
    chat_services.chat_accept(session=session, agent=agent)
    log_in_page(phone, SimpleNamespace(url=server), agent.username)
    phone.goto(f"{server}/chat/inbox/")
    assert phone.locator("#chat-pane").is_hidden()  # no empty conversation pane before a chat is chosen
    phone.get_by_test_id("chat-mine-row").filter(has_text="王小明").tap()
    phone.get_by_test_id("agent-chat-message").filter(has_text="耳机什么时候发货").wait_for()
    send = phone.get_by_test_id("agent-chat-send")
    phone.get_by_test_id("agent-chat-input").fill("您好，今天下午发货。")
    assert_thumb_sized(send)
    send.tap()
    phone.get_by_test_id("agent-chat-message").filter(has_text="今天下午发货").wait_for()
    assert_fits(phone, 390)
    save_screenshot(phone, "chat-phone")
