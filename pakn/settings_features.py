"""The settings of pakn's own features, read by their apps through django.conf.settings: the portal, the
notifications, the statistics, the API's limits, the province, the public cache, backups and retention.

pakn.settings (the settings module) imports them all; every value comes from a PAKN_* variable
(docs/configuration.md), read as strictly as the rest.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from pakn.env import DATA_DIR, PRODUCTION, TESTING, env_bool, env_int, env_list, env_str, write_once

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
        write_once(path, generate_vapid_keys())
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
PAKN_PUSH_TIMEOUT = env_int("PAKN_PUSH_TIMEOUT", 10)
# Web-push endpoints accepted: HTTPS URLs of these push services (host names and their sub-domains) that
# resolve only to public addresses (pakn.notify.endpoints; never the internal network). These are where
# browsers receive push messages (Chrome/Edge/Android: FCM; Firefox; Safari; legacy Edge: WNS), not
# asset hosts: no page loads anything from them.
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

# --- api (issue 5) ------------------------------------------------------------------------------------
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
