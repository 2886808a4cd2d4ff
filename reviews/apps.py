from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Shop reviews (好评/差评): intake, the 差评 ticket and its outcome, the 差评 queue."""

    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from customers.records import eraser_register, export_section_register, timeline_source_register
        from orders.records import order_section_register
        from reviews.privacy import customer_reviews_export, review_customer_content_erase
        from reviews.selectors import TIMELINE_MODELS, customer_timeline_sources, order_reviews_section

        # A customer's reviews are on their timeline, rendered and scoped here.
        timeline_source_register(customer_timeline_sources, models=TIMELINE_MODELS)
        # What the customer wrote is in their personal-information export and erased with their archive.
        export_section_register("shop_reviews", customer_reviews_export, models=TIMELINE_MODELS)
        eraser_register(review_customer_content_erase)
        # And on their order's page.
        order_section_register(order_reviews_section)
