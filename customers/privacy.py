"""Masking of customer personal data (客户资料保密): what an agent may see of a phone, e-mail or address."""

import re

PII_PERMISSION = "customers.view_pii"


def mask_phone(phone: str) -> str:
    """Return 138****8000 for 13800138000: keep the first three and last four digits."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    international = phone.lstrip(" (").startswith(("+86", "0086"))
    if digits.startswith("0086"):
        digits = digits[2:]
    if digits.startswith("86") and (international or len(digits) == 13):
        # +86: mask the national number (a landline gets its trunk 0 back)
        digits = digits[2:] if digits[2:3] == "1" else "0" + digits[2:]
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """Return z***@example.com: the first letter of the local part, then the domain."""
    if not email or "@" not in email:
        return "***" if email else ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """Return the address with everything after its first six characters masked."""
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else "****"


def may_view_pii(viewer) -> bool:
    """Return whether the viewer sees personal data in clear (supervisors and up)."""
    return bool(viewer and viewer.is_authenticated and viewer.has_perm(PII_PERMISSION))


def may_change_directly(viewer) -> bool:
    """Return whether the viewer changes an archive's master data directly (supervisors and up).

    Changing contacts needs permission to see them; everyone else proposes the change for archive
    review (建档评审). The edit page and the API both ask this.
    """
    return may_view_pii(viewer) and viewer.has_perm("customers.change_customer")


# Free text (messages, descriptions, notes): what a customer or an agent typed. One pattern, scanned once, so
# nothing is masked twice.
_NOT_AFTER_ALNUM = r"(?<![\dA-Za-z])"  # R2612050006, SF1380013800012: a number inside a code is no phone
_NOT_BEFORE_ALNUM = r"(?![\dA-Za-z])"
_EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_ID_NUMBER = r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
_MOBILE = r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}"
_AREA = r"(?:\(0(?:10|2\d|[3-9]\d{2})\)|0(?:10|2\d|[3-9]\d{2})|(?:\+|00)86[ -]?(?:10|2\d|[3-9]\d{2}))"
_LANDLINE = rf"{_AREA}[ -]?[2-9]\d{{2,3}}[ -]?\d{{4}}"
# A Chinese address is recognised by a road and house number (…路88号) or an estate and a building
# (…花园3栋), with the province, city, district and town before it when written; English ones by a
# house number and street (88 Jianguo Road).
_NAME = r"(?:(?![这那的是在到寄送住址我您你他她请给往为收了吗呢吧啊就也还要想把被让说去])[\u4e00-\u9fff])"
_PROVINCE = (r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
             r"四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆)(?:省|市|(?:壮族|回族|维吾尔)?自治区)?")
_REGIONS = (rf"(?:{_PROVINCE})?(?:{_NAME}{{1,6}}?(?:市|自治州|地区|盟))?(?:{_NAME}{{1,6}}?(?:区|县|旗|市))?"
            rf"(?:{_NAME}{{1,6}}?(?:街道|镇|乡))?")
_ROAD = rf"(?:{_NAME}|[0-9A-Za-z]){{2,10}}?(?:大道|大街|(?<![思线套迷电])路|街|巷|弄|胡同)(?:\d+|[一二三四五六七八九十百零〇]+)(?:之\d+)?[号號]"
_ESTATE = rf"{_NAME}{{2,10}}?(?:小区|花园|公寓|大厦|家园|新村|广场|苑|村)"
_UNIT = r"[0-9A-Za-z一二三四五六七八九十]+(?:号楼|栋|幢|座|单元|楼|层|室|号|户)"
_TAIL = r"(?:[^\s，。,；;！!？?、：:]{0,20}?(?:号楼|栋|幢|座|单元|楼|层|室|户))*(?:-?\d{1,5}(?:室|号)?)?"
_ADDRESS_CN = rf"(?P<regions>{_REGIONS})(?:{_ROAD}|{_ESTATE}(?={_UNIT})){_TAIL}"
_ADDRESS_EN = (r"(?:(?:Room|Rm\.?|Apt\.?|Unit|Flat|Suite)\s*[0-9A-Za-z-]+,?\s+)?(?<![\dA-Za-z])\d{1,5}(?:-\d{1,5})?\s+"
               r"(?:[A-Z][A-Za-z]*\s+){1,4}(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Lu|Jie)\b\.?")
_NOT_ADDRESS = (rf"(?P<email>{_EMAIL})"
                rf"|{_NOT_AFTER_ALNUM}(?:(?P<id_number>{_ID_NUMBER})|(?P<mobile>{_MOBILE})|(?P<landline>{_LANDLINE}))"
                rf"{_NOT_BEFORE_ALNUM}")
PII_IN_TEXT = re.compile(rf"{_NOT_ADDRESS}|(?P<address>{_ADDRESS_CN}|{_ADDRESS_EN})")
# A Chinese address always holds one of these (its house number or building); text without any is scanned by the
# same pattern less that branch, which finds the same matches five times faster.
_CN_ADDRESS_MARK = re.compile(r"[号號栋幢座单楼层室户]")
_PII_WITHOUT_CN_ADDRESS = re.compile(rf"{_NOT_ADDRESS}|(?P<address>{_ADDRESS_EN})")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_id_number(value: str) -> bool:
    """Return whether an 18-character value is a resident identity card number (身份证号): its check digit holds."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()


def mask_id_number(value: str) -> str:
    """Return 110***********123X for an identity card number: keep the first three and last four characters."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


# Full-width digits and signs, as Chinese input methods type them, are read as their ASCII forms.
_HALF_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "＋": "+", "－": "-", "＠": "@",
                             "（": "(", "）": ")", "　": " "})


def _mask_match(match: re.Match) -> str:
    found = match.group(0)
    if match.group("email"):
        return mask_email(found)
    if match.group("id_number"):
        return mask_id_number(found) if is_id_number(found) else found
    if match.group("address"):
        # Like the archive's address, at most its first six characters stay, and only of the province, city
        # and district: a road or estate without them is masked whole.
        regions = match.groupdict().get("regions") or ""
        return mask_address(found)[: min(len(regions), 6)] + "****"
    return mask_phone(found)


def mask_text(text: str) -> str:
    """Return free text with the personal data in it masked as the archive fields are.

    Masked: mainland mobile numbers (with or without +86, spaced or dashed), landlines with their area
    code, e-mail addresses, identity card numbers (18 characters whose check digit holds) and addresses
    recognisable by a road and house number or an estate and building. Order, ticket and tracking
    numbers, amounts and dates stay.
    """
    if not text:
        return ""
    # Matched on the half-width copy (same length, so the positions hold), replaced in the original.
    parts, end = [], 0
    pattern = PII_IN_TEXT if _CN_ADDRESS_MARK.search(text) else _PII_WITHOUT_CN_ADDRESS
    for match in pattern.finditer(text.translate(_HALF_WIDTH)):
        parts += [text[end:match.start()], _mask_match(match)]
        end = match.end()
    return "".join(parts) + text[end:] if parts else text


def text_for_viewer(text: str, *, clear: bool) -> tuple[str, bool]:
    """Return free text as a viewer sees it (in clear, or masked) and whether anything in it was masked."""
    if clear or not text:
        return text or "", False
    shown = mask_text(text)
    return shown, shown != text
