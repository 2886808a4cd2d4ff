"""Ship the follow-up defaults of DOMAIN §6 and the survey dimensions of §7."""

from django.db import migrations

RULES = [
    # code, name, trigger, delay, kind, channel, owner, segment level, script
    ("delivered-7d", "签收后7天回访 Delivery + 7 days", "order_delivered", 7, "call", "phone", "round_robin", "",
     "您好，我是店铺客服，您的订单已签收一周，请问商品使用是否满意？有任何问题我们随时为您处理。"),
    ("return-closed-7d", "退货完成后7天回访 Return closed + 7 days", "return_closed", 7, "call", "phone", "handler", "",
     "您好，您的退货已处理完成，请问退款是否已到账？对处理过程是否满意？"),
    ("exchange-closed-7d", "换货完成后7天回访 Exchange closed + 7 days", "exchange_closed", 7, "call", "phone", "handler", "",
     "您好，您换货的商品已收到一周，请问新商品是否满意？"),
    ("complaint-resolved-3d", "投诉解决后3天回访 Complaint resolved + 3 days", "complaint_resolved", 3, "call", "phone",
     "handler", "", "您好，您之前反映的问题已处理三天，请问问题是否已彻底解决？对我们的处理是否满意？"),
    ("monthly-vip", "VIP客户月度回访 Monthly VIP visit", "monthly", 0, "call", "phone", "round_robin", "vip",
     "您好，感谢您一直以来的支持，本月想了解一下您的使用体验和建议。"),
]
QUESTIONS = [
    ("efficiency", "解决效率：问题解决得是否及时？", "Resolution efficiency: was your issue solved quickly?", "0.40", 1),
    ("professionalism", "专业程度：客服是否专业、耐心？", "Professionalism: was the agent competent and patient?", "0.30", 2),
    ("accuracy", "准确性：给您的答复是否准确？", "Accuracy: were the answers you got correct?", "0.30", 3),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("customers", "FollowUpRule")
    Question = apps.get_model("customers", "SurveyQuestion")
    Settings = apps.get_model("customers", "FollowUpSettings")
    Team = apps.get_model("helpdesk", "Team")
    aftersales = Team.objects.filter(code="aftersales").first()
    for code, name, trigger, delay, kind, channel, owner, level, script in RULES:
        Rule.objects.get_or_create(code=code, defaults={
            "name": name, "trigger": trigger, "delay_days": delay, "kind": kind, "channel": channel, "owner": owner,
            "segment_level": level, "script": script, "team": aftersales,
        })
    Rule.objects.get_or_create(code="ticket-resolved-survey", defaults={
        "name": "工单解决后满意度调查 Survey after a ticket is resolved", "trigger": "ticket_resolved", "delay_days": 1,
        "kind": "survey", "channel": "sms", "owner": "handler", "is_active": False,
        "message": "{customer_name}您好，请为本次服务打分：{survey_url}",
    })
    for code, zh, en, weight, position in QUESTIONS:
        Question.objects.get_or_create(code=code, defaults={"text_zh": zh, "text_en": en, "weight": weight,
                                                            "position": position})
    if not Settings.objects.exists():
        Settings.objects.create()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_add_followup_visits_surveys_messages"),
        ("helpdesk", "0006_resync_role_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
