"""Ship the default KPI settings: response times on the online-service calendar, a 3-day conversion window."""

from django.db import migrations


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    KpiSettings = apps.get_model("kpi", "KpiSettings")
    if not KpiSettings.objects.exists():
        KpiSettings.objects.create(
            calendar=BusinessCalendar.objects.filter(code="online-service").first(), conversion_window_days=3
        )


class Migration(migrations.Migration):
    dependencies = [("kpi", "0002_add_ticket_facts"), ("helpdesk", "0004_seed_business_calendars")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
