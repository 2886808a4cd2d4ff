"""Where the quoted history under a reply starts, in the forms mail clients write it."""

import pytest

from tickets.quotes import quote_split
from tickets.sanitizer import render_body


@pytest.mark.parametrize("head", [
    "On Mon, 23 Nov 2026 at 10:00, Shop <service@shop.example.com> wrote:",
    "在 2026年11月23日 周一 10:00，客服 <service@shop.example.com> 写道：",
    "-----原始邮件-----",
    "-----Original Message-----",
    "发件人: 客服 <service@shop.example.com>",
])
def test_a_reply_header_starts_the_quoted_history(head):
    own, quoted = quote_split(f"好的，谢谢。\n\n{head}\n您好，已为您查询。")
    assert own == "好的，谢谢。" and quoted == f"{head}\n您好，已为您查询。"


def test_outlooks_header_block_starts_it_but_a_from_line_in_the_text_does_not():
    assert quote_split("收到\nFrom: 客服\nSent: 2026年11月23日 10:00\n正文")[1].startswith("From: 客服")
    assert quote_split("From: 北京仓库发出\n明天到")[1] == ""


def test_a_trailing_block_of_quote_lines_is_quoted_and_inline_quotes_stay():
    assert quote_split("好的\n> 第一行\n\n> 第二行") == ("好的", "> 第一行\n\n> 第二行")
    assert quote_split("> 您问的是这个？\n是的") == ("> 您问的是这个？\n是的", "")


def test_nothing_but_quotes_is_shown_as_the_text():
    assert quote_split("> 只有引用") == ("> 只有引用", "")


def test_a_body_kept_before_formats_were_recorded_is_judged_by_its_content():
    assert render_body("<p>旧的 <b>HTML</b></p><script>x</script>") == "<p>旧的 <b>HTML</b></p>"
    assert render_body("a < b", "text") == "a &lt; b"
    assert render_body("<b>粗</b>", "html") == "<b>粗</b>"
