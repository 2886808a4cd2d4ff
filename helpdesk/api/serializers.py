from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from helpdesk.api import strict
from helpdesk.login_throttle import login_address, login_lock_get
from helpdesk.models import Team, User
from helpdesk.roles import primary_role, roles_of


class TeamSerializer(strict.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "code", "supervisor"]


class MeSerializer(strict.ModelSerializer):
    name = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    teams = TeamSerializer(many=True, read_only=True)
    led_teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "role", "roles", "teams", "led_teams", "is_staff"]

    def get_name(self, user) -> str:
        return str(user)

    def get_role(self, user) -> str | None:
        role = primary_role(user)
        return role.value if role else None

    def get_roles(self, user) -> list[str]:
        return [role.value for role in roles_of(user)]


class TokenRequestSerializer(serializers.Serializer):
    username = strict.CharField(max_length=150)
    password = strict.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            lock = login_lock_get(username=attrs["username"], address=login_address(request))
            if lock is not None:
                raise exceptions.Throttled(wait=lock.retry_after(), detail=lock.message)
        if user is None or not user.is_active:
            raise serializers.ValidationError(_("Unable to log in with the given username and password."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = strict.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
