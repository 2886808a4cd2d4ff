"""The 差评 queue page and a review's page with its outcome form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from helpdesk.paging import keyset_page
from reviews import services
from reviews.filters import ReviewFilterSet
from reviews.models import Review
from reviews.selectors import review_history, review_list_for_user, review_low_list_for_user


class LowReviewQueueView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """差评 of the shops in scope with their outcome and ticket, filtered by shop and outcome (``low_only``);
    without it every review, which is where the review KPIs drill down to."""

    permission_required = "reviews.view_review"
    template_name = "reviews/queue.html"
    low_only = True

    def get_context_data(self, **kwargs):
        user = self.request.user
        reviews = review_low_list_for_user(user=user) if self.low_only else review_list_for_user(user=user)
        filterset = ReviewFilterSet(self.request.GET, queryset=reviews)
        rows, next_query = keyset_page(filterset.qs, self.request, "reviewed_at")
        shops = review_list_for_user(user=user).order_by("shop").values_list("shop", flat=True).distinct()
        title = _("差评 queue") if self.low_only else _("Reviews")
        return super().get_context_data(active_section="reviews", title=title, filter=filterset,
                                        reviews=rows, next_query=next_query, shops=list(shops[:200]),
                                        outcomes=Review.Outcome.choices[1:], **kwargs)


class ReviewDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One review: its text and images, earlier versions, history, 差评 ticket; an agent records the outcome."""

    permission_required = "reviews.view_review"
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        review = get_object_or_404(review_list_for_user(user=self.request.user), pk=self.kwargs["pk"])
        events, revisions = review_history(review)
        return super().get_context_data(active_section="reviews", title=_("Review %(id)s") % {"id": review.platform_review_id},
                                        review=review, events=events, revisions=revisions,
                                        outcomes=Review.Outcome.choices[1:], **kwargs)

    def post(self, request, pk):
        if not request.user.has_perm("reviews.change_review"):
            return self.handle_no_permission()
        review = get_object_or_404(review_list_for_user(user=request.user), pk=pk)
        try:
            services.review_outcome_record(review=review, actor=request.user, outcome=request.POST.get("outcome", ""),
                                           note=request.POST.get("note", "")[:1000])
        except ValidationError as exc:
            context = self.get_context_data(pk=pk, errors=exc.messages)
            return self.render_to_response(context, status=400)
        messages.success(request, _("Outcome recorded."))
        back = request.POST.get("next", "")  # the 差评 ticket's page, when recorded from its panel
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("reviews:detail", pk=review.pk)
