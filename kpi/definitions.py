"""The written KPI definitions (DOMAIN §7): what each metric counts, over what, on which time basis."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    """One indicator: its key in the API, its name, unit, numerator, denominator, time basis and exclusions."""

    key: str
    name: str
    unit: str
    numerator: str
    denominator: str
    basis: str
    exclusions: str = ""


CREATED = _("tickets created in the period (local days, Asia/Shanghai)")
REVIEWED = _("reviews by the time the customer reviewed (local days, Asia/Shanghai)")

METRICS = (
    Metric("consultation_volume", _("Consultation volume 咨询量"), "count",
           _("tickets created, all channels"), _("none"), CREATED, _("merged duplicates count once each")),
    Metric("first_response_time_mean", _("First response time 首次响应时间 (mean)"), "minutes",
           _("sum of business minutes from creation to the first public agent reply"),
           _("tickets with a first reply"), CREATED,
           _("tickets without a reply yet; business minutes on the ticket's SLA calendar")),
    Metric("first_response_time_median", _("First response time 首次响应时间 (median)"), "minutes",
           _("median of the same minutes, read from daily histograms: within 4.4 percent of the exact median (exact for one agent)"),
           _("tickets with a first reply"), CREATED),
    Metric("average_response_time", _("Average response time 平均响应时间"), "minutes",
           _("sum of business minutes from each waiting customer turn to the agent reply that answers it"),
           _("answered customer turns"), CREATED, _("internal notes; turns still waiting")),
    Metric("first_contact_resolution_rate", _("First-contact resolution rate 首次解决率"), "percent",
           _("resolved tickets never reopened whose customer needed at most one answer"),
           _("resolved or closed tickets"), CREATED),
    Metric("first_response_sla_rate", _("First response within SLA"), "percent",
           _("first-response SLA timers met"), _("first-response SLA timers met or breached"), CREATED,
           _("timers still running; breaches excused by force majeure (shown apart)")),
    Metric("resolution_sla_rate", _("Resolution within deadline 问题解决率"), "percent",
           _("resolved tickets whose resolution SLA timer was met"),
           _("tickets whose resolution timer was met or breached"), CREATED,
           _("tickets without a resolution target; excused breaches (shown apart)")),
    Metric("complaint_timeliness_rate", _("Complaint handling timeliness 投诉处理及时率"), "percent",
           _("complaints resolved within their resolution SLA"),
           _("complaints whose resolution timer was met or breached"), CREATED, _("excused breaches")),
    Metric("step_timeliness_rate", _("Step timeliness 投诉环节及时率"), "percent",
           _("complaint steps completed by their step deadline"),
           _("complaint steps completed, or overdue and not completed"), CREATED,
           _("steps without a deadline; steps still running before their deadline")),
    Metric("excused_breaches", _("Breaches excused by force majeure"), "count",
           _("tickets with an SLA timer excused by a supervisor"), _("none"), CREATED),
    Metric("csat", _("Customer satisfaction 客户满意度"), "score",
           _("sum of weighted survey scores, each Σ(dimension score × weight) ÷ Σ weight on 1–5"),
           _("survey responses"), _("responses submitted in the period; team, agent and channel of the ticket"),
           _("surveys not answered or expired")),
    Metric("complaint_rate", _("Complaint rate 投诉率"), "percent",
           _("complaint tickets created"), _("orders placed in the period"),
           _("complaints by creation; orders by placed_at")),
    Metric("return_rate", _("Return rate 退货率"), "percent",
           _("return requests (kind return) submitted"), _("orders delivered in the period"),
           _("returns by submission; orders by delivered_at"), _("exchanges; cancelled requests")),
    Metric("conversion_rate", _("Conversion rate 转化率"), "percent",
           _("pre-sales chats whose customer placed an order within N days after the chat started"),
           _("pre-sales chats (channel chat, kind consultation)"), CREATED,
           _("N is the admin's conversion window (default 3 days)")),
    Metric("positive_review_rate", _("Positive review rate 好评率"), "percent",
           _("shop reviews rated 4 or 5"), _("shop reviews"), REVIEWED,
           _("team and agent: the agent and team of the order's last ticket created before the review")),
    Metric("negative_review_rate", _("Negative review rate 差评率"), "percent",
           _("shop reviews rated at or below the 差评 threshold (default 2)"), _("shop reviews"), REVIEWED,
           _("team and agent: the agent and team of the order's last ticket created before the review")),
    Metric("negative_review_in_time_rate", _("差评 handled in time"), "percent",
           _("差评 tickets whose first contact met their SLA"),
           _("差评 tickets whose first-contact timer was met or breached"), REVIEWED,
           _("timers still running; excused breaches")),
    Metric("order_ship_timeliness_rate", _("Order processing timeliness 订单处理及时率"), "percent",
           _("orders shipped within the promised time after payment (default 48 hours)"),
           _("orders shipped, or unshipped past the promised time"), _("orders paid in the period"),
           _("cancelled or refunded orders never shipped; orders still within their promised time")),
    Metric("phone_answer_rate", _("Phone answer speed 电话接听及时率"), "percent",
           _("incoming calls answered within N seconds of ringing (default 15, about three rings)"),
           _("incoming calls logged"), _("calls logged in the period; team of the call's ticket, agent of the call"),
           _("outgoing calls")),
)

METRICS_BY_KEY = {metric.key: metric for metric in METRICS}
