"""Unique, human-readable numbers that survive concurrent writers."""

from django.db import transaction
from django.utils import timezone

from helpdesk.models import Sequence


def sequence_next(*, name: str) -> int:
    """Return the next value of the named sequence, locking its row until commit."""
    with transaction.atomic():
        Sequence.objects.bulk_create([Sequence(name=name)], ignore_conflicts=True)
        sequence = Sequence.objects.select_for_update().get(name=name)
        sequence.value += 1
        sequence.save(update_fields=["value"])
        return sequence.value


def daily_number(*, prefix: str) -> str:
    """Return the next number of the day for a prefix, e.g. T2611230007 (Asia/Shanghai date)."""
    day = timezone.localdate().strftime("%y%m%d")
    value = sequence_next(name=f"{prefix}{day}")
    return f"{prefix}{day}{value:04d}"
