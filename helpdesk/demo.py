"""Demo data for `make run`: teams, the demo users and each app's sample content.

Idempotent: every row is found by a natural key before it is created, so a
second run changes nothing. Each app adds its part in its own ``demo.py``.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from helpdesk.models import Team, User
from helpdesk.roles import Role

DEMO_PASSWORD = "helpdesk-demo"

TEAMS = [
    {"code": "presales", "name": "售前", "description": "售前咨询：商品、库存、优惠、下单"},
    {"code": "aftersales", "name": "售后", "description": "售后服务：退换货、投诉、维修"},
    # The departments that take internal tasks from tickets (部门任务), each mapped in tickets/demo.py.
    {"code": "dept-warehouse", "name": "仓储", "description": "仓库：库存核实、补发、包装"},
    {"code": "dept-logistics", "name": "物流", "description": "物流：快递查询、拦截、理赔"},
    {"code": "dept-finance", "name": "财务", "description": "财务：退款、补偿打款"},
    {"code": "dept-product", "name": "产品", "description": "产品：质量鉴定、说明书"},
]

USERS = [
    {"username": "agent", "display_name": "李娜", "role": Role.AGENT, "teams": ["presales"]},
    {"username": "agent2", "display_name": "张伟", "role": Role.AGENT, "teams": ["aftersales"]},
    {"username": "supervisor", "display_name": "陈静", "role": Role.SUPERVISOR, "teams": ["presales"], "leads": ["presales"]},
    {"username": "supervisor2", "display_name": "王磊", "role": Role.SUPERVISOR, "teams": ["aftersales"],
     "leads": ["aftersales"]},
    {"username": "manager", "display_name": "刘洋", "role": Role.MANAGER, "teams": ["presales", "aftersales"]},
    {"username": "warehouse", "display_name": "赵强", "role": Role.AGENT, "teams": ["dept-warehouse"]},
    {"username": "warehouse_lead", "display_name": "孙丽", "role": Role.SUPERVISOR, "teams": [], "leads": ["dept-warehouse"]},
    {"username": "logistics", "display_name": "周杰", "role": Role.AGENT, "teams": ["dept-logistics"]},
    {"username": "logistics_lead", "display_name": "吴敏", "role": Role.SUPERVISOR, "teams": [], "leads": ["dept-logistics"]},
    {"username": "finance", "display_name": "郑洁", "role": Role.AGENT, "teams": ["dept-finance"]},
    {"username": "finance_lead", "display_name": "冯涛", "role": Role.SUPERVISOR, "teams": [], "leads": ["dept-finance"]},
    {"username": "product", "display_name": "何静", "role": Role.AGENT, "teams": ["dept-product"]},
    {"username": "product_lead", "display_name": "许峰", "role": Role.SUPERVISOR, "teams": [], "leads": ["dept-product"]},
    {"username": "admin", "display_name": "系统管理员", "role": Role.ADMIN, "teams": [], "superuser": True},
]


def demo_users_load() -> dict:
    """Create the demo teams and users; return them by key."""
    teams = {}
    for spec in TEAMS:
        team, _created = Team.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        teams[spec["code"]] = team
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"], display_name=spec["display_name"],
                        email=f"{spec['username']}@demo.helpdesk.local")
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = spec.get("superuser", False)
            user.is_staff = spec["role"] == Role.ADMIN
            user.save()
            user.groups.add(Group.objects.get(name=spec["role"].value))
            for code in spec["teams"]:
                teams[code].members.add(user)
            for code in spec.get("leads", []):
                Team.objects.filter(pk=teams[code].pk, supervisor__isnull=True).update(supervisor=user)
        users[spec["username"]] = user
    return {"teams": teams, "users": users}


@transaction.atomic
def demo_data_load() -> dict:
    """Load every app's demo data once; return what exists afterwards."""
    # The one place helpdesk imports the apps above it, when the demo is loaded (an exception in .importlinter).
    from channels.demo import demo_channels_load
    from chat.demo import demo_chat_load
    from customers.demo import demo_customer_extras_load, demo_customers_load
    from followups.demo import demo_followups_load
    from knowledge.demo import demo_knowledge_load, demo_training_load
    from kpi.demo import demo_kpi_load
    from orders.demo import demo_orders_load
    from reviews.demo import demo_reviews_load
    from routing.demo import demo_routing_load
    from sla.demo import demo_sla_states_load
    from tickets.demo import demo_tickets_load

    context = demo_users_load()
    context["customers"] = demo_customers_load()
    context["orders"] = demo_orders_load(context)
    context["tickets"] = demo_tickets_load(context)
    demo_sla_states_load(context["tickets"])
    demo_channels_load(context)
    demo_customer_extras_load(context)
    context["chat_widget"] = demo_chat_load(context)
    demo_followups_load(context)
    demo_reviews_load(context)
    context["articles"] = demo_knowledge_load(context)
    demo_training_load(context)
    demo_kpi_load(context)
    demo_routing_load(context)
    return context
