from rest_framework.routers import SimpleRouter

from channels.api.views import InboundEmailViewSet, PhoneCallViewSet

router = SimpleRouter()
router.register("inbound/email", InboundEmailViewSet, basename="inbound-email")
router.register("phone-calls", PhoneCallViewSet, basename="phone-call")
urlpatterns = router.urls
