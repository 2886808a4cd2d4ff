"""The article filters, shared by the supervisors' list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from helpdesk.filters import FilterSet
from knowledge.models import Article
from knowledge.selectors import article_search


class ArticleFilterSet(FilterSet):
    """Articles by status, audience, language, category and a search of title and body."""

    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Article.Status.choices, distinct=False)
    audience = django_filters.ChoiceFilter(label=_("Audience"), choices=Article.Audience.choices)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Article.Language.choices)
    category = django_filters.CharFilter(label=_("Category"), max_length=80)
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100,
                                  help_text=_("Words of the title or body"))

    class Meta:
        model = Article
        fields = ["status", "audience", "language", "category", "q"]

    def search(self, queryset, name, value):
        ids = [article.pk for article in article_search(queryset, query=value, limit=200)]
        return queryset.filter(pk__in=ids)
