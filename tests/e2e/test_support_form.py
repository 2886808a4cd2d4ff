import pytest

from tests.defaults import defaults_load
from tickets.models import Attachment, Ticket

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def shipped_defaults(db):
    """Transactional tests flush migration rows: put back the categories and routing rules."""
    defaults_load("tickets.migrations.0002_default_categories", "add_categories")
    defaults_load("tickets.migrations.0009_default_routing_rules")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport, name", [({"width": 1280, "height": 800}, "desktop"), ({"width": 375, "height": 740}, "phone")])
def test_customer_files_a_complaint_on_the_web_form_and_sees_the_number(browser, live_server, shipped_defaults,
                                                                          tmp_path, viewport, name):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    photo = tmp_path / "broken.png"
    photo.write_bytes(PNG)

    page.goto(f"{live_server.url}/support/new/")
    page.fill("#id_name", "赵敏")
    page.fill("#id_phone", "13800138000")
    page.click("button.primary")  # the description is missing: the form comes back with the error
    assert page.locator(".field.invalid").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / f"support-form-error-{name}.png"), full_page=True)
    page.fill("#id_email", "zhao@example.com")
    page.select_option("#id_category", label="产品质量")
    page.fill("#id_description", "收到的杯子碎了，外包装完好。")
    page.set_input_files("#id_photos", str(photo))
    page.screenshot(path=str(SCREENSHOTS / f"support-form-{name}.png"), full_page=True)
    page.click("button.primary")
    page.wait_for_url("**/support/done/**")
    number = page.get_by_test_id("ticket-number").inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"support-done-{name}.png"), full_page=True)

    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == "web" and ticket.team.code == "aftersales" and ticket.category.code == "quality"
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
    assert errors == []
    context.close()
