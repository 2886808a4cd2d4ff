"""Masking of personal data in free text: what is masked, and what must stay readable."""

import re
import threading

import pytest

from customers import privacy
from customers.privacy import is_id_number, mask_text, text_for_viewer

# (message as typed, as an agent without the right sees it)
MASKED = [
    # mainland mobiles: bare, spaced, dashed, with +86 / 0086, full-width digits
    ("我的手机是13800138000，请尽快联系", "我的手机是138****8000，请尽快联系"),
    ("电话 +86 138 0013 8000 或 0086-13900139000", "电话 138****8000 或 139****9000"),
    ("call me on 138-0013-8000 tomorrow", "call me on 138****8000 tomorrow"),
    ("手机１３８００１３８０００", "手机138****8000"),
    ("Please call me at +86 139-1234-5678 or email john.doe@gmail.com",
     "Please call me at 139****5678 or email j***@gmail.com"),
    # landlines with area code (区号-号码), in brackets, with +86
    ("座机010-62345678转123", "座机010****5678转123"),
    ("或者(0755)86013388", "或者075*****3388"),
    ("office +86 21 6234 5678", "office 021****5678"),
    ("固话02162345678", "固话021****5678"),
    # e-mail addresses, a QQ number as mailbox included
    ("邮箱zhang.san@example.com，QQ邮箱12345678@qq.com", "邮箱z***@example.com，QQ邮箱1***@qq.com"),
    # identity card numbers (身份证) whose check digit holds, X included
    ("身份证号11010519491231002X", "身份证号110***********002X"),
    ("ID 440305199003072810 for the invoice", "ID 440***********2810 for the invoice"),
    # addresses: as for the archive's address, at most six characters stay, of the province, city and district
    ("地址：广东省深圳市南山区科技园路1号", "地址：广东省深圳市****"),
    ("请寄到上海市浦东新区张江路123号5栋301室，谢谢", "请寄到上海市浦东新****，谢谢"),
    ("寄到北京市朝阳区建国路88号SOHO现代城A座1单元1201", "寄到北京市朝阳区****"),
    ("收货地址：中山一路3号", "收货地址：****"),
    ("我住阳光花园3栋2单元501室", "我住****"),
    ("My address is Room 501, 88 Jianguo Road, Chaoyang District", "My address is ****, Chaoyang District"),
]

UNCHANGED = [
    "订单R2612050006的退款¥1380.00还没到账，工单T0000000001",  # order and ticket numbers, amounts
    "顺丰单号SF1234567890123，中通75312345678901，EMS EA123456789CN",  # tracking numbers with letters
    "申通773123456789012，韵达4312345678901",  # all-digit tracking numbers longer than a mobile
    "淘宝订单号 3012345678901234567",  # a 19-digit marketplace order number
    "身份证 110105194912310021 号码不对",  # 18 digits whose check digit does not hold
    "2026-01-05 13:45下单，2026年1月5日到货，金额13800元",  # dates, times, amounts
    "时间09:00-18:00，日期2026/01/05，20260105",
    "客服热线400-820-8820，官网 https://shop.example.com/orders/13800",  # a shop's 400 hotline, URLs
    "数量：2件，单价：199.00，合计398.00",
    "192.168.1.1 iPhone 15 Pro 256GB",
    "这个思路3号方案不行",  # a word ending in 路 is no road
    "优惠码SAVE2026，税号91310115MA1H7XXXXX",
    "I'll wait 3 days for the refund of 138 yuan.",
]


@pytest.mark.parametrize(("typed", "shown"), MASKED)
def test_personal_data_in_free_text_is_masked(typed, shown):
    assert mask_text(typed) == shown


@pytest.mark.parametrize("typed", UNCHANGED)
def test_numbers_that_are_not_personal_data_stay(typed):
    assert mask_text(typed) == typed


@pytest.mark.parametrize("typed", [typed for typed, _ in MASKED] + UNCHANGED)
def test_text_without_a_building_mark_is_masked_as_the_whole_pattern_masks_it(typed, monkeypatch):
    """Text with no house number or building mark skips the Chinese address branch, and finds the same."""
    texts = (typed, typed.translate(str.maketrans("", "", "号號栋幢座单楼层室户")))
    quick = [mask_text(text) for text in texts]
    monkeypatch.setattr(privacy, "_CN_ADDRESS_MARK", re.compile(""))  # every text scanned by the whole pattern
    assert [mask_text(text) for text in texts] == quick


def test_masking_is_not_applied_twice():
    once = mask_text("13800138000 zhang@example.com 11010519491231002X")
    assert mask_text(once) == once


def test_id_number_check_digit():
    assert is_id_number("11010519491231002X") and is_id_number("11010519491231002x")
    assert not is_id_number("110105194912310021") and not is_id_number("R2612050006")


def test_text_for_viewer_says_whether_anything_was_masked():
    assert text_for_viewer("电话13800138000", clear=False) == ("电话138****8000", True)
    assert text_for_viewer("电话13800138000", clear=True) == ("电话13800138000", False)
    assert text_for_viewer("谢谢", clear=False) == ("谢谢", False)
    assert text_for_viewer("", clear=False) == ("", False)


def test_long_messages_are_masked_without_catastrophic_backtracking():
    texts = ["这是一条很长的消息，路和号、市区县都有但没有地址" * 800, "a" * 20000, "1 " * 10000, "建国路1号" + "A楼" * 5000]
    masked = []
    # A fuse, not a speed figure: backtracking that explodes on 20,000 characters would not end for hours.
    worker = threading.Thread(target=lambda: masked.extend(mask_text(text[:20000]) for text in texts), daemon=True)
    worker.start()
    worker.join(60)
    assert len(masked) == len(texts)
