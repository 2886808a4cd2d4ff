"""Forms of the channels: the public web form (在线留言 / 投诉表单) and the agents' phone call log (电话记录).

They parse input only; the services decide.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.contacts import email_validate, phone_validate
from tickets.attachments import attachment_validate
from tickets.models import Category, Ticket

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to ``MAX_PHOTOS`` images (PNG, JPEG, GIF, WebP by content), each at most ``MAX_PHOTO_BYTES``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(count)d photos.") % {"count": MAX_PHOTOS})
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": MAX_PHOTO_BYTES // 2**20})
            try:
                content_type = attachment_validate(upload)
            except ValidationError:
                content_type = None
            if content_type not in IMAGE_TYPES:
                raise ValidationError(_("%(name)s is not a PNG, JPEG, GIF or WebP image.") % {"name": upload.name})
        return files


class SupportForm(forms.Form):
    """What the customer fills in: who they are, the matter, and photos as evidence."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("support form", "I want to"),
        choices=[(Ticket.Kind.COMPLAINT, pgettext_lazy("support form", "File a complaint")),
                 (Ticket.Kind.CONSULTATION, pgettext_lazy("support form", "Ask a question"))],
        widget=forms.RadioSelect, initial=Ticket.Kind.COMPLAINT,
    )
    name = forms.CharField(label=pgettext_lazy("support form", "Your name"), max_length=64)
    phone = forms.CharField(label=pgettext_lazy("support form", "Mobile phone"), max_length=32,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.CharField(label=pgettext_lazy("support form", "E-mail (optional, for a confirmation)"), max_length=254,
                            required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    order_number = forms.CharField(label=pgettext_lazy("support form", "Order number (optional)"), max_length=40, required=False)
    category = forms.ModelChoiceField(
        label=pgettext_lazy("support form", "Category"), queryset=Category.objects.none(), required=False,
        empty_label=pgettext_lazy("support form", "— choose —"),
    )
    description = forms.CharField(label=pgettext_lazy("support form", "Describe the matter"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    photos = MultipleImageField(label=pgettext_lazy("support form", "Photos (optional)"), required=False,
                                help_text=_("Up to 5 images, 5 MB each."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True, parent__isnull=True)

    def clean_phone(self):
        return phone_validate(self.cleaned_data["phone"])

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        return email_validate(value) if value else ""

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if not value:
            raise ValidationError(_("Describe the matter."))
        return value


class TrackerReplyForm(forms.Form):
    """The customer's reply on their tracking page, with optional photos."""

    body = forms.CharField(label=pgettext_lazy("tracking page", "Your message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleImageField(label=pgettext_lazy("support form", "Photos (optional)"), required=False,
                                help_text=_("Up to 5 images, 5 MB each."))

    def clean_body(self):
        value = self.cleaned_data["body"].strip()
        if not value:
            raise ValidationError(_("Write a message."))
        return value


class PhoneCallForm(forms.Form):
    """A call an agent logs (电话记录); on the standalone page also who called and what about."""

    direction = forms.ChoiceField(label=_("Direction"), choices=[("in", _("Incoming call")), ("out", _("Outgoing call"))])
    number = forms.CharField(label=_("Phone number"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    wait_seconds = forms.IntegerField(label=_("Wait (seconds)"), min_value=0, max_value=86400, initial=0)
    talk_seconds = forms.IntegerField(label=_("Talk (seconds)"), min_value=0, max_value=86400, initial=0)
    notes = forms.CharField(label=_("Call notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PhoneCallNewForm(PhoneCallForm):
    name = forms.CharField(label=_("Caller's name"), max_length=64, required=False)
    ticket_number = forms.CharField(label=_("Add to ticket number (optional)"), max_length=20, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.CONSULTATION)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True).select_related("parent"),
                                      required=False, empty_label="—")
