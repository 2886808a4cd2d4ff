from rest_framework.routers import SimpleRouter

from customers.api import views

router = SimpleRouter()
router.register("customers/imports", views.CustomerImportViewSet, basename="customer-import")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("audit/pii-reveals", views.PiiRevealViewSet, basename="pii-reveal")

urlpatterns = router.urls
