"""Roles are Django groups; this module names them and says what each may do.

Each role inherits the permissions of the roles below it. A data migration
calls ``role_groups_sync`` so the groups exist on every database; a later app
that adds models adds its permissions to ``ROLE_PERMISSIONS`` and a migration
that calls the sync again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "Agent", _("Agent")
    SUPERVISOR = "Supervisor", _("Supervisor")
    MANAGER = "Manager", _("Manager")
    ADMIN = "Admin", _("Admin")


RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.MANAGER: 3, Role.ADMIN: 4}

# Permissions a role adds on top of the role below it.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: [
        "tickets.view_ticket",
        "tickets.add_ticket",
        "tickets.change_ticket",
        "tickets.view_ticketmessage",
        "tickets.add_ticketmessage",
        "tickets.view_ticketevent",
        "reviews.view_review",
        "reviews.change_review",
        "tickets.view_category",
        "tickets.view_tag",
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "orders.view_order",
        "orders.view_orderitem",
        "helpdesk.view_team",
        "tickets.view_cannedreply",
        "tickets.add_cannedreply",
        "tickets.change_cannedreply",
        "tickets.delete_cannedreply",
        "tickets.view_attachment",
        "tickets.add_attachment",
        "tickets.view_internaltask",
        "tickets.add_internaltask",
        "tickets.change_internaltask",
        "tickets.view_remedy",
        "tickets.add_remedy",
        "customers.add_customerreview",
        "customers.add_customerimport",
        "orders.view_returnrequest",
        "orders.add_returnrequest",
        "orders.change_returnrequest",
        "orders.view_sku",
        "orders.view_carrier",
        "followups.view_followupvisit",
        "followups.change_followupvisit",
        "knowledge.view_article",
        "knowledge.view_trainingrecord",
    ],
    Role.SUPERVISOR: [
        "customers.view_pii",
        "tickets.merge_ticket",
        "tickets.approve_remedy",
        "tickets.add_tag",
        "kpi.view_dashboard",
        "sla.view_at_risk",
        "sla.extend_sla",
        "tickets.add_cannedreply",
        "tickets.change_cannedreply",
        "tickets.view_servicelanguagehit",
        "customers.merge_customer",
        "customers.review_customer",
        "customers.view_piireveal",
        "orders.extend_deadline",
        "followups.view_followup_report",
        "followups.view_surveyresponse",
        "followups.view_survey",
        "knowledge.add_article",
        "knowledge.change_article",
        "knowledge.publish_article",
        "knowledge.view_articleversion",
        "knowledge.view_trainingassignment",
        "knowledge.add_trainingassignment",
    ],
    Role.MANAGER: [
        "customers.export_customer",
        "tickets.view_all_internaltasks",
        "kpi.view_all_teams",
        "customers.anonymize_customer",
        "customers.view_piirequest",
        "knowledge.assign_any_team",
    ],
    Role.ADMIN: [
        *[f"kpi.{verb}_{model}" for verb in ("view", "add", "change", "delete")
          for model in ("kpisettings", "scorecardscheme", "scorecardindicator", "qualitycheckitem", "reportsubscription")],
        "kpi.view_report",
        "kpi.view_scorecard",
        "helpdesk.view_user",
        "helpdesk.add_user",
        "helpdesk.change_user",
        "helpdesk.delete_user",
        "helpdesk.add_team",
        "helpdesk.change_team",
        "helpdesk.delete_team",
        "helpdesk.view_loginfailure",
        "helpdesk.delete_loginfailure",
        "auth.view_group",
        "auth.change_group",
        "tickets.add_category",
        "tickets.change_category",
        "tickets.delete_category",
        "tickets.change_tag",
        "tickets.delete_tag",
        "tickets.delete_ticket",
        "tickets.delete_cannedreply",
        "tickets.view_forbiddenphrase",
        "tickets.add_forbiddenphrase",
        "tickets.change_forbiddenphrase",
        "tickets.delete_forbiddenphrase",
        "tickets.view_remedylimit",
        "tickets.add_remedylimit",
        "tickets.change_remedylimit",
        "customers.delete_customer",
        "orders.add_order",
        "orders.change_order",
        "orders.add_orderitem",
        "orders.change_orderitem",
        "orders.view_orderimport",
        "orders.add_orderimport",
        "orders.view_returnpolicy",
        "orders.change_returnpolicy",
        "orders.add_carrier",
        "orders.change_carrier",
        "orders.add_sku",
        "orders.change_sku",
        *(f"helpdesk.{action}_{model}" for model in ("businesscalendar", "workinginterval", "calendarholiday",
                                                       "calendarworkday", "calendarclosure", "calendaryear")
          for action in ("view", "add", "change", "delete")),
        "sla.view_slapolicy",
        "sla.add_slapolicy",
        "sla.change_slapolicy",
        "sla.delete_slapolicy",
        "sla.view_ticketslatimer",
        *(f"sla.{action}_{model}" for model in ("steppolicy", "stepdeadlinerule")
          for action in ("view", "add", "change", "delete")),
        "sla.view_ticketstepdeadline",
        "customers.view_privacypolicy",
        "customers.change_privacypolicy",
        "customers.view_customerlevel",
        "customers.add_customerlevel",
        "customers.change_customerlevel",
        "customers.view_customermerge",
        "customers.view_customerimport",
        *(f"followups.{action}_{model}" for model in ("followuprule", "surveyquestion", "followupsettings")
          for action in ("view", "add", "change")),
        "followups.view_customermessage",
        "channels.view_quarantinedemail",
        "channels.change_quarantinedemail",
        "reviews.add_review",
        *(f"tickets.{action}_departmentteam" for action in ("view", "add", "change", "delete")),
        *(f"routing.{action}_{model}" for model in ("teamrouting", "routingprofile")
          for action in ("view", "add", "change", "delete")),
        *(f"knowledge.{action}_{model}" for model in ("quiz", "question", "choice")
          for action in ("view", "add", "change", "delete")),
    ],
}


def permissions_for(role: Role) -> set[str]:
    """Return every permission the role holds, its own and those inherited."""
    held: set[str] = set()
    for candidate in Role:
        if RANK[candidate] <= RANK[role]:
            held.update(ROLE_PERMISSIONS[candidate])
    return held


def roles_of(user) -> list[Role]:
    """Return the user's roles from their groups, lowest first; superusers are admins."""
    if not user.is_authenticated:
        return []
    names = user.group_names
    roles = [role for role in Role if role.value in names]
    if user.is_superuser and Role.ADMIN not in roles:
        roles.append(Role.ADMIN)
    return sorted(roles, key=RANK.get)


def primary_role(user) -> Role | None:
    """Return the user's highest role, or None for a user without one."""
    roles = roles_of(user)
    return roles[-1] if roles else None


def has_role_at_least(user, role: Role) -> bool:
    """Return whether the user holds the role or one above it."""
    top = primary_role(user)
    return top is not None and RANK[top] >= RANK[role]


def role_groups_sync(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly its permissions (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = permissions_for(role)
        found = []
        for label in sorted(wanted):
            app_label, codename = label.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                found.append(permission)
        group.permissions.set(found)
