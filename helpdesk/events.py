"""The audit-event contract every app's event table follows: who did what kind of thing, with a note, and when.

An event row is written once, in the transaction of the change it records, and never changed or deleted
afterwards: not through the instance, not through a queryset. The one exception is the erasure of a
customer's personal data (PIPL), through ``redact``. Rows go only with what they belong to
(a ticket, a return, a visit deleted by cascade), and a deleted user leaves their events without an actor.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "append-only record"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an append-only table: they are added, never updated or deleted in bulk."""

    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionDenied(APPEND_ONLY)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY)

    def redact(self, **fields) -> int:
        """Store text fields with the personal data in them erased (PIPL): the one change an append-only row allows."""
        return super().update(**fields)


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(APPEND_ONLY)
        # A new instance given the id of an existing row must not overwrite it.
        kwargs["force_insert"] = True
        super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)


def actor_field(**options) -> models.ForeignKey:
    """Return the event's actor: the user who acted, kept as empty when that user is deleted.

    ``options`` override what differs per table (``verbose_name``, ``related_name``, ``db_index``).
    """
    options = {"verbose_name": _("actor"), "null": True, "blank": True, **options}
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, **options)


class AuditEvent(AppendOnlyModel):
    """One recorded step in the history of something: who, what kind of step, a note, and when.

    Each table declares its own ``kind`` with its ``Kind`` choices, the object the event belongs to, and its indexes.
    """

    kind = models.CharField(_("kind"), max_length=20)
    actor = actor_field()
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(AppendOnlyModel.Meta):
        abstract = True
        ordering = ["created_at", "id"]

    @property
    def kind_label(self) -> str:
        """Return the kind's label (what ``get_kind_display`` returns), without translating every label to find it.

        ``get_kind_display`` makes the choices hashable, which translates all of them: a history of fifty events
        translated some thousand labels per page.
        """
        return dict(self._meta.get_field("kind").flatchoices).get(self.kind, self.kind)
