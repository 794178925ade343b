"""The one settings module: everything configurable comes from PAKN_* environment variables.

With no variables at all pakn runs as a local demo (SQLite, generated secrets kept in the data directory).
With PAKN_ENV=production it refuses to start without real secrets. See docs/configuration.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pakn.env import BASE_DIR, DATA_DIR, PRODUCTION, TESTING, env_bool, env_int, env_list, env_str, write_once
from pakn.env import PAKN_ENV as PAKN_ENV  # a setting too (the checks and tests read it)
from pakn.hardening import LOGGING_EMAIL_BACKENDS, content_security_policy, origin_of


def _demo_secrets() -> dict[str, str]:
    """Secrets generated once for a local demo and kept beside its database, so a restart can decrypt."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "demo-secrets.json"
    if not path.exists():
        generated = {
            "secret_key": secrets.token_urlsafe(50),
            "data_key": Fernet.generate_key().decode(),
            "lookup_key": secrets.token_urlsafe(32),
        }
        write_once(path, generated)
    with open(path) as f:
        data: dict[str, str] = json.load(f)
    return data


_SECRET_NAMES = ("PAKN_SECRET_KEY", "PAKN_DATA_KEY", "PAKN_LOOKUP_KEY")
if PRODUCTION:
    missing = [name for name in _SECRET_NAMES if not env_str(name)]
    if missing:
        raise ImproperlyConfigured("PAKN_ENV=production needs real secrets; missing: " + ", ".join(missing))
    _demo: dict[str, str] = {}
else:
    _demo = _demo_secrets()

SECRET_KEY = env_str("PAKN_SECRET_KEY") or _demo["secret_key"]
if PRODUCTION and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("PAKN_SECRET_KEY must be at least 32 characters long")

# Personal data at rest: Fernet keys, comma separated, the first one encrypts; the others still decrypt
# (rotation: put the new key first, run `pakn rotate-data-key`, then drop the old one).
DATA_KEYS = env_list("PAKN_DATA_KEY", [_demo.get("data_key", "")])
for _key in DATA_KEYS:
    try:
        Fernet(_key)
    except (ValueError, TypeError) as e:
        raise ImproperlyConfigured(
            "PAKN_DATA_KEY must be Fernet keys (32 url-safe base64 bytes), comma separated"
        ) from e
# Keyed hash (HMAC-SHA256) for exact look-ups of phone and ID numbers; never rotated with DATA_KEYS.
LOOKUP_KEY = env_str("PAKN_LOOKUP_KEY") or _demo["lookup_key"]


def _derived(purpose: str) -> bytes:
    """A key derived from SECRET_KEY for one purpose, when its own variable is not set."""
    import hashlib
    import hmac

    return hmac.new(SECRET_KEY.encode(), f"pakn:{purpose}".encode(), hashlib.sha256).digest()


# Tamper evidence of the timeline (pakn.reports.chain, docs/security.md item 3). Audit keys seal each event
# with HMAC-SHA256: comma separated, the first seals, all verify (rotation: put the new key first, run
# `pakn audit rekey`). Checkpoint signing keys: Ed25519 private keys as 32 url-safe base64 bytes, the first
# signs, the others' public halves still verify old checkpoints. Both default to keys derived from
# PAKN_SECRET_KEY; set them explicitly so that rotating the secret key does not change them.
PAKN_AUDIT_KEYS = env_list("PAKN_AUDIT_KEY", [_derived("audit-key").hex()])
PAKN_AUDIT_SIGNING_KEYS = env_list(
    "PAKN_AUDIT_SIGNING_KEY", [base64.urlsafe_b64encode(_derived("audit-signing-key")).decode()]
)
for _key in PAKN_AUDIT_SIGNING_KEYS:
    try:
        if len(base64.urlsafe_b64decode(_key + "=" * (-len(_key) % 4))) != 32:
            raise ValueError(_key)
    except (ValueError, binascii.Error) as e:
        raise ImproperlyConfigured(
            "PAKN_AUDIT_SIGNING_KEY must be 32 url-safe base64 bytes, comma separated"
        ) from e
if any(len(k) < 32 for k in PAKN_AUDIT_KEYS):
    raise ImproperlyConfigured("PAKN_AUDIT_KEY must be at least 32 characters long")
# Also write each signed checkpoint to this directory (another disk, a write-once bucket mount), if set.
PAKN_AUDIT_CHECKPOINT_DIR = env_str("PAKN_AUDIT_CHECKPOINT_DIR", "") or ""

