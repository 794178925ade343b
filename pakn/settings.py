"""The one settings module: everything configurable comes from PAKN_* environment variables.

With no variables at all pakn runs as a local demo (SQLite, generated secrets kept in the data directory).
With PAKN_ENV=production it refuses to start without real secrets. See docs/configuration.md.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pakn.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PAKN_ENV = env_str("PAKN_ENV", "demo")
if PAKN_ENV not in ("demo", "production"):
    raise ImproperlyConfigured(f"PAKN_ENV must be 'demo' or 'production', not {PAKN_ENV!r}")
PRODUCTION = PAKN_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("PAKN_TESTING", False)

DATA_DIR = Path(env_str("PAKN_DATA_DIR", str(BASE_DIR / "var")) or "var")


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
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(generated, f)
        except FileExistsError:
            pass  # another process created it first; read theirs
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

DEBUG = env_bool("PAKN_DEBUG", not PRODUCTION and not TESTING)
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failed logins (django-axes), per username and address.
AXES_FAILURE_LIMIT = env_int("PAKN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PAKN_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("PAKN_LOGIN_LOCKOUT", True)

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
    DATABASES["default"]["CONN_MAX_AGE"] = 0
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
    for prefix, path in (("vendor/htmx", "htmx.org/dist"), ("vendor/leaflet", "leaflet/dist"))
    if (NODE_MODULES / path).is_dir()
]
STORAGES = {
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

EMAIL_BACKEND = env_str("PAKN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("PAKN_EMAIL_FROM", "pakn@localhost")

# Cache (rate limits, sessions of nothing else): Redis when configured, else per-process memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
    if (_redis_url := env_str("PAKN_REDIS_URL"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pakn"}
}
PAKN_TRUSTED_PROXIES = env_list("PAKN_TRUSTED_PROXIES", [])

# Background work: huey, SQLite storage by default, Redis when PAKN_REDIS_URL is set.
if _redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "pakn",
        "url": _redis_url,
        "immediate": False,
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "pakn",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }

# Working calendar (pakn.workdays): office hours as "HH:MM-HH:MM" periods.
PAKN_OFFICE_HOURS = env_list("PAKN_OFFICE_HOURS", ["07:30-11:30", "13:30-17:00"])
# Media limits (pakn.reports.media): megabytes per file by kind, and files per report.
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PAKN_LOG_LEVEL", "INFO")},
}
