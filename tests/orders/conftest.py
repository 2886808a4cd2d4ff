import pytest
from django.core.cache import cache

from tests.factories.orders import business_calendars_seed


@pytest.fixture(autouse=True)
def public_lookup_attempts_forgotten():
    """Start each test with no failed order look-ups counted for the test client's address."""
    cache.delete("orders:lookup:127.0.0.1")
    yield
    cache.delete("orders:lookup:127.0.0.1")


@pytest.fixture
def back_office_calendar(transactional_db):
    """The seeded business calendars, again after a transactional test flushed them."""
    business_calendars_seed()
