from django.core.management.base import BaseCommand

from helpdesk.demo import demo_users_load
from helpdesk.generated_data import generate


class Command(BaseCommand):
    help = "Bulk-insert realistic volumes (customers, tickets, messages) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=10_000)
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--messages-per-ticket", type=int, default=5)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, customers, tickets, messages_per_ticket, seed, **options):
        demo_users_load()
        result = generate(customers=customers, tickets=tickets, messages_per_ticket=messages_per_ticket, seed=seed,
                          progress=self.progress)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Generated {result['customers']} customers, {result['tickets']} tickets, {result['messages']} messages."))

    def progress(self, what, done, total):
        self.stdout.write(f"\r{what}: {done}/{total} ({done * 100 // max(total, 1)}%)", ending="")
        self.stdout.flush()
