"""The one settings module: everything configurable comes from PAKN_* environment variables.

With no variables at all pakn runs as a local demo (SQLite, generated secrets kept in the data directory).
With PAKN_ENV=production it refuses to start without real secrets. See docs/configuration.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import sys
from datetime import date
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pakn.env import env_bool, env_int, env_list, env_str
from pakn.hardening import LOGGING_EMAIL_BACKENDS, content_security_policy, origin_of

BASE_DIR = Path(__file__).resolve().parent.parent
PAKN_ENV = env_str("PAKN_ENV", "demo")
if PAKN_ENV not in ("demo", "production"):
    raise ImproperlyConfigured(f"PAKN_ENV must be 'demo' or 'production', not {PAKN_ENV!r}")
PRODUCTION = PAKN_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("PAKN_TESTING", False)

DATA_DIR = Path(env_str("PAKN_DATA_DIR", str(BASE_DIR / "var")) or "var")


def _write_once(path: Path, data: dict[str, str]) -> None:
    """Create `path` with `data` whole or not at all: written aside, then linked into place (a second process
    starting at the same moment reads the first one's complete file, never a half-written one)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process created it first; read theirs
    finally:
        os.unlink(tmp)


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
        _write_once(path, generated)
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

# --- portal (issue 3)
# The citizen portal: the map's tile server (the province may run its own; the form works without tiles),
# the site's name in the PWA manifest, and the rate limits of public submissions and look-ups.
# Empty: derived from the province (pakn.core.province), e.g. "Cổng phản ánh, kiến nghị tỉnh <tên tỉnh>".
PAKN_SITE_NAME = env_str("PAKN_SITE_NAME", "") or ""
PAKN_SITE_SHORT_NAME = env_str("PAKN_SITE_SHORT_NAME", "") or ""
PAKN_SITE_OWNER = env_str("PAKN_SITE_OWNER", "") or ""
PAKN_TILE_URL = env_str("PAKN_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
PAKN_TILE_ATTRIBUTION = env_str(
    "PAKN_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
PAKN_MAP_CENTER = [float(x) for x in env_list("PAKN_MAP_CENTER", ["21.8537", "106.7615"])]
PAKN_MAP_ZOOM = env_int("PAKN_MAP_ZOOM", 13)
# Submissions per client address per hour (generous: mobile carriers put many phones behind one address)
# and per phone number per day; look-ups by tracking code per address per 10 minutes.
PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR = env_int("PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR", 20)
PAKN_PORTAL_SUBMITS_PER_PHONE_DAY = env_int("PAKN_PORTAL_SUBMITS_PER_PHONE_DAY", 10)
# Following a public report by SMS (issue 14, item 9): one-time codes sent per client address and per phone
# per hour (confirmations and push follows: four times the first); «Tôi cũng gặp» clicks per address per hour.
PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR = env_int("PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR", 10)
PAKN_FOLLOW_CODES_PER_PHONE_HOUR = env_int("PAKN_FOLLOW_CODES_PER_PHONE_HOUR", 3)
PAKN_ME_TOO_PER_ADDRESS_HOUR = env_int("PAKN_ME_TOO_PER_ADDRESS_HOUR", 30)
PAKN_PORTAL_LOOKUPS_PER_ADDRESS = env_int("PAKN_PORTAL_LOOKUPS_PER_ADDRESS", 30)
# Public report pages per address per 10 minutes; a page asked for a code that does not exist counts as a
# look-up too (so /phan-anh/<code>/ cannot be used to try codes past the look-up limit).
PAKN_PORTAL_DETAILS_PER_ADDRESS = env_int("PAKN_PORTAL_DETAILS_PER_ADDRESS", 300)
# "Phản ánh của tôi" (issue 14, item 8): sign-in by a one-time code sent by SMS. Codes per phone number per
# hour and per client address per hour, the code's lifetime and wrong guesses allowed per code, code checks
# per address per hour, and the citizen's session (its own cookie, never a staff session).
PAKN_CITIZEN_CODES_PER_PHONE_HOUR = env_int("PAKN_CITIZEN_CODES_PER_PHONE_HOUR", 3)
PAKN_CITIZEN_CODES_PER_ADDRESS_HOUR = env_int("PAKN_CITIZEN_CODES_PER_ADDRESS_HOUR", 10)
PAKN_CITIZEN_CODE_SECONDS = env_int("PAKN_CITIZEN_CODE_SECONDS", 300)
PAKN_CITIZEN_CODE_ATTEMPTS = env_int("PAKN_CITIZEN_CODE_ATTEMPTS", 5)
PAKN_CITIZEN_CHECKS_PER_ADDRESS_HOUR = env_int("PAKN_CITIZEN_CHECKS_PER_ADDRESS_HOUR", 30)
PAKN_CITIZEN_SESSION_SECONDS = env_int("PAKN_CITIZEN_SESSION_SECONDS", 30 * 60)

# --- notify (issue 7) ----------------------------------------------------------------------------------
# Notifications: outbox delivered by the huey worker. See docs/notifications.md.
# Production: the HTTP gateway when one is configured, else no SMS ("off"); the console backend is refused.
_SMS_DEFAULT = (
    "locmem"
    if TESTING
    else ("http" if env_str("PAKN_SMS_GATEWAY_URL") else "off")
    if PRODUCTION
    else "console"
)
PAKN_SMS_BACKEND = env_str("PAKN_SMS_BACKEND", _SMS_DEFAULT) or _SMS_DEFAULT
if PAKN_SMS_BACKEND not in ("console", "http", "locmem", "off"):
    raise ImproperlyConfigured("PAKN_SMS_BACKEND must be 'http', 'off', 'console' or 'locmem'")
if PRODUCTION and PAKN_SMS_BACKEND in ("console", "locmem"):
    raise ImproperlyConfigured(
        f"PAKN_ENV=production refuses PAKN_SMS_BACKEND={PAKN_SMS_BACKEND}: it logs messages"
    )
PAKN_SMS_GATEWAY_URL = env_str("PAKN_SMS_GATEWAY_URL", "") or ""
PAKN_SMS_GATEWAY_TOKEN = env_str("PAKN_SMS_GATEWAY_TOKEN", "") or ""
# JSON body posted to the gateway; string values may hold {to}, {to_local}, {text}, {key} and {sender}.
PAKN_SMS_GATEWAY_BODY = env_str(
    "PAKN_SMS_GATEWAY_BODY", '{"to": "{to}", "text": "{text}", "sender": "{sender}"}'
)
PAKN_SMS_GATEWAY_TIMEOUT = env_int("PAKN_SMS_GATEWAY_TIMEOUT", 10)
PAKN_SMS_SENDER = env_str("PAKN_SMS_SENDER", "PAKN") or "PAKN"
# Send SMS without Vietnamese accents (GSM-7: 160 characters a segment instead of 70).
PAKN_SMS_ASCII = env_bool("PAKN_SMS_ASCII", False)
if PAKN_SMS_BACKEND == "http" and not PAKN_SMS_GATEWAY_URL:
    raise ImproperlyConfigured("PAKN_SMS_BACKEND=http needs PAKN_SMS_GATEWAY_URL")
try:
    if not isinstance(json.loads(PAKN_SMS_GATEWAY_BODY or ""), dict):
        raise ValueError
except ValueError as e:
    raise ImproperlyConfigured("PAKN_SMS_GATEWAY_BODY must be a JSON object") from e


def _demo_vapid() -> dict[str, str]:
    """A VAPID key pair generated once for a local demo (web push works without configuration)."""
    from pakn.notify.vapid import generate_vapid_keys

    path = DATA_DIR / "demo-vapid.json"
    if not path.exists():
        _write_once(path, generate_vapid_keys())
    with open(path) as f:
        keys: dict[str, str] = json.load(f)
    return keys


# Web push (VAPID): base64url keys from `pakn vapid-keys`; unset in production: web push is off.
PAKN_VAPID_PUBLIC_KEY = env_str("PAKN_VAPID_PUBLIC_KEY", "") or ""
PAKN_VAPID_PRIVATE_KEY = env_str("PAKN_VAPID_PRIVATE_KEY", "") or ""
if not PAKN_VAPID_PRIVATE_KEY and not PRODUCTION and not TESTING:
    _vapid = _demo_vapid()
    PAKN_VAPID_PUBLIC_KEY, PAKN_VAPID_PRIVATE_KEY = _vapid["public_key"], _vapid["private_key"]
if bool(PAKN_VAPID_PUBLIC_KEY) != bool(PAKN_VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured("PAKN_VAPID_PUBLIC_KEY and PAKN_VAPID_PRIVATE_KEY go together")
PAKN_VAPID_SUBJECT = env_str("PAKN_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
PAKN_PUSH_TIMEOUT = env_int("PAKN_PUSH_TIMEOUT", 10)
# Web-push endpoints accepted: HTTPS URLs of these push services (host names and their sub-domains) that
# resolve only to public addresses (pakn.notify.endpoints; never the internal network).
PAKN_PUSH_SERVICES = env_list(
    "PAKN_PUSH_SERVICES",
    [
        "fcm.googleapis.com",
        "android.googleapis.com",
        "push.services.mozilla.com",
        "web.push.apple.com",
        "notify.windows.com",
    ],
)
PAKN_PUSH_PRIVATE_HOSTS = False  # tests only: a local fake push service over http

# Delivery: attempts before a delivery is "failed" (the admin retries it), backoff and the worker's lease.
PAKN_NOTIFY_MAX_ATTEMPTS = env_int("PAKN_NOTIFY_MAX_ATTEMPTS", 8)
PAKN_NOTIFY_RETRY_SECONDS = env_int("PAKN_NOTIFY_RETRY_SECONDS", 30)
PAKN_NOTIFY_RETRY_MAX_SECONDS = env_int("PAKN_NOTIFY_RETRY_MAX_SECONDS", 3600)
PAKN_NOTIFY_LEASE_SECONDS = env_int("PAKN_NOTIFY_LEASE_SECONDS", 120)
if max(PAKN_SMS_GATEWAY_TIMEOUT, PAKN_PUSH_TIMEOUT) >= PAKN_NOTIFY_LEASE_SECONDS:
    raise ImproperlyConfigured("PAKN_NOTIFY_LEASE_SECONDS must be longer than the gateway timeouts")
if PAKN_NOTIFY_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("PAKN_NOTIFY_MAX_ATTEMPTS must be at least 1")
# Due-soon warning at this share of a step's allowed time (0.75: when three quarters have passed).
try:
    PAKN_NOTIFY_DUE_SOON_SHARE = float(env_str("PAKN_NOTIFY_DUE_SOON_SHARE", "0.75") or "0.75")
except ValueError as e:
    raise ImproperlyConfigured("PAKN_NOTIFY_DUE_SOON_SHARE must be a number between 0 and 1") from e
if not 0 < PAKN_NOTIFY_DUE_SOON_SHARE < 1:
    raise ImproperlyConfigured("PAKN_NOTIFY_DUE_SOON_SHARE must be a number between 0 and 1")
# The supervisor's digest of overdue cases: once a day, from this local hour on.
PAKN_NOTIFY_DIGEST_HOUR = env_int("PAKN_NOTIFY_DIGEST_HOUR", 7)
if not 0 <= PAKN_NOTIFY_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("PAKN_NOTIFY_DIGEST_HOUR must be between 0 and 23")
# Default channels of staff (each person may change them) and of reporters; SMS to staff only for these kinds.
PAKN_NOTIFY_STAFF_CHANNELS = env_list("PAKN_NOTIFY_STAFF_CHANNELS", ["console", "push", "email"])
PAKN_NOTIFY_REPORTER_CHANNELS = env_list("PAKN_NOTIFY_REPORTER_CHANNELS", ["sms", "email", "push"])
PAKN_NOTIFY_SMS_KINDS = env_list("PAKN_NOTIFY_SMS_KINDS", ["routed", "escalated", "overdue"])
for _name, _values, _allowed in (
    ("PAKN_NOTIFY_STAFF_CHANNELS", PAKN_NOTIFY_STAFF_CHANNELS, {"console", "push", "email"}),
    ("PAKN_NOTIFY_REPORTER_CHANNELS", PAKN_NOTIFY_REPORTER_CHANNELS, {"push", "email", "sms"}),
):
    if not set(_values) <= _allowed:
        raise ImproperlyConfigured(f"{_name} may only list: {', '.join(sorted(_allowed))}")

# --- stats (issue 6) -----------------------------------------------------------------------------------
# The agencies' ranking (R-12.1), see docs/statistics.md: relative weights of the on-time, resolution and
# satisfaction rates, and the points deducted per case overdue at the end of the period.
# PAKN_RANK_WEIGHTS="on_time=40,resolution=30,satisfaction=30,overdue=1"
PAKN_RANK_WEIGHTS: dict[str, float] = {
    "on_time": 40.0,
    "resolution": 30.0,
    "satisfaction": 30.0,
    "overdue": 1.0,
}
for _item in env_list("PAKN_RANK_WEIGHTS", []):
    _key, _sep, _value = _item.partition("=")
    try:
        if _key.strip() not in PAKN_RANK_WEIGHTS or not _sep or float(_value) < 0:
            raise ValueError
        PAKN_RANK_WEIGHTS[_key.strip()] = float(_value)
    except ValueError as e:
        raise ImproperlyConfigured(
            "PAKN_RANK_WEIGHTS must be name=number pairs (numbers ≥ 0) for on_time, resolution, satisfaction "
            f"and overdue, not {_item!r}"
        ) from e
if not any(PAKN_RANK_WEIGHTS[k] for k in ("on_time", "resolution", "satisfaction")):
    raise ImproperlyConfigured("PAKN_RANK_WEIGHTS: on_time, resolution and satisfaction cannot all be 0")
# The printed periodic report (Decree 30/2020/NĐ-CP): the issuing body, its governing body, the place,
# the document symbol after the number, and the signer's title.
# Empty governing body or place: derived from the province ("UBND TỈNH LẠNG SƠN", "Lạng Sơn").
PAKN_REPORT_GOVERNING_BODY = env_str("PAKN_REPORT_GOVERNING_BODY", "") or ""
PAKN_REPORT_ISSUER = env_str("PAKN_REPORT_ISSUER", "VĂN PHÒNG") or ""
PAKN_REPORT_SYMBOL = env_str("PAKN_REPORT_SYMBOL", "BC-VP") or ""
PAKN_REPORT_PLACE = env_str("PAKN_REPORT_PLACE", "") or ""
PAKN_REPORT_SIGNER_TITLE = env_str("PAKN_REPORT_SIGNER_TITLE", "CHÁNH VĂN PHÒNG") or ""
# Open-data downloads per client address per 10 minutes.
PAKN_OPENDATA_PER_ADDRESS = env_int("PAKN_OPENDATA_PER_ADDRESS", 30)

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
# Staff device tokens (POST /api/v1/auth/token) expire after this many days.
PAKN_API_TOKEN_DAYS = env_int("PAKN_API_TOKEN_DAYS", 90)
# Rate limits of the public API per client address: requests per window (seconds).
PAKN_API_RATES: dict[str, tuple[int, int]] = {
    "read": (env_int("PAKN_API_READS_PER_MINUTE", 300), 60),
    "submit": (env_int("PAKN_API_SUBMITS_PER_10_MINUTES", 10), 600),
    "reporter": (env_int("PAKN_API_FOLLOW_UPS_PER_MINUTE", 60), 60),
    "login": (env_int("PAKN_API_LOGINS_PER_10_MINUTES", 20), 600),
}
# Open311 GeoReport v2 (/open311/v2/): the jurisdiction served, the contact shown in discovery, submissions
# per client key per hour, and whether media_url may point to a private address (only for tests).
# (the jurisdiction is a setting of the province, below; an empty contact is derived from the province)
PAKN_OPEN311_CONTACT = env_str("PAKN_OPEN311_CONTACT", "") or ""
PAKN_OPEN311_POSTS_PER_HOUR = env_int("PAKN_OPEN311_POSTS_PER_HOUR", 120)
# Tracking codes one GET /requests may list; each counts against the read limit.
PAKN_OPEN311_MAX_REQUEST_IDS = env_int("PAKN_OPEN311_MAX_REQUEST_IDS", 50)
PAKN_OPEN311_MEDIA_PRIVATE_HOSTS = env_bool("PAKN_OPEN311_MEDIA_PRIVATE_HOSTS", False)

# --- province (issue 15) ---------------------------------------------------------------------------------
# The province this installation serves (any province: docs/configuration.md). Every text that names the
# province or its regulation reads these through pakn.core.province; the defaults are Lạng Sơn's.
PAKN_PROVINCE_NAME = env_str("PAKN_PROVINCE_NAME", "Lạng Sơn") or ""
# "tỉnh", or "thành phố" for the five centrally governed cities.
PAKN_PROVINCE_TYPE = env_str("PAKN_PROVINCE_TYPE", "tỉnh") or ""
if PAKN_PROVINCE_TYPE not in ("tỉnh", "thành phố"):
    raise ImproperlyConfigured("PAKN_PROVINCE_TYPE must be 'tỉnh' or 'thành phố'")
# The province's administrative code (Decision 124/2004/QĐ-TTg list, e.g. 20 for Lạng Sơn, 01 for Hà Nội).
PAKN_PROVINCE_CODE = env_str("PAKN_PROVINCE_CODE", "20") or ""
if not PAKN_PROVINCE_NAME or not PAKN_PROVINCE_CODE.isdigit():
    raise ImproperlyConfigured("PAKN_PROVINCE_NAME must be set and PAKN_PROVINCE_CODE must be digits")
# The decision that issued the province's regulation on receiving and handling reports, and its date.
PAKN_REGULATION_NUMBER = env_str("PAKN_REGULATION_NUMBER", "826/QĐ-UBND") or ""
try:
    PAKN_REGULATION_DATE = date.fromisoformat(env_str("PAKN_REGULATION_DATE", "2022-05-12") or "")
except ValueError as e:
    raise ImproperlyConfigured("PAKN_REGULATION_DATE must be a date YYYY-MM-DD") from e
# Open311 GeoReport v2: the jurisdiction_id this server answers for (usually the province's domain).
PAKN_OPEN311_JURISDICTION = env_str("PAKN_OPEN311_JURISDICTION", "langson.gov.vn") or ""

# --- performance (issue 13) ---------------------------------------------------------------------------
# Public lists and feeds are cached this many seconds, keyed on the version of the public data
# (pakn/reports/freshness.py); 0 turns the cache off (ETag and 304 remain). Off by default in tests.
PAKN_PUBLIC_CACHE_SECONDS = env_int("PAKN_PUBLIC_CACHE_SECONDS", 0 if TESTING else 30)

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
# --- backup and retention (issue 15) ---------------------------------------------------------------------
# `pakn backup` writes archives here (docs/operations.md: schedule and the monthly restore test) and keeps the
# newest PAKN_BACKUP_KEEP of them; PAKN_BACKUP_DATABASE_URL, when set, is the database pg_dump/pg_restore use
# (the primary directly, when PAKN_DATABASE_URL goes through pgbouncer).
PAKN_BACKUP_DIR = Path(env_str("PAKN_BACKUP_DIR", str(DATA_DIR / "backups")) or "backups")
PAKN_BACKUP_KEEP = env_int("PAKN_BACKUP_KEEP", 14)
PAKN_BACKUP_DATABASE_URL = env_str("PAKN_BACKUP_DATABASE_URL", "") or ""
# Retention (R-13.2, docs/operations.md): a closed case's reporter's personal data is erased this many days
# after its last change (default 5 years); delivered notifications are deleted after PAKN_RETENTION_DELIVERED_DAYS.
PAKN_RETENTION_PERSONAL_DATA_DAYS = env_int("PAKN_RETENTION_PERSONAL_DATA_DAYS", 5 * 365 + 1)
PAKN_RETENTION_DELIVERED_DAYS = env_int("PAKN_RETENTION_DELIVERED_DAYS", 90)
if PAKN_RETENTION_PERSONAL_DATA_DAYS < 30 or PAKN_RETENTION_DELIVERED_DAYS < 1:
    raise ImproperlyConfigured(
        "PAKN_RETENTION_PERSONAL_DATA_DAYS must be at least 30 and PAKN_RETENTION_DELIVERED_DAYS at least 1"
    )
