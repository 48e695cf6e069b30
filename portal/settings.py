"""The portal's one settings module, driven by the environment (see `.env.example`).

With no variable set it runs on embedded defaults that need no server: SQLite and files
under `var/`, a file-system Celery broker, console e-mail and the local AWS sandbox.
Each integration turns on when its configuration is present and then requires all of it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    is_set,
    parse_url,
)
from portal.outbound_http import networks_parse, networks_too_wide_for_production

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("PORTAL_ENVIRONMENT", "development", choices=("development", "production"))
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on when PORTAL_ENVIRONMENT=production.")

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
else:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-key-never-use-in-production-0123456789")

ALLOWED_HOSTS = (
    env_list("ALLOWED_HOSTS", [])
    if PRODUCTION
    else env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")

# The portal's public address, used in e-mails and in URLs given to AWS (hosted pages, webhooks).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if not PORTAL_BASE_URL:
    raise ImproperlyConfigured(
        "PORTAL_BASE_URL is required in production, e.g. https://sms.example.com"
    )
parse_url("PORTAL_BASE_URL", PORTAL_BASE_URL, schemes=("http", "https"))
PORTAL_BASE_URL = PORTAL_BASE_URL.rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PORTAL_BASE_URL])

# Writable state of the embedded defaults: SQLite database, uploaded files, broker folders.
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var"))).resolve()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tenants",
    "registrations",
    "compliance",
    "messaging",
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy header (settings below)
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if is_set("DATABASE_URL"):
    DATABASES = {
        "default": database_from_url("DATABASE_URL", env_str("DATABASE_URL"), base_dir=BASE_DIR)
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "portal.sqlite3")}
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    # Tests use a file too: the browser tests' live server thread then has its own connection.
    DATABASES["default"].setdefault("TEST", {"NAME": str(VAR_DIR / "test-portal.sqlite3")})
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    parse_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    # S3 for uploaded files: the bucket turns it on, and then its region is required.
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME")
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", None)
    AWS_LOCATION = env_str("AWS_S3_PREFIX", "")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env_int("AWS_S3_LINK_SECONDS", 300, minimum=30)
    AWS_S3_FILE_OVERWRITE = False
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail --------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SMS Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Celery --------------------------------------------------------------------------------
if is_set("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
elif REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", REDIS_URL or (VAR_DIR / "celery" / "results").as_uri()
)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- AWS End User Messaging ----------------------------------------------------------------
# In development the portal talks to the local sandbox; in production to AWS unless set.
EUM_ENDPOINT_URL = env_str("EUM_ENDPOINT_URL", "" if PRODUCTION else "http://127.0.0.1:4599")
if EUM_ENDPOINT_URL:
    parse_url("EUM_ENDPOINT_URL", EUM_ENDPOINT_URL, schemes=("http", "https"))
AWS_REGION = env_str("AWS_REGION", "us-east-1")
# The AWS Support API (short codes and limit increases are Support cases); it lives in us-east-1.
# The sandbox answers it on the same port as End User Messaging.
AWS_SUPPORT_ENDPOINT_URL = env_str("AWS_SUPPORT_ENDPOINT_URL", EUM_ENDPOINT_URL)
if AWS_SUPPORT_ENDPOINT_URL:
    parse_url("AWS_SUPPORT_ENDPOINT_URL", AWS_SUPPORT_ENDPOINT_URL, schemes=("http", "https"))
AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID", "" if PRODUCTION else "sandbox")
AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY", "" if PRODUCTION else "sandbox")
if bool(AWS_ACCESS_KEY_ID) != bool(AWS_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured("Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.")
# Requests per second per control-plane operation, shared by every worker (AWS default is 1).
EUM_CONTROL_PLANE_RPS = env_float("EUM_CONTROL_PLANE_RPS", 1.0, minimum=0.01)
# SNS topic that the tenants' configuration sets send SMS delivery events to (the portal
# subscribes to it). Development default: a topic of the sandbox's account.
EUM_EVENTS_TOPIC_ARN = env_str(
    "EUM_EVENTS_TOPIC_ARN",
    "" if PRODUCTION else f"arn:aws:sns:{AWS_REGION}:123456789012:portal-sms-events",
)
# How long a worker holds a registration's submission before another may resume it.
EUM_PIPELINE_LEASE_SECONDS = env_int("EUM_PIPELINE_LEASE_SECONDS", 600, minimum=1)

# --- SNS webhooks (hooks/sns/registrations/, hooks/sns/delivery/) -------------------------
# Each hook accepts messages only from the provider's own topics, never "any topic": SNS signs
# every account's topics with the same certificate, so a signature alone proves nothing about
# who sent the message. Production refuses to start without them; development defaults to the
# sandbox's topics (account 123456789012, what `make run` subscribes the hooks to).
_SANDBOX_ACCOUNT = "123456789012"
# Registration Status Change events (EventBridge rule -> SNS topic).
SNS_REGISTRATION_TOPIC_ARNS = env_list(
    "SNS_REGISTRATION_TOPIC_ARNS",
    [] if PRODUCTION else [f"arn:aws:sns:{AWS_REGION}:{_SANDBOX_ACCOUNT}:eum-registration-events"],
)
# The delivery hook takes EUM_EVENTS_TOPIC_ARN (delivery events, and two-way inbound messages
# when the numbers' TwoWayChannelArn is that topic) plus these topics for two-way inbound.
SNS_INBOUND_TOPIC_ARNS = env_list("SNS_INBOUND_TOPIC_ARNS", [])
if is_set("SNS_TOPIC_ARNS"):
    raise ImproperlyConfigured(
        "SNS_TOPIC_ARNS is no longer read: set SNS_REGISTRATION_TOPIC_ARNS (registration "
        "events) and, for two-way inbound on its own topic, SNS_INBOUND_TOPIC_ARNS."
    )
_TOPIC_NAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _sns_topic_arn(arn: str) -> bool:
    """arn:<aws partition>:sns:<region>:<12-digit account>:<topic name>, nothing else."""
    parts = arn.split(":")
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[1].startswith("aws")
        and parts[2] == "sns"
        and bool(parts[3])
        and len(parts[4]) == 12
        and parts[4].isdigit()
        and 0 < len(parts[5]) <= 256
        and set(parts[5]) <= _TOPIC_NAME_CHARACTERS
    )


for _name, _arns in (
    ("SNS_REGISTRATION_TOPIC_ARNS", SNS_REGISTRATION_TOPIC_ARNS),
    ("SNS_INBOUND_TOPIC_ARNS", SNS_INBOUND_TOPIC_ARNS),
    ("EUM_EVENTS_TOPIC_ARN", [EUM_EVENTS_TOPIC_ARN] if EUM_EVENTS_TOPIC_ARN else []),
):
    for _arn in _arns:
        if not _sns_topic_arn(_arn):
            raise ImproperlyConfigured(
                f"{_name}: {_arn!r} is not an SNS topic ARN "
                "(arn:aws:sns:<region>:<12-digit account>:<topic name>)."
            )
if PRODUCTION and not SNS_REGISTRATION_TOPIC_ARNS:
    raise ImproperlyConfigured(
        "SNS_REGISTRATION_TOPIC_ARNS is required in production: the SNS topic ARN(s) that carry "
        "your registration status events (comma-separated); the webhook accepts no other topic."
    )
if PRODUCTION and not (EUM_EVENTS_TOPIC_ARN or SNS_INBOUND_TOPIC_ARNS):
    raise ImproperlyConfigured(
        "EUM_EVENTS_TOPIC_ARN is required in production: the SNS topic of SMS delivery events "
        "(and SNS_INBOUND_TOPIC_ARNS for a separate two-way topic); the delivery webhook "
        "accepts no other topic."
    )
# SNS messages are trusted when signed with a certificate from AWS SNS (https://sns.<region>.
# amazonaws.com) or from one of these origins (the sandbox's by default in development).
SNS_TRUSTED_CERT_ORIGINS = env_list(
    "SNS_TRUSTED_CERT_ORIGINS", [] if PRODUCTION or not EUM_ENDPOINT_URL else [EUM_ENDPOINT_URL]
)
# --- end of SNS webhooks -----------------------------------------------------------------

# --- REST framework ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SMS Portal sending API",
    "DESCRIPTION": "Send SMS through the tenant's registered senders (docs/sending-api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Ids in API paths match any segment (a malformed one is a JSON 404); they are integers.
    "PATH_CONVERTER_OVERRIDES": {"object_id": int},
    "ENUM_NAME_OVERRIDES": {
        "MessageStatusEnum": "messaging.models.Message.Status",
        "DeliveryStatusEnum": "messaging.models.WebhookDelivery.Status",
    },
}
# Sending API: requests per minute per key and per tenant (429 with Retry-After above).
API_RATE_PER_KEY = env_int("API_RATE_PER_KEY", 6000, minimum=1)
API_RATE_PER_TENANT = env_int("API_RATE_PER_TENANT", 12000, minimum=1)
# A message claimed by a worker that died is claimed and sent again after this lease unless
# AWS's events show that it was taken.
MESSAGING_SEND_LEASE_SECONDS = env_int("MESSAGING_SEND_LEASE_SECONDS", 120, minimum=1)
# URLs that tenants give (webhooks) go through portal/outbound_http.py: https only, addresses
# that are not globally routable refused at connect time. http:// only when explicitly allowed
# (never in production); OUTBOUND_ALLOWED_NETWORKS exempts networks from the address check (a
# local receiver in development, the tests). Production refuses networks that touch loopback,
# link-local (cloud metadata), unspecified or multicast addresses.
OUTBOUND_ALLOW_HTTP = env_bool("OUTBOUND_ALLOW_HTTP", False)
if PRODUCTION and OUTBOUND_ALLOW_HTTP:
    raise ImproperlyConfigured(
        "OUTBOUND_ALLOW_HTTP cannot be on when PORTAL_ENVIRONMENT=production: tenants' "
        "webhooks must use https."
    )
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", [])
try:
    _outbound_networks = networks_parse(OUTBOUND_ALLOWED_NETWORKS)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
if PRODUCTION and networks_too_wide_for_production(_outbound_networks):
    raise ImproperlyConfigured(
        "OUTBOUND_ALLOWED_NETWORKS may not include loopback, link-local, unspecified or "
        "multicast addresses in production: "
        + ", ".join(networks_too_wide_for_production(_outbound_networks))
    )
# The opt-in confirmation goes out through the tenant's active sender (messaging).
COMPLIANCE_CONFIRMATION_SENDER = env_str(
    "COMPLIANCE_CONFIRMATION_SENDER", "messaging.confirmation.confirmation_sender"
)

# What the tenant dashboard shows about sending (what is live, the next step): a callable
# `(tenant, *, is_admin) -> dict` of the sending app. Empty: the dashboard leaves it out.
TENANT_DASHBOARD_SENDING = "messaging.web.dashboard.sending_summary"

# --- Opt-outs (one truth: messaging.optouts) -----------------------------------------------
# The module through which the public pages' opt-outs and sign-ups reach the opt-out list that
# the sending checks read (with the consent log, in one transaction). Empty: consent log only.
COMPLIANCE_OPT_OUT_SERVICE = env_str("COMPLIANCE_OPT_OUT_SERVICE", "messaging.optouts")
# --- End of opt-outs -----------------------------------------------------------------------

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A year: browsers that saw the header once refuse plain HTTP to this host for that long.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Every page: scripts, styles and everything else from the portal's own origin only, no inline
# script or style, no plugin, no framing (the opt-in widget names who may frame it; see
# compliance/views/public.py), forms post to the portal only. Images may also be data: URLs
# (icons in CSS), blob: URLs (the wizard previews a chosen file before upload) and come from the
# uploads bucket when files are on S3.
_csp_img_src = ["'self'", "data:", "blob:"]
if AWS_STORAGE_BUCKET_NAME:
    _s3_endpoint = AWS_S3_ENDPOINT_URL or f"https://s3.{AWS_S3_REGION_NAME}.amazonaws.com"
    _s3 = parse_url("AWS_S3_ENDPOINT_URL", _s3_endpoint, schemes=("http", "https"))
    _csp_img_src.append(f"{_s3.scheme}://{_s3.host}{f':{_s3.port}' if _s3.port else ''}")
    if not AWS_S3_ENDPOINT_URL:  # virtual-hosted links: https://<bucket>.s3.<region>...
        _csp_img_src.append(f"https://{AWS_STORAGE_BUCKET_NAME}.{_s3.host}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _csp_img_src,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# --- end of Content-Security-Policy ---------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Hardening: client addresses, request bodies and uploads, sign-in throttling -----------
# (one block; see docs/security.md.)
# Proxies of ours in front of the portal that append to X-Forwarded-For. 0: the header is
# ignored and the peer's address is the client's; N: the Nth entry from the right is used.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Sign-in lockout (django-axes, portal/signin.py): failures per account and address, and per
# account from any address, each against its own limit, within LOGIN_COOLOFF_MINUTES of the
# last failure; then 429 until the cool-off has passed.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 50, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
LOGIN_LOCKOUT_LIMITS = [LOGIN_FAILURE_LIMIT, LOGIN_ACCOUNT_FAILURE_LIMIT]  # same order
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_COOLOFF_MINUTES / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time the page names holds
AXES_HANDLER = "portal.signin.PortalAxesHandler"
AXES_CLIENT_IP_CALLABLE = "portal.signin.axes_client_ip"
AXES_USERNAME_CALLABLE = "portal.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "portal.signin.lockout_response"
AXES_VERBOSE = False
# Password-reset e-mails per hour, per target address and per client address.
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3, minimum=1)
PASSWORD_RESET_PER_CLIENT = env_int("PASSWORD_RESET_PER_CLIENT", 10, minimum=1)

# Request bodies and uploads (portal/request_limits.py, portal/upload_policy.py): a body over
# REQUEST_BODY_MAX_BYTES is refused with 413 before it is read (declared length) or as soon as
# the limit is passed (streamed). Images over UPLOAD_MAX_PIXELS are refused from their header.
# "Shrink to fit" runs in a child process bounded by UPLOAD_SHRINK_MEMORY_MB and
# UPLOAD_SHRINK_SECONDS, so that it cannot take a web worker down.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # larger files spool to a temporary file
FILE_UPLOAD_HANDLERS = [
    "portal.request_limits.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MIDDLEWARE.insert(0, "portal.request_limits.RequestBodyLimitMiddleware")
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=1_000_000)
UPLOAD_SHRINK_MEMORY_MB = env_int("UPLOAD_SHRINK_MEMORY_MB", 1024, minimum=256)
UPLOAD_SHRINK_SECONDS = env_int("UPLOAD_SHRINK_SECONDS", 20, minimum=5)  # < gunicorn timeout
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # not every sign-in at INFO
# --- End of the hardening block -------------------------------------------------------------
