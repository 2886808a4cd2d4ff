import factory

from knowledge.models import Article, Choice, Question, Quiz
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


def quiz_build(*, title: str = "退货政策小测", pass_mark: int = 60, questions=None) -> Quiz:
    """Create a quiz from (question text, [(choice text, is_correct), …]) pairs."""
    questions = questions or [
        ("七天无理由退货从哪天算起？", [("签收之日", True), ("下单之日", False), ("发货之日", False)]),
        ("质量问题的退货运费由谁承担？", [("卖家", True), ("买家", False)]),
        ("哪些商品不适用七天无理由？", [("定制商品", True), ("鲜活易腐商品", True), ("普通服装", False)]),
    ]
    quiz = Quiz.objects.create(title=title, pass_mark=pass_mark)
    for position, (text, choices) in enumerate(questions, start=1):
        question = Question.objects.create(quiz=quiz, text=text, position=position)
        Choice.objects.bulk_create([Choice(question=question, text=choice, is_correct=correct)
                                    for choice, correct in choices])
    return quiz
