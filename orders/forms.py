"""Forms of the order and return pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.importing import import_file_name_validate
from orders.models import Carrier, ReturnDeadline, ReturnRequest, Sku

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to six photos as evidence (jpeg, png, webp, heic; 8 MB each)."""

    widget = MultiFileInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        for file in files:
            if file.size > MAX_PHOTO_BYTES or getattr(file, "content_type", "") not in PHOTO_TYPES:
                raise forms.ValidationError(_("Photos must be JPEG, PNG, WebP or HEIC images of at most 8 MB."))
        return files


class OrderImportForm(forms.Form):
    """A CSV or XLSX file of orders to import."""

    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("One row per item, the rows of an order together; see the columns in the docs."))

    def clean_file(self):
        file = self.cleaned_data["file"]
        import_file_name_validate(file.name)
        return file


class OrderLookupForm(forms.Form):
    """The customer identifies an order by its number and the phone it was bought with."""

    number = forms.CharField(label=_("Order number"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=32)


class ReturnApplyForm(forms.Form):
    """A return, exchange or refund application (退换货申请) for some items of an order."""

    kind = forms.ChoiceField(label=_("What you want"), choices=ReturnRequest.Kind.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnRequest.Reason.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    exchange_sku = forms.ModelChoiceField(label=_("Exchange for"), queryset=Sku.objects.filter(is_active=True),
                                          to_field_name="code", required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=64, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    photos = PhotosField(label=_("Photos (evidence)"), required=False)

    def __init__(self, *args, order=None, returnable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_items = []
        for item in order.items.all() if order else []:
            left = item.quantity - (returnable or {}).get(item.pk, 0)
            name = f"qty_{item.pk}"
            self.fields[name] = forms.IntegerField(label=f"{item.name} {item.spec}".strip(), min_value=0,
                                                   max_value=max(left, 0), initial=0, required=False)
            self.order_items.append((item, name, left))

    def detail_fields(self):
        """Return the bound fields other than the per-item quantities."""
        return [self[name] for name in self.fields if not name.startswith("qty_")]

    def items(self) -> list[tuple[int, int]]:
        """Return (order item id, quantity) for every line with a quantity."""
        return [(item.pk, self.cleaned_data.get(name) or 0) for item, name, _left in self.order_items
                if self.cleaned_data.get(name)]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PickupForm(forms.Form):
    method = forms.ChoiceField(label=_("Return method"), choices=ReturnRequest.ReturnMethod.choices)
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True), required=False)
    tracking = forms.CharField(label=_("Tracking number"), max_length=64, required=False)


class InspectForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("Result"), choices=[("1", _("Passed")), ("0", _("Not passed"))],
                                    coerce=lambda v: v == "1")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0, required=False)


class ShipExchangeForm(forms.Form):
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True))
    tracking = forms.CharField(label=_("Tracking number"), max_length=64)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ExtendForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=ReturnDeadline.Step.choices)
    days = forms.IntegerField(label=_("Business days"), min_value=1, max_value=30, initial=1)
    reason = forms.CharField(label=_("Force-majeure reason"), max_length=2000)
