import importlib

import pytest
from django.apps import apps


@pytest.fixture
def sla_defaults(db):
    """Make sure the shipped calendars and SLA policies exist (transactional tests flush migration rows)."""
    importlib.import_module("helpdesk.migrations.0004_seed_business_calendars").seed(apps, None)
    importlib.import_module("tickets.migrations.0004_default_sla_policies").seed(apps, None)
