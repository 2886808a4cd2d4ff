"""SMS providers behind the message-backend interface: Alibaba Cloud and Tencent Cloud (official SDKs), an HTTP gateway.

Chinese providers send only templates registered with them: each notice kind is sent as the ``SmsTemplate`` of
the provider and kind (the customer's language first, then any), its parameters taken from the notice's fields.
Credentials and endpoints come from settings (environment variables), never from the database; an endpoint
setting may name ``http://127.0.0.1:<port>`` so that tests talk to a local server.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from followups.messaging import BaseMessageBackend, MessageSendError, OutgoingMessage
from followups.models import SmsTemplate
from orders.shop_sync import webhook_signature

# Provider codes that say "try again later" (rate limits, provider trouble); any other refusal is final.
ALIBABA_TRANSIENT = ("isv.BUSINESS_LIMIT_CONTROL", "isp.", "Throttling", "ServiceUnavailable", "InternalError")
TENCENT_TRANSIENT_PREFIXES = ("LimitExceeded", "InternalError", "RequestLimitExceeded", "FailedOperation.InsufficientBalance")


def sms_template(provider: str, message: OutgoingMessage) -> SmsTemplate:
    """Return the active template of the provider for the message's kind, or raise a permanent MessageSendError."""
    templates = list(SmsTemplate.objects.filter(provider=provider, kind=message.kind or "other", is_active=True))
    templates.sort(key=lambda t: (t.language != message.language, t.language != settings.LANGUAGE_CODE, t.pk))
    if not templates:
        raise MessageSendError(_("No active %(provider)s SMS template is registered for “%(kind)s”.") % {
            "provider": provider, "kind": message.kind or "other"}, permanent=True, code="no_template")
    return templates[0]


def template_params(template: SmsTemplate, context: dict) -> dict[str, str]:
    """Return the template's parameters (name → text, in order) from the notice's fields.

    ``params`` is an object (parameter name → field) or a list of field names (named after the field, in that
    order: Tencent's templates take their parameters by position). A missing field is a permanent error.
    """
    params = template.params
    pairs = list(params.items()) if isinstance(params, dict) else [(str(f), str(f)) for f in params or []]
    missing = [source for _name, source in pairs if context.get(source) in (None, "")]
    if missing:
        raise MessageSendError(_("The notice has no %(fields)s for template %(code)s.") % {
            "fields": ", ".join(sorted(set(map(str, missing)))), "code": template.template_code},
            permanent=True, code="missing_param")
    return {str(name): str(context[source]) for name, source in pairs}


def mainland_number(phone: str) -> str:
    """Return a number in E.164 (+8613800138000); 11-digit mainland mobile numbers get +86."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if digits.startswith("86") and len(digits) == 13:
        return f"+{digits}"
    return f"+86{digits}" if len(digits) == 11 else f"+{digits}"


def _endpoint(url: str) -> tuple[str, str]:
    """Return (scheme, host[:port]) of an endpoint setting given as a URL or a bare host."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return parts.scheme or "https", parts.netloc


def missing_settings(*names: str) -> list[str]:
    """Return the names among ``names`` whose setting is empty."""
    return [name for name in names if not getattr(settings, name, "")]


def _require(*names: str) -> None:
    missing = missing_settings(*names)
    if missing:
        raise MessageSendError(_("SMS is not configured: set %(names)s.") % {"names": ", ".join(missing)},
                               permanent=True, code="not_configured")


class AlibabaSmsBackend(BaseMessageBackend):
    """Alibaba Cloud SMS (阿里云短信, Dysmsapi 2017-05-25 ``SendSms``) through ``alibabacloud-dysmsapi20170525``.

    Settings: ``SMS_ALIBABA_ACCESS_KEY_ID``, ``SMS_ALIBABA_ACCESS_KEY_SECRET``, ``SMS_ALIBABA_ENDPOINT``.
    The provider's id is the ``BizId`` its delivery receipts carry; our message id goes as ``OutId``.
    """

    provider = SmsTemplate.Provider.ALIBABA
    required_settings = ("SMS_ALIBABA_ACCESS_KEY_ID", "SMS_ALIBABA_ACCESS_KEY_SECRET")

    def send(self, message: OutgoingMessage) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config
        from darabonba.exceptions import DaraException, UnretryableException
        from darabonba.runtime import RuntimeOptions

        _require(*self.required_settings)
        template = sms_template(self.provider, message)
        params = template_params(template, message.context)
        scheme, host = _endpoint(settings.SMS_ALIBABA_ENDPOINT)
        client = Client(Config(access_key_id=settings.SMS_ALIBABA_ACCESS_KEY_ID,
                               access_key_secret=settings.SMS_ALIBABA_ACCESS_KEY_SECRET, endpoint=host, protocol=scheme))
        request = sms_models.SendSmsRequest(
            phone_numbers=mainland_number(message.recipient).removeprefix("+86"),
            sign_name=template.sign_name or settings.SMS_SIGN_NAME, template_code=template.template_code,
            template_param=json.dumps(params, ensure_ascii=False), out_id=message.reference or None)
        timeout = int(settings.SMS_TIMEOUT_SECONDS * 1000)
        try:
            response = client.send_sms_with_options(request, RuntimeOptions(
                autoretry=False, read_timeout=timeout, connect_timeout=timeout))
        except DaraException as exc:
            code = str(getattr(exc, "code", "") or "")
            raise MessageSendError(f"{code}: {getattr(exc, 'message', '') or exc}", code=code,
                                   permanent=bool(code) and not code.startswith(ALIBABA_TRANSIENT)) from exc
        except (UnretryableException, OSError) as exc:  # the SDK's wrapper of connection errors and timeouts
            raise MessageSendError(str(exc)[:300] or exc.__class__.__name__, code="network") from exc
        body = response.body
        if body is None or body.code != "OK":
            code = (body.code if body else "") or "unknown"
            raise MessageSendError(f"{code}: {body.message if body else ''}", code=code,
                                   permanent=not code.startswith(ALIBABA_TRANSIENT))
        return body.biz_id


