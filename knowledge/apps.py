from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base (知识库): articles, their versions, the public help centre and deflections."""

    name = "knowledge"
    verbose_name = _("Knowledge base")
