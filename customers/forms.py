"""Forms of the customer pages; validation is the services' (customer_changes_clean)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerImport, PiiReveal
from customers.selectors import level_labels
from customers.services import customer_changes_clean, customer_level_codes


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("，", ",").replace(",", "\n").splitlines() if line.strip()]


class CustomerForm(forms.Form):
    """Create or change an archive: several phones, e-mails and addresses, one a line."""

    name = forms.CharField(label=_("Name"), max_length=64)
    phones = forms.CharField(label=_("Phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One a line; mainland (13800138000, 010-12345678) or international (+44 …)."))
    emails = forms.CharField(label=_("E-mails"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One a line."))
    addresses = forms.CharField(label=_("Addresses"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("One a line."))
    level = forms.ChoiceField(label=_("Level"))
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. 多次投诉, 高价值"))
    city = forms.CharField(label=_("City"), required=False, max_length=64)
    source = forms.CharField(label=_("Source shop or platform"), required=False, max_length=64)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    has_marketing_consent = forms.BooleanField(label=_("Consents to marketing"), required=False)
    has_survey_consent = forms.BooleanField(label=_("Consents to surveys"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = level_labels()
        self.fields["level"].choices = [(code, labels.get(code, code)) for code in customer_level_codes()]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        changes = {
            **{k: data[k] for k in ("name", "level", "city", "source", "birthday", "notes", "has_marketing_consent",
                                   "has_survey_consent")},
            "phones": _lines(data["phones"]), "emails": _lines(data["emails"]),
            "addresses": [line.strip() for line in data["addresses"].splitlines() if line.strip()],
            "tags": _lines(data["tags"]),
        }
        try:
            self.changes = customer_changes_clean(changes, partial=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(f.value, f.label) for f in PiiReveal.ARCHIVE_FIELDS])
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class ReviewDecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class MergeForm(forms.Form):
    survivor = forms.IntegerField(label=_("Keep archive #"), min_value=1)
    duplicate = forms.IntegerField(label=_("Merge archive #"), min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("UTF-8 or GBK. Columns: name, phone, email, city, level, tags, source, birthday, address, notes (English or Chinese headers)."))
    mode = forms.ChoiceField(label=_("If some rows are bad"), choices=CustomerImport.Mode.choices,
                             widget=forms.RadioSelect, initial=CustomerImport.Mode.ALL_OR_NOTHING)

