"""Sample customers for the demo."""

from customers.models import Customer

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


def demo_customers_load() -> list[Customer]:
    """Create the sample customers, found again by phone on a second run."""
    customers = []
    for name, phone, email, city, level, tags, source in CUSTOMERS:
        customer, _created = Customer.objects.get_or_create(
            phone=phone,
            defaults={"name": name, "email": email, "city": city, "level": level, "tags": tags, "source": source},
        )
        customers.append(customer)
    return customers
