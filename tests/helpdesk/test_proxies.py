import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.checks import trusted_proxies_check
from helpdesk.proxies import client_address, trusted_networks

PROXIES = trusted_networks(("10.0.0.0/8", "192.168.1.5"))


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("203.0.113.9", "", "203.0.113.9"),
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from a trusted proxy: the header is the client's own words
    ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
    ("10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote 1.2.3.4 itself
    ("10.0.0.2", "203.0.113.9, 192.168.1.5", "203.0.113.9"),  # two trusted proxies in a row
    ("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"),  # every hop trusted: the leftmost one
    ("10.0.0.2", "not-an-ip, 203.0.113.9", "203.0.113.9"),
    ("10.0.0.2", "203.0.113.9, garbage", "10.0.0.2"),
    ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
])
def test_the_client_is_the_first_address_no_trusted_proxy_vouches_for(remote, forwarded, expected):
    assert client_address(remote, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks(())) == "127.0.0.1"


def test_a_bad_entry_is_refused_at_start_up(settings):
    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        trusted_networks(("10.0.0.1", "proxy.example"))
    settings.TRUSTED_PROXIES = ["proxy.example"]
    assert [error.id for error in trusted_proxies_check()] == ["helpdesk.E001"]
    settings.TRUSTED_PROXIES = ["10.0.0.1", "fd00::/8"]
    assert trusted_proxies_check() == []


@pytest.mark.django_db
def test_requests_see_the_client_address_only_through_a_trusted_proxy(client, settings, agent):
    from helpdesk.models import LoginFailure

    client.post("/login/", {"username": agent.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.post("/login/", {"username": agent.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert list(LoginFailure.objects.order_by("at").values_list("address", flat=True)) == ["10.0.0.2", "203.0.113.9"]
