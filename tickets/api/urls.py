from rest_framework.routers import SimpleRouter

from tickets.api.views import CannedReplyViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("canned-replies", CannedReplyViewSet, basename="canned-reply")

urlpatterns = router.urls
