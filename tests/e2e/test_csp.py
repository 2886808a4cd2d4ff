"""Every page is served with the Content-Security-Policy and nothing on it is refused by the browser."""

import pytest

from tests.e2e.test_shell import log_in
from tests.factories import CustomerFactory, UserFactory

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def visit(page, url):
    """Open a page; return its CSP header and the violations the browser reported on it."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response.headers.get("content-security-policy", ""), page.evaluate("window.__cspViolations")


@pytest.mark.django_db(transaction=True)
def test_pages_admin_and_api_docs_run_under_the_policy(page, live_server, supervisor):
    admin = UserFactory(username="t-csp-admin", role="Admin", is_staff=True, is_superuser=True)
    customer = CustomerFactory()
    page.add_init_script(WATCH_VIOLATIONS)
    errors = []
    page.on("console", lambda msg: msg.type == "error" and "Content Security Policy" in msg.text and errors.append(msg.text))
    policy, violations = visit(page, f"{live_server.url}/login/")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and violations == []
    log_in(page, live_server, supervisor.username)
    page.wait_for_url("**/inbox/")
    paths = ["/inbox/", "/tickets/", "/customers/", f"/customers/{customer.pk}/", "/customers/audit/reveals/",
             "/customers/reviews/", "/kpi/", "/orders/", "/search/?q=13800138000", "/api/docs/", "/no-such-page/"]
    for path in paths:
        policy, violations = visit(page, f"{live_server.url}{path}")
        assert "default-src 'self'" in policy, path
        assert violations == [], (path, violations)
        if path == "/api/docs/":
            page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI started under the policy
    page.context.clear_cookies()
    log_in(page, live_server, admin.username)
    page.wait_for_url("**/inbox/")
    for path in ["/admin/", "/admin/helpdesk/user/", f"/admin/helpdesk/user/{admin.pk}/change/",
                 "/admin/helpdesk/businesscalendar/add/", "/admin/customers/customer/", "/admin/no-such-page/"]:
        policy, violations = visit(page, f"{live_server.url}{path}")
        assert "default-src 'self'" in policy, path
        assert violations == [], (path, violations)
    assert errors == []
