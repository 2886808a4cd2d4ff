"""The public web form (在线留言 / 投诉表单): a customer files a complaint or a question without an account."""

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from customers.contacts import email_validate, phone_normalize, phone_validate
from orders.models import Order
from tickets import mail
from tickets.attachments import attachment_validate
from tickets.models import Category, Ticket, TicketMessage
from tickets.routing import ticket_route

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Submissions allowed per window (seconds) from one address and for one phone number.
RATE_WINDOW = 3600
RATE_PER_IP = 10
RATE_PER_PHONE = 3


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
                                help_text=gettext_lazy("Up to 5 images, 5 MB each."))

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


def webform_rate_limited(*, ip: str, phone: str) -> bool:
    """Count one submission from this address and phone; return True when either is over its limit."""
    over = False
    for key, limit in ((f"tickets:support:ip:{ip}", RATE_PER_IP), (f"tickets:support:phone:{phone_normalize(phone)}", RATE_PER_PHONE)):
        cache.add(key, 0, RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW)
            count = 1
        over = over or count > limit
    return over


@transaction.atomic
def webform_ticket_create(*, name: str, phone: str, email: str = "", order_number: str = "", kind: str,
                          category=None, description: str, photos=()) -> Ticket:
    """Open a web-form ticket for the customer (found by phone, then e-mail) and confirm it by e-mail.

    The order is linked only when it belongs to that customer; otherwise its number stays in the text.
    """
    from tickets import services

    customer = services.customer_find_or_create(name=name, phone=phone, email=email)
    order = Order.objects.filter(number=order_number.strip()).first() if order_number.strip() else None
    text = description
    if order is not None and order.customer_id != customer.pk:
        order = None
    if order_number.strip() and order is None:
        text += "\n\n" + _("Order number given: %(number)s") % {"number": order_number.strip()}
    label = dict(Ticket.Kind.choices)[kind]
    ticket = services.ticket_create(
        actor=None, customer=customer, team=ticket_route(channel=Ticket.Channel.WEB, kind=kind, category=category),
        subject=f"{label}: {' '.join(description.split())[:60]}", description=text, kind=kind,
        channel=Ticket.Channel.WEB, category=category, order=order,
    )
    if photos:
        # The text is the ticket's description; the photos arrive as the customer's first message.
        services.ticket_message_add(ticket=ticket, actor=None, body="", sender=TicketMessage.Sender.CUSTOMER,
                                    attachments=photos)
    if email:
        mail.ticket_email_confirmation_queue(ticket=ticket, to=email)
    return ticket
