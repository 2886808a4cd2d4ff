"""Serializers of the follow-up API: visits, the steps of a call, survey responses and answers."""

from rest_framework import serializers

from customers.privacy import mask_phone, may_view_pii
from followups.models import FollowUpVisit, SurveyResponse
from helpdesk.api import strict

Outcome = FollowUpVisit.Outcome


class FollowUpVisitSerializer(strict.ModelSerializer):
    customer_name = strict.CharField(source="customer.name", read_only=True)
    customer_phone = serializers.SerializerMethodField()
    rule_name = strict.CharField(source="rule.name", read_only=True, default="")
    ticket_number = strict.CharField(source="ticket.number", read_only=True, default=None)
    order_number = strict.CharField(source="order.number", read_only=True, default=None)
    created_ticket_number = strict.CharField(source="created_ticket.number", read_only=True, default=None)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "rule", "rule_name", "source_type", "source_id", "period", "customer", "customer_name",
                  "customer_phone", "order", "order_number", "return_request", "ticket", "ticket_number", "kind",
                  "channel", "status", "skip_reason", "due_at", "is_provisional", "team", "assignee", "handler", "script", "attempts",
                  "outcome", "satisfaction", "notes", "completed_at", "completed_by", "created_ticket",
                  "created_ticket_number", "created_at"]
        read_only_fields = fields

    def get_customer_phone(self, visit) -> str:
        phone = visit.customer.phone
        return phone if may_view_pii(self.context["request"].user) else mask_phone(phone)


class CompleteSerializer(serializers.Serializer):
    outcome = strict.ChoiceField(choices=[Outcome.REACHED, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.REFUSED])
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    notes = strict.CharField(required=False, allow_blank=True, max_length=4000, default="")


class RescheduleSerializer(serializers.Serializer):
    due_at = strict.DateTimeField()
    note = strict.CharField(required=False, allow_blank=True, max_length=1000, default="")

    def validate_due_at(self, value):
        if value.year < 2 or value.year > 9998:
            raise serializers.ValidationError("Out of range.")
        return value


class VisitTicketSerializer(serializers.Serializer):
    subject = strict.CharField(required=False, allow_blank=True, max_length=200, default="")
    description = strict.CharField(required=False, allow_blank=True, max_length=10000, default="")


class TicketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = strict.CharField()


class SurveyResponseSerializer(strict.ModelSerializer):
    customer_name = strict.CharField(source="customer.name", read_only=True)
    ticket_number = strict.CharField(source="ticket.number", read_only=True, default=None)
    order_number = strict.CharField(source="order.number", read_only=True, default=None)
    return_number = strict.CharField(source="return_request.number", read_only=True, default=None)
    low_score_ticket_number = strict.CharField(source="low_score_ticket.number", read_only=True, default=None)

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "customer", "customer_name", "ticket", "ticket_number", "return_request",
                  "return_number", "order", "order_number", "agent", "team", "overall", "answers", "score", "comment",
                  "is_low", "low_score_ticket", "low_score_ticket_number", "submitted_at"]
        read_only_fields = fields


class SurveyAnswerSerializer(serializers.Serializer):
    overall = serializers.IntegerField(min_value=1, max_value=5)
    answers = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5), required=False,
                                    help_text="Question code → score 1–5, one per active question (efficiency, professionalism, accuracy).")
    comment = strict.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AlibabaReportSerializer(serializers.Serializer):
    """One report of Alibaba Cloud's SmsReport push (the body is an array of them)."""

    phone_number = strict.CharField(required=False)
    send_time = strict.CharField(required=False)
    report_time = strict.CharField(required=False)
    success = strict.BooleanField()
    err_code = strict.CharField(required=False)
    err_msg = strict.CharField(required=False)
    sms_size = strict.CharField(required=False)
    biz_id = strict.CharField(help_text="The BizId SendSms returned.")
    out_id = strict.CharField(required=False, help_text="Our message id, sent as OutId.")


class AlibabaReportResultSerializer(serializers.Serializer):
    code = serializers.IntegerField(help_text="0: received.")
    msg = strict.CharField()


class TencentReportSerializer(serializers.Serializer):
    """One report of Tencent Cloud's SMS status callback (the body is an array of them)."""

    user_receive_time = strict.CharField(required=False)
    nationcode = strict.CharField(required=False)
    mobile = strict.CharField(required=False)
    report_status = strict.ChoiceField(choices=["SUCCESS", "FAIL"])
    errmsg = strict.CharField(required=False)
    description = strict.CharField(required=False)
    sid = strict.CharField(help_text="The SerialNo SendSms returned.")


class TencentReportResultSerializer(serializers.Serializer):
    result = serializers.IntegerField(help_text="0: received.")
    errmsg = strict.CharField()


class GatewayReportSerializer(serializers.Serializer):
    """One delivery report of the HTTP gateway (the body is one of them or an array)."""

    id = strict.CharField(help_text="The id the gateway answered the send with.")
    status = strict.ChoiceField(choices=["delivered", "failed"])
    code = strict.CharField(required=False)
    reason = strict.CharField(required=False)


class ReceiptResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Already delivered or failed: a repeated report.")
    unknown = serializers.IntegerField(help_text="No message sent through this provider has the id.")
