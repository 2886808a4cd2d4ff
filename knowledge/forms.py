"""Forms of the knowledge pages: writing an article, a status step, the help-centre search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Article, Deflection


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