# Debug pages list every URL and setting: only a developer turns them on, explicitly.
DEBUG = env_bool("PAKN_DEBUG", False)
ALLOWED_HOSTS = env_list("PAKN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PAKN_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("PAKN_SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pakn.org",
    "pakn.workdays",
    "pakn.reports",
    "pakn.core",
    "pakn.portal",
    "pakn.console",
    "pakn.api",
    "pakn.open311",
    "pakn.stats",
    "pakn.notify",
    "pakn.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pakn.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pakn.core.logins.AddressThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failed logins (django-axes), per username and address.
AXES_FAILURE_LIMIT = env_int("PAKN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PAKN_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("PAKN_LOGIN_LOCKOUT", True)
# Password spraying: failed sign-ins of any accounts per client address per window (pakn.core.logins).
PAKN_LOGIN_FAILURES_PER_ADDRESS = env_int("PAKN_LOGIN_FAILURES_PER_ADDRESS", 30)
PAKN_LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

ROOT_URLCONF = "pakn.urls"
WSGI_APPLICATION = "pakn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'pakn.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("PAKN_DATABASE_URL", _default_db) or _default_db, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent too (issue 13): opening a connection and running the pragmas cost every request ~1 ms.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pakn" / "locale"]
TIME_ZONE = env_str("PAKN_TIME_ZONE", "Asia/Ho_Chi_Minh") or "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PAKN_STATIC_ROOT", str(DATA_DIR / "static")) or "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PAKN_MEDIA_ROOT", str(DATA_DIR / "media")) or "media")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages installed by the setup (npm ci, package.json); served from our own static files.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / path)
    for prefix, path in (
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/leaflet", "leaflet/dist"),
        ("vendor/leaflet.markercluster", "leaflet.markercluster/dist"),
        ("vendor/exifr", "exifr/dist"),
    )
    if (NODE_MODULES / path).is_dir()
]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SESSION_COOKIE_AGE = env_int("PAKN_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# E-mail: printed to the console in a demo; SMTP in production, where the console and file backends are
# refused (they would write personal data and password-reset links into logs).
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env_str(
    "PAKN_EMAIL_BACKEND", _SMTP if PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
if PRODUCTION and EMAIL_BACKEND in LOGGING_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"PAKN_ENV=production refuses PAKN_EMAIL_BACKEND={EMAIL_BACKEND}: it logs mail"
    )
DEFAULT_FROM_EMAIL = env_str("PAKN_EMAIL_FROM", "pakn@localhost")
EMAIL_HOST = env_str("PAKN_EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = env_int("PAKN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PAKN_EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("PAKN_EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("PAKN_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("PAKN_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20

# Cache and rate-limit counters: Redis when configured, else the database (the cache table and
# pakn.core.ratelimit's counter table). Both are shared by every worker process and survive restarts, so limits
# hold (a per-process memory cache multiplied them by the workers). Tests keep a memory cache per process.
_redis_url = env_str("PAKN_REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
    if _redis_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pakn"}
    if TESTING
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pakn_cache"}
}
PAKN_RATE_STORE = "cache" if _redis_url or TESTING else "database"
PAKN_TRUSTED_PROXIES = env_list("PAKN_TRUSTED_PROXIES", [])

# The queue's name (its keys in Redis): two installations, or two test runs, may share one Redis database.
_queue_name = env_str("PAKN_QUEUE_NAME", "pakn") or "pakn"
# Background work: huey, SQLite storage by default, Redis when PAKN_REDIS_URL is set.
if _redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": _queue_name,
        "url": _redis_url,
        "immediate": False,
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "pakn.core.queue.HintQueue",  # SqliteHuey without an fsync per enqueue
        "name": _queue_name,
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        # The SQLite queue is polled: at most half a second between polls (huey's default backs off to 10 s,
        # so a notification waited seconds for an idle worker). Redis wakes the worker at once (BRPOP).
        "consumer": {"initial_delay": 0.05, "backoff": 1.5, "max_delay": 0.5},
    }

# Working calendar (pakn.workdays): office hours as "HH:MM-HH:MM" periods.
PAKN_OFFICE_HOURS = env_list("PAKN_OFFICE_HOURS", ["07:30-11:30", "13:30-17:00"])
# Media limits (pakn.reports.media): megabytes per file by kind, and files per report.
# Pixels an image may have (checked from its header before decoding): 40 million is a 7300×5500 photo.
PAKN_MAX_IMAGE_PIXELS = env_int("PAKN_MAX_IMAGE_PIXELS", 40_000_000)
PAKN_MEDIA_LIMITS_MB = {
    "image": env_int("PAKN_MAX_IMAGE_MB", 10),
    "video": env_int("PAKN_MAX_VIDEO_MB", 50),
    "audio": env_int("PAKN_MAX_AUDIO_MB", 10),
}
PAKN_MAX_ATTACHMENTS = env_int("PAKN_MAX_ATTACHMENTS", 6)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A reporter whose reports were marked abusive this many times may be barred.
PAKN_ABUSE_BAN_THRESHOLD = env_int("PAKN_ABUSE_BAN_THRESHOLD", 2)

# Logs (pakn.core.logs, docs/operations.md): one JSON object per line on stderr with a request id, one line per
# request (pakn.request) and per background job (pakn.job), scrubbed of personal data. "text" for reading.
PAKN_LOG_FORMAT = env_str("PAKN_LOG_FORMAT", "json" if PRODUCTION else "text") or "json"
if PAKN_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("PAKN_LOG_FORMAT must be 'json' or 'text'")
PAKN_LOG_LEVEL = (env_str("PAKN_LOG_LEVEL", "INFO") or "INFO").upper()
if PAKN_LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("PAKN_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pakn.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "pakn.core.logs.JsonFormatter"},
        "text": {"()": "pakn.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": PAKN_LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": PAKN_LOG_LEVEL},
    "loggers": {
        # huey's own "executing"/"executed" lines would double pakn.job's one line per job; keep its warnings.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The template engine's debug lines print whole contexts (the request, form values): never written.
        "django.template": {"level": "INFO"},
        # runserver's access lines carry the raw path (a follow-up secret); pakn.request replaces them.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}
MIDDLEWARE.insert(0, "pakn.core.logs.RequestLogMiddleware")

# --- the features' own settings: portal, notify, stats, api limits, province, public cache, backup, retention
# (type: ignore: mypy sees the module's `except … as e` names in the star import; Django reads upper case only)
from pakn.settings_features import *  # type: ignore[misc]  # noqa: E402, F403
from pakn.settings_features import PAKN_TILE_URL  # noqa: E402  (read by the CSP below)

# Web push (pakn.settings_features): the VAPID subject defaults to the sender address of e-mails above.
PAKN_VAPID_SUBJECT = env_str("PAKN_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")

# --- console (issue 4)
# Staff sign in at /console/dang-nhap/; a TOTP second factor is mandatory when PAKN_STAFF_2FA_REQUIRED is true
# and a console session ends after PAKN_CONSOLE_IDLE_MINUTES without a request.
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:inbox"
PAKN_STAFF_2FA_REQUIRED = env_bool("PAKN_STAFF_2FA_REQUIRED", PRODUCTION)
PAKN_CONSOLE_IDLE_MINUTES = env_int("PAKN_CONSOLE_IDLE_MINUTES", 30)
OTP_TOTP_ISSUER = env_str("PAKN_OTP_ISSUER", "PAKN") or "PAKN"
# The admin never shows a staff member's TOTP secret or its QR code (it would let an administrator clone it).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"
MIDDLEWARE.append("pakn.console.access.StaffGuardMiddleware")

# --- api (issue 5) -------------------------------------------------------------------------------------
# The API docs page (/api/v1/docs) loads Swagger UI from our own static files (npm swagger-ui-dist).
if (NODE_MODULES / "swagger-ui-dist").is_dir():
    STATICFILES_DIRS = [*STATICFILES_DIRS, ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist")]

# --- operations (issue 15): scale-out, object storage, health and metrics; see docs/configuration.md ------
INSTALLED_APPS.append("pakn.ops")
PAKN_REDIS_URL = _redis_url or ""
# Behind nginx terminating TLS (deploy/nginx/pakn.conf sets X-Forwarded-Proto): requests count as HTTPS.
# Only when the web servers listen on a private address that only the proxy reaches.
if env_bool("PAKN_PROXY_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# PostgreSQL through pgbouncer in transaction pooling: no server-side cursors, no prepared statements.
if env_bool("PAKN_DATABASE_PGBOUNCER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# A streaming replica for statistics, open data and public lists (pakn.core.replica); writes never go there,
# and a client that has just written reads from the primary for PAKN_REPLICA_PIN_SECONDS.
PAKN_DATABASE_REPLICA_URL = env_str("PAKN_DATABASE_REPLICA_URL", "") or ""
PAKN_REPLICA_PIN_SECONDS = env_int("PAKN_REPLICA_PIN_SECONDS", 30)
if PAKN_DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(PAKN_DATABASE_REPLICA_URL, conn_max_age=60)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("PAKN_DATABASE_REPLICA_URL must be a PostgreSQL URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS"):
        DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["replica"]["OPTIONS"] = {"prepare_threshold": None}
    DATABASE_ROUTERS = ["pakn.core.replica.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "pakn.core.replica.ReplicaMiddleware",
)

# Media on S3-compatible object storage (django-storages) when PAKN_MEDIA_S3_BUCKET is set; the bucket stays
# private: public photos go through the application, staff get signed links valid a short time.
PAKN_MEDIA_S3_BUCKET = env_str("PAKN_MEDIA_S3_BUCKET", "") or ""
PAKN_MEDIA_S3_SIGNED_URL_SECONDS = env_int("PAKN_MEDIA_S3_SIGNED_URL_SECONDS", 60)
if PAKN_MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PAKN_MEDIA_S3_BUCKET,
            "endpoint_url": env_str("PAKN_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PAKN_MEDIA_S3_REGION") or None,
            "access_key": env_str("PAKN_MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("PAKN_MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("PAKN_MEDIA_S3_PREFIX", "") or "",
            "addressing_style": env_str("PAKN_MEDIA_S3_ADDRESSING_STYLE") or None,
            # no ACL header: objects inherit the bucket's (private) policy; stores with ACLs disabled (AWS
            # "bucket owner enforced", MinIO) would refuse one
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": PAKN_MEDIA_S3_SIGNED_URL_SECONDS,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
    if not 10 <= PAKN_MEDIA_S3_SIGNED_URL_SECONDS <= 3600:
        raise ImproperlyConfigured("PAKN_MEDIA_S3_SIGNED_URL_SECONDS must be between 10 and 3600")

# /readyz and /metrics: for a bearer token, or from these addresses (CIDR), never for the public.
PAKN_METRICS_TOKEN = env_str("PAKN_METRICS_TOKEN", "") or ""
PAKN_METRICS_ALLOWED_ADDRESSES = env_list("PAKN_METRICS_ALLOWED_ADDRESSES", ["127.0.0.1/32", "::1/128"])
try:
    import ipaddress as _ipaddress

    for _net in PAKN_METRICS_ALLOWED_ADDRESSES:
        _ipaddress.ip_network(_net, strict=False)
except ValueError as e:
    raise ImproperlyConfigured(f"PAKN_METRICS_ALLOWED_ADDRESSES: {e}") from e
if PRODUCTION and PAKN_METRICS_TOKEN and len(PAKN_METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("PAKN_METRICS_TOKEN must be at least 24 characters long")
# Readiness: the oldest due notification may wait this long, the worker's heartbeat be this old, and each data
# directory must keep this much free space.
PAKN_READY_QUEUE_SECONDS = env_int("PAKN_READY_QUEUE_SECONDS", 600)
PAKN_READY_HEARTBEAT_SECONDS = env_int("PAKN_READY_HEARTBEAT_SECONDS", 180)
PAKN_READY_MIN_FREE_MB = env_int("PAKN_READY_MIN_FREE_MB", 1024)
MIDDLEWARE.insert(0, "pakn.ops.metrics.MetricsMiddleware")

# --- security (issue 10, docs/security.md) ------------------------------------------------------------------
# HTTPS: redirect and HSTS (with sub-domains and the preload flag: pakn has a host name of its own) on by
# default in production; behind a TLS proxy set PAKN_PROXY_HTTPS too. The health and metrics probes are
# answered over plain HTTP on the private address.
SECURE_SSL_REDIRECT = env_bool("PAKN_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("PAKN_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PAKN_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("PAKN_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp): scripts only from our own files (or with the
# request's nonce), images also from the map's tile server and the media store. More image sources:
# PAKN_CSP_IMG_SOURCES; violations reported to PAKN_CSP_REPORT_URI when set.
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")  # type: ignore[index]
CONTENT_SECURITY_POLICY = content_security_policy(
    image_origins=[
        origin_of(PAKN_TILE_URL or ""),
        *(
            [origin_of(env_str("PAKN_MEDIA_S3_ENDPOINT_URL") or "https://*.amazonaws.com")]
            if PAKN_MEDIA_S3_BUCKET
            else []
        ),
        *env_list("PAKN_CSP_IMG_SOURCES", []),
    ],
    report_uri=env_str("PAKN_CSP_REPORT_URI", "") or "",
    upgrade_insecure=SECURE_SSL_REDIRECT,
)
