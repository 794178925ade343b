"""Item 7 of issue 10: production defaults (R-3.1, R-3.2): a second factor, no console e-mail or SMS, a
shared cache, HTTPS with HSTS, a Content-Security-Policy on every page, `pakn check --deploy` clean."""

from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from tests.support_process import child_env

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "pakn.env.example"
SETTING_NAMES = (
    "PAKN_STAFF_2FA_REQUIRED",
    "EMAIL_BACKEND",
    "PAKN_SMS_BACKEND",
    "CACHES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
)


def _production(**extra: str) -> dict[str, str]:
    return {
        "PAKN_ENV": "production",
        "PAKN_SECRET_KEY": secrets.token_urlsafe(50),
        "PAKN_DATA_KEY": Fernet.generate_key().decode(),
        "PAKN_LOOKUP_KEY": secrets.token_urlsafe(32),
        **extra,
    }


def _settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = child_env()
    clean.update({"PAKN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "pakn.settings", **env})
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SETTING_NAMES!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def _values(env: dict[str, str], tmp_path: Path) -> dict:
    done = _settings(env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_without_second_factor_setting_requires_it(tmp_path):
    """R-3.1: forgetting PAKN_STAFF_2FA_REQUIRED must not leave staff on passwords alone."""
    assert _values(_production(), tmp_path)["PAKN_STAFF_2FA_REQUIRED"] is True
    assert _values({}, tmp_path)["PAKN_STAFF_2FA_REQUIRED"] is False  # the local demo


@pytest.mark.parametrize(
    "backend",
    ["django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.filebased.EmailBackend"],
)
def test_production_with_console_email_backend_is_refused(tmp_path, backend):
    """The console backend logs password-reset links and reporters' personal data (R-3.2)."""
    done = _settings(_production(PAKN_EMAIL_BACKEND=backend), tmp_path)
    assert done.returncode != 0 and "PAKN_EMAIL_BACKEND" in done.stderr


def test_production_with_console_sms_backend_is_refused(tmp_path):
    done = _settings(_production(PAKN_SMS_BACKEND="console"), tmp_path)
    assert done.returncode != 0 and "PAKN_SMS_BACKEND" in done.stderr


def test_production_defaults_never_print_mail_or_sms(tmp_path):
    values = _values(_production(), tmp_path)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["PAKN_SMS_BACKEND"] == "off"
    gateway = _values(_production(PAKN_SMS_GATEWAY_URL="https://sms.example.gov.vn/send"), tmp_path)
    assert gateway["PAKN_SMS_BACKEND"] == "http"


def test_per_process_cache_that_multiplies_rate_limits_is_not_the_default(tmp_path):
    """Without Redis the cache is the database's (shared by every worker, kept over restarts)."""
    for env in ({}, _production()):
        backend = _values(env, tmp_path)["CACHES"]["default"]["BACKEND"]
        assert backend == "django.core.cache.backends.db.DatabaseCache"
    redis = _values(_production(PAKN_REDIS_URL="redis://127.0.0.1:6379/1"), tmp_path)
    assert redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_production_over_plain_http_is_redirected_with_hsts_and_proxy_header_configurable(tmp_path):
    values = _values(_production(PAKN_PROXY_HTTPS="true"), tmp_path)
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    off = _values(_production(PAKN_SSL_REDIRECT="false", PAKN_HSTS_SECONDS="0"), tmp_path)
    assert off["SECURE_SSL_REDIRECT"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_PROXY_SSL_HEADER"] is None


# --- Content-Security-Policy --------------------------------------------------------------------------------

PAGES = [
    "/",
    "/gui-phan-anh/",
    "/phan-anh/",
    "/tra-cuu/",
    "/thong-ke/",
    "/du-lieu-mo/",
    "/console/dang-nhap/",
    "/admin/login/",
    "/api/v1/docs",
    "/khong-co-trang-nay/",
]


@pytest.mark.django_db
def test_injected_inline_script_is_refused_by_a_content_security_policy_on_every_page(org):
    client = Client()
    for url in PAGES:
        response = client.get(url)
        policy = response.get("Content-Security-Policy", "")
        assert policy, f"{url} ({response.status_code}) has no Content-Security-Policy"
        directives = dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())
        script = directives.get("script-src", directives.get("default-src", ""))
        assert "'self'" in script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, url
        assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", url
        assert directives.get("base-uri") == "'self'", url


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")(?![^>]*nonce=)[^>]*>"
)
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def test_templates_carry_no_inline_script_or_event_handler():
    """Audit of every template: code lives in static files (or carries the request's nonce)."""
    offenders = []
    for path in (ROOT / "pakn").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert not offenders, "\n".join(offenders)


# --- pakn check --deploy ------------------------------------------------------------------------------------


def _secret_for(name: str) -> str:
    if name == "data_key":
        return Fernet.generate_key().decode()
    if name == "audit_signing_key":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_hex(32)


def _documented_production_environment(tmp_path: Path) -> dict[str, str]:
    """deploy/pakn.env.example as an administrator fills it in (secrets in files, VAPID keys generated)."""
    from pakn.notify.vapid import generate_vapid_keys

    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    env: dict[str, str] = {}
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(PAKN_[A-Z0-9_]+)=(.*)$", line)
        if not m:
            continue
        name, value = m.groups()
        if value.startswith("/etc/pakn/secrets/"):
            file = secret_dir / value.rsplit("/", 1)[1]
            file.write_text(_secret_for(file.name))
            value = str(file)
        env[name] = value
    keys = generate_vapid_keys()
    env.update(
        {
            "PAKN_VAPID_PUBLIC_KEY": keys["public_key"],
            "PAKN_VAPID_PRIVATE_KEY": keys["private_key"],
            "PAKN_DATA_DIR": str(tmp_path / "data"),
            "PAKN_STATIC_ROOT": str(tmp_path / "static"),
            "PAKN_MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    return env


def test_pakn_check_deploy_with_the_documented_production_settings_prints_no_warning(tmp_path):
    clean = child_env()
    clean.update({"DJANGO_SETTINGS_MODULE": "pakn.settings", **_documented_production_environment(tmp_path)})
    done = subprocess.run(
        [sys.executable, "-m", "pakn.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "System check identified no issues (0 silenced)." in done.stdout, output[-3000:]
