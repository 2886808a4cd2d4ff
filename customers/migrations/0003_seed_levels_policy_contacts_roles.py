"""Ship the default customer levels and privacy policy, give existing archives contact rows, and sync the role groups."""

import re

from django.db import migrations

from helpdesk.roles import role_groups_sync

LEVELS = [("normal", "普通", 0), ("vip", "VIP", 1), ("svip", "SVIP", 2)]


def _phone(raw):
    digits = re.sub(r"\D", "", raw or "")
    if (raw or "").strip().startswith("+") and not digits.startswith("86"):
        return f"+{digits}"
    return digits[2:] if len(digits) == 13 and digits.startswith("861") else digits


def seed(apps, schema_editor):
    CustomerLevel = apps.get_model("customers", "CustomerLevel")
    PrivacyPolicy = apps.get_model("customers", "PrivacyPolicy")
    Customer = apps.get_model("customers", "Customer")
    CustomerContact = apps.get_model("customers", "CustomerContact")
    for code, name, position in LEVELS:
        CustomerLevel.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    if not PrivacyPolicy.objects.exists():
        PrivacyPolicy.objects.create(allow_agent_reveal=True)
    batch = []
    for customer in Customer.objects.exclude(phone="", email="").only("pk", "phone", "email").iterator(chunk_size=5000):
        if customer.phone and _phone(customer.phone):
            batch.append(CustomerContact(customer_id=customer.pk, kind="phone", value=customer.phone,
                                         normalized=_phone(customer.phone), is_primary=True))
        if customer.email:
            batch.append(CustomerContact(customer_id=customer.pk, kind="email", value=customer.email,
                                         normalized=customer.email.strip().lower(), is_primary=True))
        if len(batch) >= 5000:
            CustomerContact.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CustomerContact.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_archive_contacts_reviews_audit"),
        ("helpdesk", "0002_create_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(role_groups_sync, migrations.RunPython.noop),
    ]
