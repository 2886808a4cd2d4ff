from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base (知识库): articles, their versions, the public help centre and deflections."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from helpdesk.search import SearchProvider, list_url, search_provider_register
        from knowledge import selectors
        from knowledge.models import Article
        from knowledge.search_cache import articles_version_connect

        search_provider_register(SearchProvider(
            "knowledge", _("Knowledge base"), selectors.article_search_hits, lambda q: list_url("knowledge:article_list", q),
            ("knowledge.view_article",), order=40))
        articles_version_connect(Article)
