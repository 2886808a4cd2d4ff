from django.db.models import prefetch_related_objects
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from helpdesk.services import api_token_issue
from helpdesk.tokens import token_expires_at


class TokenView(APIView):
    """Exchange a username and password for an API token (sign-ins throttled per account and address)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: None, 429: None},
                   operation_id="auth_token_create")
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


class MeView(APIView):
    """The signed-in user with roles and teams."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        prefetch_related_objects([user], "teams", "led_teams")
        return Response(MeSerializer(user).data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the request's language, so generated clients get stable names.

    ``?lang=zh-hans`` asks for the translated descriptions explicitly.
    """

    def dispatch(self, request, *args, **kwargs):
        with translation.override(request.GET.get("lang") or "en"):
            response = super().dispatch(request, *args, **kwargs)
            return response.render() if hasattr(response, "render") else response
