"""Build raw RFC 822 mails for the channel tests."""

from email.message import EmailMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def raw_mail(*, sender="王芳 <wang.fang@example.com>", to="service@shop.example.com", subject="订单问题",
             body="你好，我的订单还没有到。", message_id="<m1@example.com>", html=None, headers=None,
             attachments=()) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)
