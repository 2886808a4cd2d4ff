"""Which team receives a customer-initiated ticket (e-mail, web form, phone, chat): the admin's routing rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from channels.models import RoutingRule
from helpdesk.models import Team


def routing_rule_matches(rule: RoutingRule, *, channel: str, kind: str, category) -> bool:
    """Return whether a rule's conditions (blank = any) hold; a category rule also covers its sub-categories."""
    if rule.channel and rule.channel != channel:
        return False
    if rule.kind and rule.kind != kind:
        return False
    if rule.category_id is not None:
        if category is None or rule.category_id not in (category.pk, category.parent_id):
            return False
    return True


def ticket_route(*, channel: str, kind: str, category=None) -> Team:
    """Return the team of the first active matching rule by order; else the first active team.

    Used by every customer-initiated channel. Raises ValidationError when there is no team at all.
    """
    rules = RoutingRule.objects.filter(is_active=True, team__is_active=True).select_related("team")
    for rule in rules:
        if routing_rule_matches(rule, channel=channel, kind=kind, category=category):
            return rule.team
    team = Team.objects.filter(is_active=True).order_by("pk").first()
    if team is None:
        raise ValidationError({"team": [_("No team can receive this ticket; an admin must create a team and routing rules.")]})
    return team
