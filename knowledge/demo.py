"""Knowledge demo data: help articles (returns, refunds, warranty, shipping, invoices; two for agents), a quiz, training."""

import datetime as dt

from django.utils import timezone

from knowledge import services
from knowledge.models import Article, Choice, Question, Quiz, TrainingAssignment

PUBLIC, AGENTS = Article.Audience.PUBLIC, Article.Audience.AGENTS

ARTICLES = [
    ("七天无理由退货政策", "售后", "退货,七天无理由", PUBLIC, "全部商品", """## 哪些商品可以七天无理由退货

自签收之日起 **7 天内**，商品完好、不影响二次销售，即可申请七天无理由退货。

- 定制商品、鲜活易腐商品、已拆封的个人护理用品不适用；
- 赠品需随商品一并退回；
- 退货运费：商品质量问题由我们承担，非质量问题由您承担（已购买运费险的由保险赔付）。

## 如何申请

1. 打开「我的订单」，选择要退的商品，点击「申请退货」；
2. 填写退货原因并上传照片（质量问题请拍清瑕疵处）；
3. 审核通过后按页面上的地址寄回，并填写快递单号。

仓库签收后 48 小时内完成验货，验货通过即发起退款。"""),
    ("退款多久到账", "售后", "退款,到账时间", PUBLIC, "", """退款在仓库验货通过后发起，到账时间取决于支付方式：

| 支付方式 | 到账时间 |
|---|---|
| 微信支付 / 支付宝 | 1–3 个工作日 |
| 银行卡 | 3–7 个工作日 |
| 花呗分期 | 原路退回，分期手续费按比例退还 |

超过以上时间仍未到账，请提供订单号联系客服查询。"""),
    ("商品保修政策", "售后", "保修,维修", PUBLIC, "家电,数码", """家电及数码产品自签收之日起享受 **一年** 免费保修（人为损坏除外）。

保修期内出现性能故障：15 天内可换货，15 天后免费维修。请保留发票或电子订单作为保修凭证。"""),
    ("发货与配送时间", "物流", "发货,快递,配送", PUBLIC, "", """- 现货商品：付款后 **48 小时内** 发货；预售商品以商品页写明的时间为准。
- 默认顺丰/中通配送，江浙沪一般次日达，其他地区 2–4 天。
- 偏远地区（新疆、西藏等）可能需要 5–7 天。

发货后可在「我的订单」查看物流轨迹。"""),
    ("如何开具发票", "发票", "发票,电子发票,增值税", PUBLIC, "", """我们默认开具 **电子普通发票**，确认收货后 24 小时内发送到下单手机号及邮箱。

需要增值税专用发票的企业客户，请在订单完成后 30 天内联系客服，提供公司名称、税号、开户行及账号。"""),
    ("修改收货地址", "物流", "地址,修改订单", PUBLIC, "", """订单 **未发货前** 可在「我的订单」中修改收货地址；已发货的订单请联系客服尝试拦截改派（可能产生额外运费）。"""),
    ("平台规则：售后时效与赔付红线", "平台规则", "平台规则,赔付", AGENTS, "", """仅供客服内部参考，**请勿直接发给顾客**。

- 平台要求退款申请在 48 小时内处理，超时将自动同意退款；
- 虚假发货、延迟发货按平台规则需向顾客赔付订单金额的 30%（最高 500 元）；
- 补偿金额超过 200 元须提交主管审批。"""),
    ("平台规则：禁用话术与敏感词", "平台规则", "平台规则,话术", AGENTS, "", """与顾客沟通时禁止：引导线下交易、承诺平台外补偿、使用「绝对」「最」等极限词。

发现顾客提到「投诉到12315」「曝光」时，请立即升级给主管。"""),
]


def demo_knowledge_load(context: dict) -> list[Article]:
    """Add the help articles (published) once, written by the demo supervisor."""
    author = context["users"]["supervisor"]
    articles = []
    for title, category, tags, audience, products, body in ARTICLES:
        article = Article.objects.filter(title=title).first()
        if article is None:
            article = services.article_create(actor=author, title=title, body=body, category=category, tags=tags,
                                              audience=audience, products=products)
            services.article_transition(article=article, actor=author, target="in_review")
            article = services.article_transition(article=article, actor=author, target="published")
        articles.append(article)
    return articles


QUIZ_TITLE = "退货政策小测"
QUIZ_QUESTIONS = [
    ("七天无理由退货从哪一天开始计算？", [("顾客签收之日", True), ("顾客下单之日", False), ("商家发货之日", False)]),
    ("因商品质量问题退货，退货运费由谁承担？", [("商家承担", True), ("顾客承担", False), ("双方各承担一半", False)]),
    ("以下哪些商品不适用七天无理由退货？（多选）", [("定制商品", True), ("鲜活易腐商品", True), ("未拆封的普通服装", False)]),
]


def demo_quiz_load() -> Quiz:
    """Add the return-policy quiz (three questions, pass mark 80 %) once."""
    quiz = Quiz.objects.filter(title=QUIZ_TITLE).first()
    if quiz is not None:
        return quiz
    quiz = Quiz.objects.create(title=QUIZ_TITLE, pass_mark=80)
    for position, (text, choices) in enumerate(QUIZ_QUESTIONS, start=1):
        question = Question.objects.create(quiz=quiz, text=text, position=position)
        Choice.objects.bulk_create([Choice(question=question, text=choice, is_correct=correct)
                                    for choice, correct in choices])
    return quiz


def demo_training_load(context: dict) -> TrainingAssignment:
    """Assign the return-policy articles and quiz to the pre-sales team once, due in a week, by its supervisor."""
    quiz = demo_quiz_load()
    assignment = TrainingAssignment.objects.filter(quiz=quiz).first()
    if assignment is None:
        articles = Article.objects.filter(title__in=["七天无理由退货政策", "退款多久到账"], status="published")
        assignment = services.training_assign(
            actor=context["users"]["supervisor"], title="退货政策培训", articles=articles, quiz=quiz,
            team=context["teams"]["presales"], due_on=timezone.localdate() + dt.timedelta(days=7))
    return assignment
