from helpdesk.api.routers import Router

from customers.api import views

router = Router()
router.register("customers/imports", views.CustomerImportViewSet, basename="customer-import")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("audit/pii-reveals", views.PiiRevealViewSet, basename="pii-reveal")

urlpatterns = router.urls
