"""Ship sub-categories, the default remedy limits, forbidden phrases and canned replies; sync role permissions."""

from decimal import Decimal

from django.db import migrations

from helpdesk.roles import role_groups_sync

SUBCATEGORIES = {
    "quality": [("quality-damaged", "商品破损"), ("quality-defect", "功能故障"), ("quality-mismatch", "与描述不符")],
    "attitude": [("attitude-rude", "态度恶劣"), ("attitude-slow", "回复不及时")],
    "logistics": [("logistics-delay", "物流延迟"), ("logistics-lost", "包裹丢失"), ("logistics-wrong", "错发漏发")],
    "payment": [("payment-refund", "退款未到账"), ("payment-invoice", "发票问题"), ("payment-coupon", "优惠券问题")],
    "other": [("other-presales", "售前咨询"), ("other-suggestion", "意见建议")],
}

LIMITS = [("Agent", Decimal("500")), ("Supervisor", Decimal("5000")), ("Manager", None), ("Admin", None)]

PHRASES = [
    ("不知道", "我帮您确认一下，稍后给您准确答复"),
    ("不归我管", "这个问题我来帮您联系相关同事处理"),
    ("你自己看", "我把具体步骤发给您，您可以按照步骤操作"),
    ("没办法", "我们一起看看还有什么其他解决方式"),
    ("爱买不买", "如果您还有顾虑，我可以为您详细介绍"),
    ("你听不懂吗", "可能是我没有解释清楚，我再为您说明一下"),
    ("这是规定", "根据平台规则，我们需要这样处理，感谢您的理解"),
]

CANNED = [
    ("hello", "问候", "您好{customer_name}，我是您的专属客服，很高兴为您服务！"),
    ("sorry", "致歉", "{customer_name}您好，非常抱歉给您带来不便，我们会尽快为您处理（工单号 {ticket_number}）。"),
    ("track", "物流查询", "您好，已为您查询订单 {order_number} 的物流，包裹正在派送途中，请您耐心等待。"),
    ("refund", "退款说明", "您好，订单 {order_number} 的退款将在审核通过后 1–3 个工作日原路退回。"),
    ("bye", "结束语", "感谢您的耐心，如还有其他问题随时联系我们，祝您生活愉快！"),
]


def add_defaults(apps, schema_editor):
    role_groups_sync(apps, schema_editor)
    Category = apps.get_model("tickets", "Category")
    for parent_code, children in SUBCATEGORIES.items():
        parent = Category.objects.filter(code=parent_code).first()
        if parent is None:
            continue
        for position, (code, name) in enumerate(children, start=1):
            Category.objects.get_or_create(code=code, defaults={"name": name, "parent": parent, "position": position})
    RemedyLimit = apps.get_model("tickets", "RemedyLimit")
    for role, amount in LIMITS:
        RemedyLimit.objects.get_or_create(role=role, defaults={"amount": amount})
    ForbiddenPhrase = apps.get_model("tickets", "ForbiddenPhrase")
    for phrase, suggestion in PHRASES:
        ForbiddenPhrase.objects.get_or_create(phrase=phrase, defaults={"suggestion": suggestion})
    CannedReply = apps.get_model("tickets", "CannedReply")
    for shortcut, title, body in CANNED:
        if not CannedReply.objects.filter(team__isnull=True, shortcut=shortcut).exists():
            CannedReply.objects.create(shortcut=shortcut, title=title, body=body)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_add_workspace_models"), ("helpdesk", "0002_create_role_groups")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
