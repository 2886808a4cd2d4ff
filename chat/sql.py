"""A visitor's text message as one statement: token check, session lock and number, message row and event row.

The widget posts every message a visitor types; one round trip, atomic by itself, replaces the ORM's
transaction of lock, session update, message insert and event insert.
"""

from django.db import connection

from chat.models import ChatEvent, ChatMessage, ChatSession

_INSERT = f"""
    WITH s AS (UPDATE {ChatSession._meta.db_table} SET last_seq = last_seq + 1, customer_read_seq = last_seq + 1
               WHERE id = %s AND token = %s AND status <> %s RETURNING id, last_seq, team_id, agent_id),
         m AS (INSERT INTO {ChatMessage._meta.db_table} (session_id, seq, sender, author_id, body, image, image_type,
                                                          created_at)
               SELECT id, last_seq, %s, NULL, %s, '', '', %s FROM s RETURNING id),
         e AS (INSERT INTO {ChatEvent._meta.db_table} (session_id, team_id, agent_id, kind, actor_id, message_id, note, data,
                                                        created_at)
               SELECT s.id, CASE WHEN s.agent_id IS NULL THEN s.team_id END, s.agent_id, %s, NULL, m.id, '', '{{}}', %s
               FROM s, m RETURNING id)
    SELECT s.last_seq, s.team_id, s.agent_id, m.id, e.id FROM s, m, e"""


def customer_message_insert(*, session_id: int, token: str, body: str, now) -> tuple | None:
    """Store the visitor's message; return (seq, team id, agent id, message id, event id), or None when refused.

    Refused (nothing written) when the session does not exist, the token is not its token or the chat has ended.
    """
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [session_id, token, ChatSession.Status.ENDED, ChatMessage.Sender.CUSTOMER, body, now,
                                 ChatEvent.Kind.MESSAGE, now])
        return cursor.fetchone()
