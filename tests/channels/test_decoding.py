from email import message_from_bytes, policy

import pytest

from channels.decoding import codec, header_text, text_decode


@pytest.mark.parametrize("label, expected", [
    ("gb2312", "gb18030"), ("X-GBK", "gb18030"), ('"gb-2312"', "gb18030"), ("big5", "big5hkscs"),
    ("ks_c_5601-1987", "cp949"), ("Shift_JIS", "cp932"), ("utf8", "utf-8"), ("x-no-such-charset", None), ("", None),
])
def test_charset_labels_map_to_codecs(label, expected):
    assert codec(label) == expected


def test_text_is_decoded_by_label_then_guessed_never_dropped():
    assert text_decode("繁體與简体".encode("gb18030"), "gb2312") == ("繁體與简体", False)
    assert text_decode("退款".encode("gbk"), "utf-8") == ("退款", True)
    assert text_decode("退款".encode("utf-8"), "x-unknown") == ("退款", True)
    assert text_decode("退款".encode("utf-8"), None) == ("退款", False)
    mostly_utf8 = ("您好，" * 40).encode() + b"\xff\xfe" + "谢谢".encode()
    text, guessed = text_decode(mostly_utf8, "utf-8")
    assert guessed and text.startswith("您好，您好") and text.endswith("谢谢")
    assert text_decode(b"a\x00b", "ascii") == ("ab", False)


def test_headers_decode_word_by_word_keeping_a_broken_word():
    raw = b"Subject: =?gbk?B?" + __import__("base64").b64encode("订单".encode("gbk")) + b"?= =?gb2312?B?not-base64!!?=\n\n"
    assert header_text(message_from_bytes(raw, policy=policy.default), "Subject") == "订单=?gb2312?B?not-base64!!?="
    assert header_text(message_from_bytes(b"Subject: x\n\n", policy=policy.default), "From") == ""
