from helpdesk.api.routers import Router

from tickets.api.views import CannedReplyViewSet, TicketViewSet

router = Router()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("canned-replies", CannedReplyViewSet, basename="canned-reply")

urlpatterns = router.urls
