"""The sweep's parts: reading a .po file, recognising a message in a page's text, finding the visible text."""

from tests.i18n.catalogues import _entries_of, message_pattern
from tests.i18n.visible_text import visible_texts

PO = r'''# header
#, fuzzy
msgid ""
msgstr ""
"Language: zh_Hans\n"

#: a.py:1
msgid "Translated"
msgstr "已翻译"

#: a.py:2
msgid ""
"Waiting on "
"the customer"
msgstr ""

#: a.py:3
#, fuzzy
msgid "Fuzzy one"
msgstr "模糊"

msgctxt "status change"
msgid "from"
msgstr "原状态"

msgid "%(n)d ticket"
msgid_plural "%(n)d tickets"
msgstr[0] ""

#~ msgid "Gone"
#~ msgstr ""
'''


def test_a_catalogue_reads_untranslated_and_fuzzy_entries_as_untranslated(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(PO, encoding="utf-8")
    entries = {entry.msgid: entry for entry in _entries_of(path)}
    assert set(entries) == {"Translated", "Waiting on the customer", "Fuzzy one", "from", "%(n)d ticket"}
    assert [msgid for msgid, entry in entries.items() if not entry.is_translated] == [
        "Waiting on the customer", "Fuzzy one", "%(n)d ticket"]
    assert entries["from"].context == "status change" and entries["%(n)d ticket"].msgid_plural == "%(n)d tickets"


def test_a_message_is_recognised_whole_or_with_its_placeholders_filled():
    assert message_pattern("Waiting on the customer").search("状态：Waiting on the customer")
    assert message_pattern("%(n)d tickets").search("3 tickets")
    assert not message_pattern("Reveal").search("Revealed")
    assert message_pattern("Reveal").search("Reveal")
    assert message_pattern("OK") is None and message_pattern("%(n)d") is None


def test_visible_text_leaves_out_scripts_styles_and_text_marked_translate_no():
    html = ('<p title="hint">one<br>two <code translate="no">first_response <b>x</b></code> three'
            '<script>var x = "None";</script><input type="submit" value="Go"><img alt="True"></p>'
            '<style>p {}</style><span aria-label="label">four</span>')
    assert visible_texts(html) == ["hint", "one", "two", "three", "Go", "label", "four"]
