from helpdesk.api.routers import Router

from tickets.api.views import CannedReplyViewSet, TaskViewSet, TicketViewSet, TicketViewViewSet

router = Router()
router.register("ticket-views", TicketViewViewSet, basename="ticket-view")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("tasks", TaskViewSet, basename="task")
router.register("canned-replies", CannedReplyViewSet, basename="canned-reply")

urlpatterns = router.urls
