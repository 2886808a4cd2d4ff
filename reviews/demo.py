"""Sample shop reviews for the demo: good ones, a middling one and two 差评 that open their tickets."""

import datetime as dt

from django.utils import timezone

from reviews.services import review_receive

# (order index, rating, text, hours before now)
REVIEWS = [
    (0, 5, "茶叶很香，包装精美，物流也快。", 30),
    (2, 1, "商品有划痕，客服一直不回复，非常失望。", 20),
    (3, 4, "净化器效果不错，就是声音有点大。", 60),
    (4, 2, "鞋码偏小，退换太麻烦。", 12),
    (5, 5, "回购很多次了，一如既往的好。", 200),
    (7, 3, "一般般，和描述有差距。", 90),
    (9, 5, "大衣质量很好，很保暖。", 150),
    (12, 4, "纸尿裤不错，宝宝用着没有红屁股。", 40),
]


def demo_reviews_load(context: dict) -> int:
    """Receive the sample reviews of the demo orders once (a second run changes nothing); return how many exist."""
    orders = context["orders"]
    now = timezone.now()
    for index, rating, text, hours in REVIEWS:
        order = orders[index]
        line = order.items.order_by("pk").first()
        review_receive(source="demo", data={
            "shop": order.shop or "demo-shop", "platform_review_id": f"DEMO-{order.number}", "rating": rating,
            "order_number": order.number, "sku": line.sku if line else "", "text": text,
            "reviewed_at": now - dt.timedelta(hours=hours)})
    return len(REVIEWS)
