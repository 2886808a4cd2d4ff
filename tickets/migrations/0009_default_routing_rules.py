"""Ship the default routing rules: complaints and after-sales to 售后, consultations and the rest to 售前."""

from django.db import migrations

TEAMS = {
    "presales": ("售前", "售前咨询：商品、库存、优惠、下单"),
    "aftersales": ("售后", "售后服务：退换货、投诉、维修"),
}
# (position, name, conditions, team code)
RULES = [
    (10, "投诉 → 售后 Complaints to after-sales", {"kind": "complaint"}, "aftersales"),
    (20, "售后 → 售后 After-sales to after-sales", {"kind": "after_sales"}, "aftersales"),
    (30, "订单问题 → 售后 Order issues to after-sales", {"kind": "order_issue"}, "aftersales"),
    (40, "咨询 → 售前 Consultations to pre-sales", {"kind": "consultation"}, "presales"),
    (1000, "其他 → 售前 Fallback to pre-sales", {}, "presales"),
]


def seed(apps, schema_editor):
    Team = apps.get_model("helpdesk", "Team")
    RoutingRule = apps.get_model("tickets", "RoutingRule")
    teams = {}
    for code, (name, description) in TEAMS.items():
        team = Team.objects.filter(code=code).first() or Team.objects.filter(name=name).first()
        teams[code] = team or Team.objects.create(code=code, name=name, description=description)
    for position, name, conditions, team in RULES:
        RoutingRule.objects.get_or_create(name=name, defaults={"position": position, "team": teams[team], **conditions})


def unseed(apps, schema_editor):
    apps.get_model("tickets", "RoutingRule").objects.filter(name__in=[r[1] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_add_channels_routing_email_phone"), ("helpdesk", "0006_resync_role_groups")]

    operations = [migrations.RunPython(seed, unseed)]
