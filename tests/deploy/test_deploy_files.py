"""deploy/ (issue 15, item 1; R-11.1 a service that runs 24/7): the files an administrator installs are
checked by the tools that will read them: nginx -t on the site (with test certificates), systemd-analyze
verify on the units, pakn's strict settings on the environment template, which lists every PAKN_* setting.
"""

from __future__ import annotations

import base64
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import testenv
from cryptography.fernet import Fernet

ROOT = testenv.ROOT
TEMPLATE = ROOT / "deploy" / "pakn.env.example"
# Read by the code but never set on a production machine, with the reason.
NOT_FOR_PRODUCTION = {"PAKN_TESTING": "marks a test run"}
READ = re.compile(r'(?:env_(?:str|bool|int|list)|environ\.get)\(\s*"(PAKN_[A-Z0-9_]+)"')
LINE = re.compile(r"^(#\s*)?(PAKN_[A-Z0-9_]+)=(.*)$")


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "pakn").rglob("*.py"):
        names |= set(READ.findall(path.read_text(encoding="utf-8")))
    return names


def template_lines() -> list[tuple[bool, str, str]]:
    """(commented, name, value) of each PAKN_ line of the template; NAME_FILE counts as NAME."""
    found = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line)
        if m:
            value = m.group(3)
            if len(value) >= 2 and value[0] == value[-1] == "'":
                value = value[1:-1]
            found.append((bool(m.group(1)), m.group(2), value))
    return found


def test_the_environment_template_lists_every_setting_the_code_reads():
    read = settings_read_by_the_code()
    assert {"PAKN_DATABASE_URL", "PAKN_MEDIA_S3_BUCKET", "PAKN_METRICS_TOKEN"} <= read  # the scan works
    listed = {name.removesuffix("_FILE") for _, name, _ in template_lines()}
    missing = sorted(read - listed - set(NOT_FOR_PRODUCTION))
    assert not missing, f"add to deploy/pakn.env.example (and docs/configuration.md): {', '.join(missing)}"
    unknown = sorted(listed - read)
    assert not unknown, f"deploy/pakn.env.example lists settings nothing reads: {', '.join(unknown)}"


def _environment(tmp_path: Path, *, with_defaults: bool) -> dict[str, str]:
    """The template's values as pakn would read them, secrets written to files as the README says."""
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir(exist_ok=True)
    generated = {
        "secret_key": secrets.token_urlsafe(50),
        "data_key": Fernet.generate_key().decode(),
        "lookup_key": secrets.token_urlsafe(32),
        "metrics_token": secrets.token_urlsafe(32),
        "audit_key": secrets.token_hex(32),
        "audit_signing_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }
    env: dict[str, str] = {}
    for commented, name, value in template_lines():
        if commented and (not with_defaults or not value or name.startswith("PAKN_VAPID_")):
            continue
        if value.startswith("/etc/pakn/secrets/"):
            file = secret_dir / value.rsplit("/", 1)[1]
            file.write_text(generated.get(file.name, secrets.token_urlsafe(24)))
            value = str(file)
        env[name] = value
    for name in ("PAKN_DATA_DIR", "PAKN_STATIC_ROOT", "PAKN_MEDIA_ROOT"):
        env[name] = str(tmp_path / name.lower())
    return env


@pytest.mark.parametrize("with_defaults", [False, True], ids=["as-is", "with-every-default-shown"])
def test_pakn_accepts_the_template_values(tmp_path, with_defaults):
    env = testenv.pakn_env(_environment(tmp_path, with_defaults=with_defaults))
    done = subprocess.run(
        testenv.pakn("check", "--fail-level", "ERROR"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (
        "System check identified no issues" in done.stdout
        or done.stdout.strip() == ""
        or "0 silenced" in done.stdout
    )


def test_nginx_accepts_the_site_with_test_certificates(tmp_path):
    missing = testenv.missing_tools("nginx", "openssl")
    if missing:
        pytest.skip("needs " + ", ".join(missing))
    cert, key = testenv.tls_certificate(tmp_path)
    site = testenv.NginxSite(
        https_port=testenv.free_port(),
        http_port=testenv.free_port(),
        upstreams=[testenv.free_port(), testenv.free_port()],
        static_root=tmp_path / "static",
        cert=cert,
        key=key,
    )
    (tmp_path / "pakn.conf").write_text(site.render())
    done = testenv.nginx_test(testenv.nginx_main_conf(tmp_path, tmp_path / "pakn.conf"))
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    text = (ROOT / "deploy" / "nginx" / "pakn.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text  # set, never appended: not forgeable
    assert "$proxy_add_x_forwarded_for" not in text
    assert re.search(r"client_max_body_size\s+\d+m;", text)


def test_nginx_refuses_a_broken_site(tmp_path):
    """The check above can fail: a site with an unknown directive is refused."""
    if testenv.missing_tools("nginx"):
        pytest.skip("needs nginx")
    (tmp_path / "pakn.conf").write_text("server { listen 127.0.0.1:1; no_such_directive on; }\n")
    assert testenv.nginx_test(testenv.nginx_main_conf(tmp_path, tmp_path / "pakn.conf")).returncode != 0


def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("needs systemd-analyze")
    venv_bin = Path(testenv.sys.executable).parent
    for unit in (ROOT / "deploy" / "systemd").iterdir():
        text = (
            unit.read_text()
            .replace("/opt/pakn/current/.venv/bin/", f"{venv_bin}/")
            .replace("/opt/pakn/current", str(ROOT))
            .replace("/etc/pakn/pakn.env", str(TEMPLATE))
        )
        (tmp_path / unit.name).write_text(text)
    names = ["pakn-web@8001.service", "pakn-worker@1.service", "pakn.target"]
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(f"{tmp_path}/{n}" for n in names)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Unknown" not in done.stderr and "not executable" not in done.stderr, done.stderr


def test_pakn_admin_runs_pakn_as_the_service_user_with_the_services_settings():
    def dry(*args: str, **env: str) -> str:
        done = subprocess.run(
            ["sh", str(ROOT / "deploy" / "pakn-admin"), *args],
            env={"PATH": "/usr/bin:/bin", "PAKN_ADMIN_DRY_RUN": "1", **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return done.stdout.strip()

    head = (
        "systemd-run --quiet --wait --collect --pipe --uid=pakn --gid=pakn "
        "--property=EnvironmentFile=/etc/pakn/pakn.env --working-directory=/opt/pakn/current /usr/bin/env "
    )
    assert dry("createsuperuser") == head + "/opt/pakn/current/.venv/bin/pakn createsuperuser"
    assert (
        dry("PAKN_DATABASE_URL=postgres://pakn@127.0.0.1:5432/pakn", "migrate", "--noinput")
        == head
        + "PAKN_DATABASE_URL=postgres://pakn@127.0.0.1:5432/pakn /opt/pakn/current/.venv/bin/pakn migrate --noinput"
    )
    assert dry("migrate", "--plan", PAKN_ADMIN_RELEASE="/opt/pakn/releases/v2").endswith(
        "--working-directory=/opt/pakn/releases/v2 /usr/bin/env /opt/pakn/releases/v2/.venv/bin/pakn migrate --plan"
    )
