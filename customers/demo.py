"""Sample customers for the demo: archives with contacts and addresses, a likely duplicate, a pending review."""

from datetime import date

from customers.models import Customer, CustomerReview, PiiReveal
from customers.services import customer_create, customer_review_submit

CUSTOMERS = [
    ("王芳", "13800138000", "wangfang@example.com", "上海", Customer.Level.VIP, ["高价值"], "天猫旗舰店"),
    ("李强", "13912345678", "liqiang@example.com", "北京", Customer.Level.NORMAL, [], "京东自营店"),
    ("张敏", "13698765432", "zhangmin@example.com", "杭州", Customer.Level.SVIP, ["高价值"], "天猫旗舰店"),
    ("刘洋洋", "13755556666", "liuyy@example.com", "广州", Customer.Level.NORMAL, ["多次投诉"], "拼多多店"),
    ("陈晓红", "15001234567", "chenxh@example.com", "成都", Customer.Level.NORMAL, [], "抖音小店"),
    ("杨磊", "15887654321", "yanglei@example.com", "武汉", Customer.Level.VIP, [], "京东自营店"),
    ("赵丽", "18612348888", "zhaoli@example.com", "南京", Customer.Level.NORMAL, [], "天猫旗舰店"),
    ("黄志强", "18923456789", "huangzq@example.com", "深圳", Customer.Level.NORMAL, ["多次投诉"], "拼多多店"),
    ("周婷", "13511112222", "zhouting@example.com", "西安", Customer.Level.VIP, [], "抖音小店"),
    ("吴刚", "13633334444", "wugang@example.com", "重庆", Customer.Level.NORMAL, [], "京东自营店"),
    ("徐静", "17712345678", "xujing@example.com", "苏州", Customer.Level.NORMAL, [], "天猫旗舰店"),
    ("孙浩", "18800001111", "sunhao@example.com", "天津", Customer.Level.NORMAL, [], "天猫旗舰店"),
]
STREETS = {"上海": "上海市浦东新区世纪大道100号", "北京": "北京市朝阳区建国路88号", "杭州": "杭州市西湖区文三路478号",
           "广州": "广州市天河区天河路208号", "深圳": "深圳市南山区科技园南区高新南一道9号"}


def demo_customers_load() -> list[Customer]:
    """Create the sample customers, found again by phone on a second run."""
    customers = []
    for position, (name, phone, email, city, level, tags, source) in enumerate(CUSTOMERS):
        customer = Customer.objects.filter(phone=phone).order_by("pk").first()
        if customer is None:
            customer = customer_create(
                actor=None, name=name, phones=[phone], emails=[email], city=city, level=level, tags=tags, source=source,
                addresses=[STREETS[city]] if city in STREETS else [],
                birthday=date(1985 + position, position % 12 + 1, position + 3), has_marketing_consent=position % 3 == 0,
            )
        customers.append(customer)
    return customers


def demo_customer_extras_load(context: dict) -> None:
    """Add what shows the archive's privacy features: a duplicate to merge, a pending review, a reveal."""
    users = context["users"]
    if not Customer.objects.filter(email="wang.fang@example.com").exists():
        # The same person registered again from another shop with the same phone: a likely duplicate.
        customer_create(actor=users["agent"], name="王芳（抖音）", phones=["+86 138-0013-8000"],
                        emails=["wang.fang@example.com"], city="上海", source="抖音小店")
    key_customer = Customer.objects.filter(phone="13698765432").first()
    if key_customer and not CustomerReview.objects.filter(customer=key_customer).exists():
        customer_review_submit(actor=users["agent"], customer=key_customer, note="SVIP 客户建档，请主管审核资料")
    if not PiiReveal.objects.exists() and context.get("customers"):
        PiiReveal.objects.create(viewer=users["agent"], customer=context["customers"][1], field="phone",
                                 reason="客户来电要求回拨，核对号码")

