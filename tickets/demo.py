"""Sample tickets and conversations for the demo."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tickets.models import CannedReply, Category, DepartmentTeam, InternalTask, Remedy, Ticket, TicketMessage
from tickets.selectors import department_team_ids_forget
from tickets.services import (
    internal_task_create,
    remedy_propose,
    ticket_create,
    ticket_escalate,
    ticket_message_add,
)

K, C, P = Ticket.Kind, Ticket.Channel, Ticket.Priority

# (customer, order or None, team, assignee or None, kind, channel, priority, category code, subject, conversation)
# A conversation line starting with "客服:" is an agent reply, "备注:" an internal note, anything else the customer.
TICKETS = [
    (0, 0, "aftersales", "agent2", K.COMPLAINT, C.CHAT, P.HIGH, "quality", "收到的龙井茶罐有破损，茶叶受潮",
     ["你好，我昨天收到的龙井茶罐子压扁了，里面的茶叶有点受潮。", "客服:您好王女士，非常抱歉给您带来不便！麻烦您拍一下外包装和茶罐的照片，我马上为您处理。",
      "照片已经发了，你们看怎么处理？", "备注:已联系仓库核查同批次包装，疑似运输挤压。"]),
    (1, 2, "presales", "agent", K.ORDER_ISSUE, C.CHAT, P.NORMAL, "logistics", "耳机已发货三天还没到",
     ["订单显示已经发货三天了，物流一直没更新，什么时候能到？"]),
    (2, 3, "aftersales", None, K.AFTER_SALES, C.EMAIL, P.NORMAL, "quality", "空气净化器运行有异响",
     ["净化器开到三档的时候有很明显的嗡嗡声，是不是质量问题？希望能换一台。"]),
    (3, 4, "aftersales", "agent2", K.COMPLAINT, C.PHONE, P.URGENT, "attitude", "投诉上次客服态度差",
     ["上次打电话问退货，客服很不耐烦直接挂了电话，我要投诉！", "客服:刘先生您好，对于之前的服务体验我们深表歉意，我是售后专员张伟，这次由我全程跟进您的问题。"]),
    (4, 6, "presales", None, K.CONSULTATION, C.WEB, P.LOW, "other", "绘本套装适合几岁的孩子？",
     ["请问这套绘本适合三岁的孩子吗？有没有拼音？"]),
    (5, 7, "presales", "agent", K.CONSULTATION, C.MARKETPLACE, P.NORMAL, "other", "跑步鞋尺码偏大还是偏小？",
     ["平时穿42的，这款需要拍大一码吗？", "客服:您好，这款鞋型偏标准，建议按平时尺码选择42码即可。"]),
    (6, 8, "presales", "agent", K.ORDER_ISSUE, C.CHAT, P.NORMAL, "payment", "订单取消了但没有退款",
     ["我取消了订单，但是钱还没退回来，已经两天了。"]),
    (7, 9, "aftersales", None, K.COMPLAINT, C.SOCIAL, P.HIGH, "quality", "大衣掉毛严重，要求退货",
     ["刚买的大衣穿了一次就掉毛掉得很厉害，你们这是什么质量？我要退货！"]),
    (8, 10, "presales", None, K.CONSULTATION, C.CHAT, P.NORMAL, "logistics", "可以改收货地址吗？",
     ["订单已经发货了，还能改收货地址吗？我搬家了。"]),
    (9, 11, "aftersales", "agent2", K.AFTER_SALES, C.EMAIL, P.NORMAL, "quality", "净化器滤网更换咨询",
     ["用了一个多月，滤网要多久换一次？在哪里买？", "客服:吴先生您好，滤网建议每3-6个月更换一次，店铺首页即可购买原装滤网。"]),
    (10, 12, "aftersales", None, K.AFTER_SALES, C.CHAT, P.NORMAL, "other", "纸尿裤想换成XL码",
     ["宝宝长得快，L码有点小了，没拆封的能换成XL吗？"]),
    (11, 13, "presales", None, K.CONSULTATION, C.PHONE, P.NORMAL, "payment", "能开增值税专用发票吗？",
     ["公司采购，请问可以开专票吗？需要提供什么资料？"]),
]


def demo_tickets_load(context: dict) -> list[Ticket]:
    """Create the sample tickets with their conversations, once per customer and subject."""
    customers, orders, teams, users = context["customers"], context["orders"], context["teams"], context["users"]
    categories = {category.code: category for category in Category.objects.all()}
    tickets = []
    for customer_i, order_i, team, assignee, kind, channel, priority, category, subject, conversation in TICKETS:
        customer = customers[customer_i]
        ticket = Ticket.objects.filter(customer=customer, subject=subject).first()
        if ticket is None:
            agent = users[assignee] if assignee else None
            ticket = ticket_create(
                actor=None, customer=customer, team=teams[team], subject=subject, description=conversation[0],
                kind=kind, channel=channel, priority=priority, category=categories.get(category),
                order=_order_of(customer, orders, order_i), assignee=agent,
            )
            for line in conversation[1:]:  # the first line is the description, shown as the opening message
                if line.startswith("客服:"):
                    # Demo history: already answered, nothing to mail.
                    ticket_message_add(ticket=ticket, actor=agent, body=line[3:], sender=TicketMessage.Sender.AGENT,
                                       send_email=False)
                elif line.startswith("备注:"):
                    ticket_message_add(ticket=ticket, actor=agent, body=line[3:], sender=TicketMessage.Sender.AGENT,
                                       is_internal=True)
                else:
                    ticket_message_add(ticket=ticket, actor=None, body=line, sender=TicketMessage.Sender.CUSTOMER)
        tickets.append(ticket)
    _demo_workflow_load(tickets, context)
    return tickets


def _demo_workflow_load(tickets: list[Ticket], context: dict) -> None:
    """Give the demo an escalated complaint, a remedy awaiting approval, an internal task and a team reply."""
    users, teams = context["users"], context["teams"]
    late_parcel, no_refund, damaged_tea = tickets[1], tickets[6], tickets[0]
    late_parcel.refresh_from_db()
    late_parcel.team.refresh_from_db(fields=["supervisor"])
    if late_parcel.escalated_to_id is None and late_parcel.team.supervisor_id:
        ticket_escalate(ticket=late_parcel, actor=users["agent"], reason="客户第三次来询，情绪激动，要求主管处理")
    if not Remedy.objects.filter(ticket=no_refund).exists():
        remedy_propose(ticket=no_refund, actor=users["agent"], kind=Remedy.Kind.REFUND, amount=Decimal("899.00"),
                       note="订单已取消，原路退款")
    for department in (InternalTask.Department.WAREHOUSE, InternalTask.Department.LOGISTICS,
                       InternalTask.Department.FINANCE, InternalTask.Department.PRODUCT):
        DepartmentTeam.objects.get_or_create(department=department, defaults={"team": teams[f"dept-{department.value}"]})
    transaction.on_commit(department_team_ids_forget)
    if not InternalTask.objects.filter(ticket=damaged_tea).exists():
        internal_task_create(ticket=damaged_tea, actor=users["agent2"], title="核查同批次茶罐包装并安排补发",
                             department=InternalTask.Department.WAREHOUSE, due_at=timezone.now() + dt.timedelta(hours=4))
    CannedReply.objects.get_or_create(
        team=teams["presales"], shortcut="size",
        defaults={"title": "尺码建议", "body": "{customer_name}您好，这款尺码标准，建议按平时尺码选择，不合适支持七天无理由退换。"},
    )


def _order_of(customer, orders, index):
    """Return the demo order at index if it still belongs to the customer (an archive merge may have moved it)."""
    if index is None or orders[index].customer_id != customer.pk:
        return None
    return orders[index]
