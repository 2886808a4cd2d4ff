import factory

from knowledge.models import Article
from tests.factories.helpdesk import UserFactory


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"帮助文章 {n}")
    body = "这里是正文。"
    owner = factory.SubFactory(UserFactory)
    status = Article.Status.PUBLISHED
    audience = Article.Audience.PUBLIC
    language = Article.Language.ZH_HANS
