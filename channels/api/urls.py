from helpdesk.api.routers import Router

from channels.api.views import InboundEmailViewSet, PhoneCallViewSet

router = Router()
router.register("inbound/email", InboundEmailViewSet, basename="inbound-email")
router.register("phone-calls", PhoneCallViewSet, basename="phone-call")
urlpatterns = router.urls
