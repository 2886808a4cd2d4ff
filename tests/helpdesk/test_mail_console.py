import io

import pytest
from django.core.mail import EmailMultiAlternatives

from helpdesk.mail_console import EmailBackend


@pytest.fixture
def console_mail(settings):
    """Send the default mailer's messages through the console backend into a string."""
    stream = io.StringIO()
    settings.MAILERS = {"default": {"BACKEND": "helpdesk.mail_console.EmailBackend", "OPTIONS": {"stream": stream}}}
    return stream


def chinese_message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="您的退货申请已通过",
        body="张先生您好：\n\n您的退货申请（RMA-1024）已通过审核，请在 7 天内寄回商品。\n",
        from_email="客服中心 <helpdesk@example.com>",
        to=["张三 <zhang@example.com>"],
        bcc=["audit@example.com"],
    )
    message.attach_alternative("<p>张先生您好：您的退货申请已通过审核。</p>", "text/html")
    message.attach("退货单.pdf", b"%PDF-1.4 " + b"0" * 1015, "application/pdf")
    return message


def test_console_mail_shows_chinese_subject_body_and_attachment(console_mail):
    assert chinese_message().send() == 1
    output = console_mail.getvalue()
    assert "Subject: 您的退货申请已通过" in output
    assert "From: 客服中心 <helpdesk@example.com>" in output
    assert "To: 张三 <zhang@example.com>" in output
    assert "Bcc: audit@example.com" in output
    assert "您的退货申请（RMA-1024）已通过审核，请在 7 天内寄回商品。" in output
    assert "<p>张先生您好：您的退货申请已通过审核。</p>" in output
    assert "[attachment] 退货单.pdf (application/pdf, 1024 bytes)" in output
    assert "base64" not in output
    assert "=?utf-8?" not in output


def test_console_mail_separates_messages():
    stream = io.StringIO()
    assert EmailBackend(stream=stream).send_messages([chinese_message(), chinese_message()]) == 2
    assert stream.getvalue().count("-" * 79 + "\n") == 2
