"""Demo data of live chat: the demo shop's widget (answered by 售前) and the agents' chat limits."""

from chat.models import AgentPresence, ChatWidget

DEMO_SHOP_KEY = "demo-shop"


def demo_chat_load(context: dict) -> ChatWidget:
    """Create the demo shop's chat widget once (shown at /demo/shop/)."""
    widget, _created = ChatWidget.objects.get_or_create(
        key=DEMO_SHOP_KEY,
        defaults={"name": "优品生活旗舰店", "team": context["teams"]["presales"],
                  "greeting": "您好，欢迎光临优品生活旗舰店！请留下称呼和手机号，客服马上为您服务。",
                  "secret": "demo-shop-secret-not-for-production"},
    )
    for username in ("agent", "agent2", "supervisor", "manager"):
        user = context["users"].get(username)
        if user is not None:
            AgentPresence.objects.get_or_create(user=user)
    return widget
