"""Fill the daily fact and review rollups from the rows already stored, so the summary keeps its past days.

Plain SQL, the same rules as ``kpi.rollups`` and ``kpi.histograms`` when written (16 buckets per doubling
from 0.1 minutes, 321 buckets); the nightly reconcile recomputes the last 92 days with the code of the day.
"""

from django.conf import settings
from django.db import migrations

FACT_DAYS = """
WITH buckets AS (
    SELECT (created_at AT TIME ZONE %(tz)s)::date AS day, team_id, channel,
           CASE WHEN first_response_minutes < 0.1 THEN 0
                ELSE LEAST(321, 1 + floor(ln(first_response_minutes / 0.1) * 23.083120654223414))::int END AS bucket,
           count(*) AS n
    FROM kpi_ticketfact WHERE first_response_minutes IS NOT NULL GROUP BY 1, 2, 3, 4
), histograms AS (
    SELECT t.day, t.team_id, t.channel, array_agg(coalesce(b.n, 0) ORDER BY i) AS histogram
    FROM (SELECT day, team_id, channel, max(bucket) AS top FROM buckets GROUP BY 1, 2, 3) t
    CROSS JOIN LATERAL generate_series(0, t.top) AS i
    LEFT JOIN buckets b ON b.day = t.day AND b.team_id = t.team_id AND b.channel = t.channel AND b.bucket = i
    GROUP BY 1, 2, 3
), sums AS (
    SELECT (hour AT TIME ZONE %(tz)s)::date AS day, team_id, channel,
           sum(volume) AS volume, sum(frt_count) AS frt_count, sum(frt_sum) AS frt_sum, sum(responses) AS responses,
           sum(response_minutes) AS response_minutes, sum(resolved) AS resolved, sum(fcr) AS fcr,
           sum(frt_sla_met) AS frt_sla_met, sum(frt_sla_all) AS frt_sla_all, sum(res_sla_met) AS res_sla_met,
           sum(res_sla_all) AS res_sla_all, sum(excused) AS excused, sum(converted) AS converted,
           sum(step_on_time) AS step_on_time, sum(step_all) AS step_all,
           coalesce(sum(volume) FILTER (WHERE kind = 'complaint'), 0) AS complaints,
           coalesce(sum(res_sla_met) FILTER (WHERE kind = 'complaint'), 0) AS complaint_met,
           coalesce(sum(res_sla_all) FILTER (WHERE kind = 'complaint'), 0) AS complaint_all,
           coalesce(sum(volume) FILTER (WHERE channel = 'chat' AND kind = 'consultation'), 0) AS chats
    FROM kpi_facthour GROUP BY 1, 2, 3
)
INSERT INTO kpi_factday (day, team_id, channel, volume, frt_count, frt_sum, responses, response_minutes, resolved,
    fcr, frt_sla_met, frt_sla_all, res_sla_met, res_sla_all, excused, converted, step_on_time, step_all, complaints,
    complaint_met, complaint_all, chats, frt_histogram)
SELECT s.day, s.team_id, s.channel, s.volume, s.frt_count, s.frt_sum, s.responses, s.response_minutes, s.resolved,
       s.fcr, s.frt_sla_met, s.frt_sla_all, s.res_sla_met, s.res_sla_all, s.excused, s.converted, s.step_on_time,
       s.step_all, s.complaints, s.complaint_met, s.complaint_all, s.chats, coalesce(h.histogram, '{}')
FROM sums s LEFT JOIN histograms h ON h.day = s.day AND h.team_id = s.team_id AND h.channel = s.channel
"""

REVIEW_DAYS = """
INSERT INTO kpi_reviewday (day, team_id, rated_1, rated_2, rated_3, rated_4, rated_5, low_timed, low_in_time)
SELECT (r.reviewed_at AT TIME ZONE %(tz)s)::date, r.team_id,
       count(*) FILTER (WHERE r.rating = 1), count(*) FILTER (WHERE r.rating = 2), count(*) FILTER (WHERE r.rating = 3),
       count(*) FILTER (WHERE r.rating = 4), count(*) FILTER (WHERE r.rating = 5),
       count(*) FILTER (WHERE r.ticket_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM tickets_ticketslatimer t WHERE t.ticket_id = r.ticket_id AND t.target = 'first_response'
           AND NOT t.is_excused AND (t.met_at IS NOT NULL OR t.first_breached_at IS NOT NULL))),
       count(*) FILTER (WHERE r.ticket_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM tickets_ticketslatimer t WHERE t.ticket_id = r.ticket_id AND t.target = 'first_response'
           AND NOT t.is_excused AND t.met_at IS NOT NULL AND t.first_breached_at IS NULL))
FROM reviews_review r GROUP BY 1, 2
"""


def fill(apps, schema_editor):
    empty(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        for sql in (FACT_DAYS, REVIEW_DAYS):
            cursor.execute(sql, {"tz": settings.TIME_ZONE})


def empty(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM kpi_factday")
        cursor.execute("DELETE FROM kpi_reviewday")


class Migration(migrations.Migration):

    dependencies = [
        ("kpi", "0015_add_daily_rollups"),
        ("reviews", "0003_index_updated_at"),
        ("sla", "0007_notification_kind_article_flag"),
    ]

    operations = [migrations.RunPython(fill, empty)]
