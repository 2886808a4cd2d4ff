"""The floor: the inbox's 25 rows through the simplest honest Django template and DRF serializer, to set cases against.

Each floor reads the same rows the agent's inbox shows (the product's scoped selector, on the same
database and indexes) and renders them with nothing else: no middleware, session, form or layout.
A list or detail case names its floor (``BenchCase.floor``) and its row gets median ÷ floor median
from the same run, a ratio that holds on a noisy machine where absolute times do not.
"""

from functools import cache

FLOOR_TEMPLATE = "floor: 25 inbox rows, bare Django template"
FLOOR_SERIALIZER = "floor: 25 inbox rows, bare DRF serializer"
FLOOR_KINDS = {FLOOR_TEMPLATE: "template", FLOOR_SERIALIZER: "serializer"}

ROWS_TEMPLATE = (
    '<table>{% for t in tickets %}<tr><td><a href="/tickets/{{ t.pk }}/">{{ t.number }}</a></td><td>{{ t.subject }}</td>'
    "<td>{{ t.customer.name }}</td><td>{{ t.get_status_display }}</td><td>{{ t.get_priority_display }}</td>"
    '<td>{{ t.team.name }}</td><td>{{ t.assignee|default:"—" }}</td><td>{{ t.updated_at|date:"m-d H:i" }}</td></tr>'
    "{% endfor %}</table>"
)


def _rows() -> list:
    """Return the first page of the agent's inbox: the same selector, order and joins as the page."""
    from tickets.selectors import ticket_list_for_user

    return list(ticket_list_for_user(user=_agent())[:25])


@cache
def _agent():
    from helpdesk.models import User

    return User.objects.get(username="agent")


@cache
def _template():
    from django.template import engines

    return engines["django"].from_string(ROWS_TEMPLATE)


@cache
def _serializer():
    from rest_framework import serializers

    from tickets.models import Ticket

    class FloorTicketSerializer(serializers.ModelSerializer):
        customer_name = serializers.CharField(source="customer.name")
        team_name = serializers.CharField(source="team.name")
        assignee_name = serializers.CharField(source="assignee.username", default=None)

        class Meta:
            model = Ticket
            fields = ["id", "number", "subject", "status", "priority", "customer_name", "team_name", "assignee_name",
                      "updated_at"]

    return FloorTicketSerializer


def floor_template() -> str:
    """Query the 25 rows and render them through a one-loop Django template."""
    return _template().render({"tickets": _rows()})


def floor_serializer() -> bytes:
    """Query the 25 rows and render them as JSON through a plain DRF model serializer."""
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(_serializer()(_rows(), many=True).data)
