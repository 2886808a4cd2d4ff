from django.core.management.base import BaseCommand

from helpdesk.demo import DEMO_PASSWORD, USERS, demo_data_load


class Command(BaseCommand):
    help = "Load the demo teams, users, customers, orders and tickets (idempotent)."

    def handle(self, *args, **options):
        context = demo_data_load()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(context['customers'])} customers, {len(context['orders'])} orders, "
            f"{len(context['tickets'])} tickets."
        ))
        self.stdout.write("Demo logins (password %s): %s" % (DEMO_PASSWORD, ", ".join(u["username"] for u in USERS)))
