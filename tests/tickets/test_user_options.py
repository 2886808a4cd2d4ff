"""The assignee options of the ticket page and the bulk bar: each user once, the current one selected, names escaped."""

from helpdesk.models import User
from tickets.templatetags.tickets_tags import user_options


def test_options_mark_the_selected_user_and_escape_names():
    users = [User(pk=7, username="li"), User(pk=8, username="x", display_name="<b>王</b>")]
    html = user_options(users, selected=8)
    assert html == '<option value="7">li</option><option value="8" selected>&lt;b&gt;王&lt;/b&gt;</option>'
    assert user_options(users) == '<option value="7">li</option><option value="8">&lt;b&gt;王&lt;/b&gt;</option>'
    assert user_options([]) == ""
