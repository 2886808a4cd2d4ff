from helpdesk.api.routers import Router

from tickets.api.views import CannedReplyViewSet, TicketViewSet, TicketViewViewSet

router = Router()
router.register("ticket-views", TicketViewViewSet, basename="ticket-view")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("canned-replies", CannedReplyViewSet, basename="canned-reply")

urlpatterns = router.urls