class TencentSmsBackend(BaseMessageBackend):
    """Tencent Cloud SMS (腾讯云短信, API 2021-01-11 ``SendSms``) through ``tencentcloud-sdk-python-sms``.

    Settings: ``SMS_TENCENT_SECRET_ID``, ``SMS_TENCENT_SECRET_KEY``, ``SMS_TENCENT_SDK_APP_ID``,
    ``SMS_TENCENT_REGION``, ``SMS_TENCENT_ENDPOINT``. The parameters go in the template's order; the provider's
    id is the ``SerialNo`` its delivery receipts carry as ``sid``; our message id goes as ``SessionContext``.
    """

    provider = SmsTemplate.Provider.TENCENT
    required_settings = ("SMS_TENCENT_SECRET_ID", "SMS_TENCENT_SECRET_KEY", "SMS_TENCENT_SDK_APP_ID")

    def send(self, message: OutgoingMessage) -> str:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models as sms_models
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        _require(*self.required_settings)
        template = sms_template(self.provider, message)
        params = template_params(template, message.context)
        scheme, host = _endpoint(settings.SMS_TENCENT_ENDPOINT)
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=max(int(settings.SMS_TIMEOUT_SECONDS), 1))
        client = SmsClient(credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
                           settings.SMS_TENCENT_REGION, ClientProfile(httpProfile=http))
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [mainland_number(message.recipient)]
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = template.sign_name or settings.SMS_SIGN_NAME
        request.TemplateId = template.template_code
        request.TemplateParamSet = list(params.values())
        request.SessionContext = message.reference
        try:
            response = client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = str(exc.code or "")
            permanent = bool(code) and not code.startswith(TENCENT_TRANSIENT_PREFIXES) and code != "ClientNetworkError"
            raise MessageSendError(f"{code}: {exc.message}", code=code, permanent=permanent) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise MessageSendError(_("The provider answered without a send status."), code="empty")
        status = statuses[0]
        if str(status.Code).lower() != "ok":
            code = str(status.Code)
            raise MessageSendError(f"{code}: {status.Message}", code=code,
                                   permanent=not code.startswith(TENCENT_TRANSIENT_PREFIXES))
        return status.SerialNo


class HttpGatewayBackend(BaseMessageBackend):
    """A gateway of your own: POST the message as JSON to ``SMS_GATEWAY_URL``, signed with ``SMS_GATEWAY_SECRET``.

    Headers ``X-Signature-Timestamp`` (Unix seconds) and ``X-Signature: sha256=<hex>`` of
    HMAC-SHA256(secret, "<timestamp>." + body); a 2xx answer ``{"id": "<provider id>"}`` is sent, a 4xx a
    refusal (final), anything else is tried again. The body is in docs/notices.md.
    """

    provider = SmsTemplate.Provider.GATEWAY
    required_settings = ("SMS_GATEWAY_URL", "SMS_GATEWAY_SECRET")

    def send(self, message: OutgoingMessage) -> str:
        _require(*self.required_settings)
        template = SmsTemplate.objects.filter(provider=self.provider, kind=message.kind or "other", is_active=True).first()
        payload = {
            "reference": message.reference, "channel": message.channel, "to": message.recipient, "text": message.body,
            "kind": message.kind, "language": message.language,
            "template_code": template.template_code if template else "",
            "sign_name": (template.sign_name if template else "") or settings.SMS_SIGN_NAME,
            "params": template_params(template, message.context) if template else {},
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(settings.SMS_GATEWAY_URL, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "X-Signature-Timestamp": timestamp,
            "X-Signature": webhook_signature(settings.SMS_GATEWAY_SECRET, timestamp, body)})
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            reason = exc.read()[:300].decode(errors="replace")
            raise MessageSendError(f"HTTP {exc.code}: {reason}", code=str(exc.code), permanent=400 <= exc.code < 500
                                   and exc.code not in (408, 429)) from exc
        except (OSError, ValueError) as exc:
            raise MessageSendError(str(exc) or exc.__class__.__name__, code="network") from exc
        provider_id = answer.get("id") if isinstance(answer, dict) else None
        if not provider_id:
            raise MessageSendError(_("The gateway answered without a message id."), code="no_id")
        return str(provider_id)
