"""Seed the "China back office" and "Online service" calendars with mainland holidays from chinese-calendar."""

import datetime as dt

from django.db import migrations

SOURCE = "chinese-calendar"
NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    BusinessCalendar = apps.get_model("helpdesk", "BusinessCalendar")
    WorkingInterval = apps.get_model("helpdesk", "WorkingInterval")
    CalendarHoliday = apps.get_model("helpdesk", "CalendarHoliday")
    CalendarWorkday = apps.get_model("helpdesk", "CalendarWorkday")
    CalendarYear = apps.get_model("helpdesk", "CalendarYear")
    shapes = [
        ("china-back-office", "中国后台 China back office", True, [(d, dt.time(9), dt.time(18)) for d in range(5)]),
        ("online-service", "在线客服 Online service", False, [(d, dt.time(8), dt.time(0)) for d in range(7)]),
    ]
    years = sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})
    for code, name, uses_holidays, intervals in shapes:
        calendar, created = BusinessCalendar.objects.get_or_create(
            code=code, defaults={"name": name, "timezone": "Asia/Shanghai", "uses_holidays": uses_holidays}
        )
        if not created:
            continue
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, weekday=d, start_time=s, end_time=e) for d, s, e in intervals
        )
        CalendarYear.objects.bulk_create(CalendarYear(calendar=calendar, year=y, source=SOURCE) for y in years)
        CalendarHoliday.objects.bulk_create(
            CalendarHoliday(calendar=calendar, date=day, name=NAMES_ZH.get(str(h), str(h)))
            for day, h in sorted(constants.holidays.items())
        )
        CalendarWorkday.objects.bulk_create(
            CalendarWorkday(calendar=calendar, date=day, name=NAMES_ZH.get(str(h), str(h)) + "调休")
            for day, h in sorted(constants.workdays.items())
        )


def unseed(apps, schema_editor):
    apps.get_model("helpdesk", "BusinessCalendar").objects.filter(
        code__in=["china-back-office", "online-service"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0003_add_business_calendars")]

    operations = [migrations.RunPython(seed, unseed)]
