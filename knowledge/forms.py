"""Forms of the knowledge pages: writing an article, a status step, the help-centre search, training."""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Article, Deflection, Quiz


class ArticleForm(forms.Form):
    """Write or edit an article (Markdown body)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body (Markdown)"), max_length=100000, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Markdown: **bold**, lists, links; images as ![description](https://…)."))
    category = forms.CharField(label=_("Category"), max_length=80, required=False)
    tags = forms.CharField(label=_("Tags"), max_length=200, required=False, help_text=_("Separated by commas."))
    audience = forms.ChoiceField(label=_("Audience"), choices=Article.Audience.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Article.Language.choices)
    products = forms.CharField(label=_("Related products"), max_length=200, required=False,
                               help_text=_("Product categories or SKUs, separated by commas."))


class TransitionForm(forms.Form):
    """Move an article to another status."""

    status = forms.ChoiceField(label=_("Status"), choices=Article.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class HelpSearchForm(forms.Form):
    """The help centre's search box."""

    q = forms.CharField(label=_("Search the help centre"), max_length=100, required=False)


class SolvedForm(forms.Form):
    """A customer's "this solved my problem"."""

    source = forms.ChoiceField(choices=Deflection.Source.choices)


class FlagForm(forms.Form):
    """Flag an article as outdated."""

    note = forms.CharField(label=_("What is outdated?"), max_length=500)


class AssignForm(forms.Form):
    """Assign articles and/or a quiz to a team or to agents, by a due date."""

    title = forms.CharField(label=_("Title"), max_length=200)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False,
                                  help_text=_("Covers the team's members at the time of assignment."))
    agents = forms.ModelMultipleChoiceField(label=_("Agents"), queryset=None, required=False)
    articles = forms.ModelMultipleChoiceField(label=_("Articles to read"), queryset=None, required=False)
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.all(), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, teams, agents, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["agents"].queryset = agents
        self.fields["agents"].label_from_instance = lambda user: user.display_name or user.username
        self.fields["articles"].queryset = articles


class QuizForm(forms.Form):
    """One page of a quiz: a radio group per question with one correct answer, checkboxes where several are."""

    def __init__(self, *args, review: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for row in review:
            question = row["question"]
            choices = [(choice.pk, choice.text) for choice in row["choices"]]
            if row["multiple"]:
                field = forms.TypedMultipleChoiceField(coerce=int, choices=choices, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.TypedChoiceField(coerce=int, choices=choices, widget=forms.RadioSelect)
            field.required = False  # the service names each unanswered question
            field.label = question.text
            self.fields[f"question_{question.pk}"] = field

    def answers(self) -> dict:
        """Return the chosen choice ids by question id."""
        answers = {}
        for name, value in self.cleaned_data.items():
            values = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
            answers[int(name.removeprefix("question_"))] = values
        return answers


class MonthForm(forms.Form):
    """The month of a training report (YYYY-MM)."""

    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             widget=forms.TextInput(attrs={"type": "month"}),
                             error_messages={"invalid": _("Enter a month as YYYY-MM.")})
