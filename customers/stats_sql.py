"""The customer statistics statement: every figure of a customer's header in one query of scalar subqueries.

Written once as text: the customer page and every page of the customer search read these figures, and
the ORM would compile each of the subqueries again on every request.
"""

from django.db import connection

from customers.models import Customer


def customer_stats_rows(*, customer_ids: list[int], extra_models: list[tuple]) -> dict[int, dict]:
    """Return orders, spend, tickets, complaints, returns, last contact and satisfaction per customer found.

    ``extra_models`` are the (model, customer foreign key) pairs of other apps' rows: models named like
    returns are counted, the last survey-like model with a score gives the average satisfaction.
    """
    from orders.models import Order
    from tickets.models import Ticket

    q = connection.ops.quote_name

    def scalar(model, fk: str, expression: str, where: str = "") -> str:
        table, column = q(model._meta.db_table), q(model._meta.get_field(fk).column)
        return f"(SELECT {expression} FROM {table} x WHERE x.{column} = c.id{where})"

    columns = [
        scalar(Order, "customer", "count(*)"),
        scalar(Order, "customer", "sum(x.total_amount)", " AND x.status <> %s"),
        scalar(Order, "customer", "max(x.placed_at)"),
        scalar(Ticket, "customer", "count(*)"),
        scalar(Ticket, "customer", "count(*)", " AND x.kind = %s"),
        scalar(Ticket, "customer", "max(x.updated_at)"),
    ]
    params = [Order.Status.CANCELLED.value, Ticket.Kind.COMPLAINT.value]
    return_columns, survey_columns = [], []
    for model, fk in extra_models:
        name = model._meta.model_name
        if "return" in name:
            return_columns.append(scalar(model, fk, "count(*)"))
        score = next((f for f in model._meta.concrete_fields if f.name in ("score", "satisfaction")), None)
        if "survey" in name and score:
            survey_columns.append(scalar(model, fk, f"avg(x.{q(score.column)})"))
    # Returns first, then surveys, whatever order the models come in: the row is unpacked that way.
    columns += return_columns + survey_columns
    returns, surveys = len(return_columns), len(survey_columns)
    sql = f"SELECT c.id, {', '.join(columns)} FROM {q(Customer._meta.db_table)} c WHERE c.id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, list(customer_ids)])
        rows = cursor.fetchall()
    stats = {}
    for pk, orders, spend, last_order, tickets, complaints, last_contact, *extra in rows:
        averages = [a for a in extra[returns:returns + surveys] if a is not None]
        stats[pk] = {"orders": orders, "spend": str(spend or 0), "last_order_at": last_order, "tickets": tickets,
                     "complaints": complaints, "last_contact_at": last_contact,
                     "returns": sum(n or 0 for n in extra[:returns]),
                     "average_satisfaction": round(float(averages[-1]), 2) if averages else None}
    return stats
