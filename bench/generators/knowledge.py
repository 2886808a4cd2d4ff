"""Volumes of the help centre: 10,000 published articles in Chinese, inserted in SQL from a small word list."""

from django.db import connection, transaction

ARTICLES = 10_000
TITLE_PREFIX = "基准文章"
WORDS = [
    "退货", "退款", "换货", "发票", "物流", "快递", "保修", "维修", "运费", "签收", "破损", "补发", "预售", "定制",
    "优惠券", "会员", "积分", "尺码", "颜色", "库存", "发货", "地址", "修改", "取消", "订单", "支付", "花呗", "银行卡",
    "到账", "时效", "质量", "问题", "申请", "审核", "验货", "仓库", "顺丰", "中通", "偏远", "地区", "电子", "增值税",
    "七天", "无理由", "赠品", "包装", "拆封", "安装", "说明书", "客服", "售后", "保价", "赔付", "投诉", "规则", "平台",
]


def articles_generated_count() -> int:
    """Return how many generated articles this database holds."""
    from knowledge.models import Article

    return Article.objects.filter(title__startswith=TITLE_PREFIX).count()


def articles_generate(*, total: int = ARTICLES) -> None:
    """Insert `total` published articles (every fifth for agents only), titles and bodies drawn from the word list."""
    from helpdesk.models import User

    owner = User.objects.filter(is_active=True).order_by("-is_superuser", "pk").values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO knowledge_article (title, body, category, tags, audience, language, products, status, owner_id,
                version, published_at, created_at, updated_at)
            SELECT %(prefix)s || i || '：' || w[1 + (i * 7) %% n] || w[1 + (i * 13) %% n] || '说明',
                   (SELECT string_agg(w[1 + ((i * 31 + j * 17 + i * j) %% n)], '' ORDER BY j)
                    FROM generate_series(1, 60) AS j) || '。',
                   w[1 + i %% 5], w[1 + (i * 3) %% n] || ',' || w[1 + (i * 11) %% n],
                   CASE WHEN i %% 5 = 0 THEN 'agents' ELSE 'public' END, 'zh-hans', '', 'published', %(owner)s, 1,
                   now() - make_interval(mins => i), now(), now()
            FROM generate_series(1, %(n_articles)s) AS i, (SELECT %(words)s::text[] AS w, %(n_words)s AS n) AS words
            """, {"prefix": TITLE_PREFIX, "owner": owner, "n_articles": total, "words": WORDS, "n_words": len(WORDS)})
        cursor.execute("ANALYZE knowledge_article")
