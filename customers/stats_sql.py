"""The customer statistics statement: every figure of a customer's header in one query of scalar subqueries.

Written once as text: the customer page and every page of the customer search read these figures, and
the ORM would compile each of the subqueries again on every request.
"""

from django.db import connection

from customers import records
from customers.models import Customer


def customer_stats_rows(*, customer_ids: list[int], extra_models: list[tuple]) -> dict[int, dict]:
    """Return the registered figures (orders, spend, tickets, complaints, last contact…), returns and satisfaction per customer found.

    The apps holding orders and tickets register their figures (``records.StatColumn``). ``extra_models``
    are the (model, customer foreign key) pairs of other apps' rows: models named like returns are
    counted, the last survey-like model with a score gives the average satisfaction.
    """
    q = connection.ops.quote_name

    def scalar(model, fk: str, expression: str, where: str = "") -> str:
        table, column = q(model._meta.db_table), q(model._meta.get_field(fk).column)
        return f"(SELECT {expression} FROM {table} x WHERE x.{column} = c.id{where})"

    registered = list(records.STAT_COLUMNS)
    columns = [scalar(c.model, c.fk, c.expression, f" AND {c.where}" if c.where else "") for c in registered]
    params = [param for c in registered for param in c.params]
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
    for pk, *values in rows:
        figures, extra = values[:len(registered)], values[len(registered):]
        averages = [a for a in extra[returns:returns + surveys] if a is not None]
        stats[pk] = {c.key: c.convert(value) if c.convert else value for c, value in zip(registered, figures)}
        stats[pk].update(returns=sum(n or 0 for n in extra[:returns]),
                         average_satisfaction=round(float(averages[-1]), 2) if averages else None)
    return stats
