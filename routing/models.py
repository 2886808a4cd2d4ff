"""Ticket routing: a team's assignment mode, an agent's ticket capacity and categories, the round robin's order."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The capacity of an agent nobody gave a routing profile.
DEFAULT_MAX_OPEN_TICKETS = 20


class TeamRouting(models.Model):
    """How a team's waiting tickets reach its agents: by hand, in turn (轮询) or to the least loaded agent."""

    class Mode(models.TextChoices):
        MANUAL = "manual", _("Manual")
        ROUND_ROBIN = "round_robin", _("Round robin")
        LEAST_LOADED = "least_loaded", _("Least loaded")

    team = models.OneToOneField("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE,
                                related_name="routing")
    mode = models.CharField(
        _("assignment mode"), max_length=16, choices=Mode.choices, default=Mode.MANUAL,
        help_text=_("Manual leaves tickets in the team queue; the other modes give them to online agents with room."))
    is_category_matched = models.BooleanField(
        _("only agents who handle the category"), default=False,
        help_text=_("Give a ticket only to agents whose routing profile lists its category (or none at all)."))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")

    def __str__(self):
        return f"{self.team}: {self.get_mode_display()}"


class RoutingProfile(models.Model):
    """An agent's ticket capacity and the categories they handle (none listed: every category)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                                related_name="routing_profile")
    max_open_tickets = models.PositiveSmallIntegerField(
        _("open ticket limit"), default=DEFAULT_MAX_OPEN_TICKETS,
        help_text=_("Most unresolved tickets the agent holds before automatic assignment passes them by."))
    categories = models.ManyToManyField("tickets.Category", verbose_name=_("categories handled"), blank=True,
                                        related_name="+", help_text=_("Leave empty for every category."))

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("agent routing profile")
        verbose_name_plural = _("agent routing profiles")

    def __str__(self):
        return str(self.user)


class RoutingTurn(models.Model):
    """When a team last gave an agent a ticket automatically: the round robin's order."""

    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                             related_name="+")
    last_assigned_at = models.DateTimeField(_("last assigned at"))

    class Meta:
        verbose_name = _("routing turn")
        verbose_name_plural = _("routing turns")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="routing_turn_team_user_uniq")]

    def __str__(self):
        return f"{self.team}/{self.user}"
