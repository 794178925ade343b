"""Throwaway production-shaped services on this machine, for tests and for trying a deployment by hand.

Everything binds 127.0.0.1 on free ports chosen at run time, lives in one temporary directory and is stopped
(process group killed) when the `with` block ends, even on failure. Used by tests/deploy/ and by the
`two-nodes` script beside this file. Needs: PostgreSQL 15 binaries, pgbouncer, nginx, openssl, Redis.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], *, timeout: float, what: str, log: Path | None = None) -> Any:
    """Poll until `predicate` returns something truthy (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as e:
            last = e
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout}s ({last!r})\n{tail}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return 200 <= r.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except OSError:
        return False


def pg_bindir() -> Path | None:
    """The PostgreSQL server binaries (Debian keeps them out of PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).resolve())
    return candidates[0].parent if candidates else None


def missing_tools(*names: str) -> list[str]:
    missing = [n for n in names if n != "pg_ctl" and shutil.which(n) is None]
    if "pg_ctl" in names and pg_bindir() is None:
        missing.append("pg_ctl (postgresql-15)")
    return missing


@dataclass
class Process:
    """A service in its own process group, its output in a log file."""

    name: str
    args: list[str]
    log: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> Process:
        self.process = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=self.cwd,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.send(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        # children left in the group (gunicorn workers) go too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _as_postgres() -> list[str]:
    """PostgreSQL's programs refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(path, pw.pw_uid, pw.pw_gid)


@dataclass
class PostgresCluster:
    """A PostgreSQL server of our own (initdb in a temporary directory), optionally a streaming replica."""

    datadir: Path
    port: int
    log: Path

    def pg_ctl(self, *args: str) -> None:
        bindir = pg_bindir()
        assert bindir is not None
        _run([*_as_postgres(), str(bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.log), *args])

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}", autocommit=True, connect_timeout=3
        )

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
            self.pg_ctl("stop", "-m", "immediate", "-w")


def _cluster_conf(datadir: Path, port: int, socket_dir: Path) -> None:
    with (datadir / "postgresql.conf").open("a") as f:
        f.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{socket_dir}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
            "synchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_connections = 60\n"
        )


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@contextlib.contextmanager
def primary_and_replica() -> Iterator[tuple[PostgresCluster, PostgresCluster]]:
    """A throwaway primary (initdb) and a streaming replica of it made with pg_basebackup, in a temporary
    directory of their own (the postgres user must reach it); both stopped and removed at the end. The
    machine's own PostgreSQL server is never reconfigured."""
    bindir = pg_bindir()
    assert bindir is not None
    base = Path(tempfile.mkdtemp(prefix="pakn-pg-"))
    base.chmod(0o755)
    _give_to_postgres(base)
    run = [*_as_postgres()]
    primary = PostgresCluster(base / "primary", free_port(), base / "primary.log")
    replica = PostgresCluster(base / "replica", free_port(), base / "replica.log")
    _run(
        [*run, str(bindir / "initdb"), "-D", str(primary.datadir), "-U", "postgres", "--auth=trust",
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    )  # fmt: skip
    _cluster_conf(primary.datadir, primary.port, base)
    started: list[PostgresCluster] = []
    try:
        primary.pg_ctl("start", "-w")
        started.append(primary)
        _run(
            [*run, str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
             "-D", str(replica.datadir), "-R", "-X", "stream", "--no-sync", "-c", "fast"]
        )  # fmt: skip
        with (replica.datadir / "postgresql.conf").open("a") as f:
            f.write(f"\nport = {replica.port}\n")
        replica.pg_ctl("start", "-w")
        started.append(replica)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def tls_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (a test stands in for the real one)."""
    cert, key = directory / "test-cert.pem", directory / "test-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@dataclass
class NginxSite:
    """deploy/nginx/pakn.conf with this machine's ports and paths put in its place."""

    https_port: int
    http_port: int
    upstreams: list[int]
    static_root: Path
    cert: Path
    key: Path

    def render(self) -> str:
        text = (DEPLOY / "nginx" / "pakn.conf").read_text()
        servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in self.upstreams)
        replacements = {
            "    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;\n"
            "    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;\n": servers,
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": "",
            "/etc/ssl/pakn/fullchain.pem": str(self.cert),
            "/etc/ssl/pakn/privkey.pem": str(self.key),
            "/var/lib/pakn/static/": f"{self.static_root}/",
        }
        for old, new in replacements.items():
            if old not in text:
                raise AssertionError(f"deploy/nginx/pakn.conf no longer contains {old!r}")
            text = text.replace(old, new)
        return text


def nginx_main_conf(workdir: Path, site: Path) -> Path:
    """A minimal nginx.conf around the site, with every path inside `workdir`."""
    conf = workdir / "nginx.conf"
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "root root" if os.geteuid() == 0 else ""
    conf.write_text(
        (f"user {user};\n" if user else "")
        + f"worker_processes 1;\npid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {workdir}/nginx-access.log;\n"
        + "".join(
            f"  {name}_temp_path {temp}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {site};\n}}\n"
    )
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(conf.parent)], capture_output=True, text=True, timeout=30
    )


def nginx(conf: Path, log: Path) -> Process:
    return Process("nginx", ["nginx", "-c", str(conf), "-p", str(conf.parent), "-g", "daemon off;"], log)


def pgbouncer(workdir: Path, *, dbname: str, server_port: int = 5432) -> tuple[Process, int]:
    """pgbouncer in transaction pooling in front of the given database (as in production)."""
    port = free_port()
    d = workdir / "pgbouncer"
    d.mkdir(mode=0o755)
    (d / "users.txt").write_text('"postgres" ""\n')
    conf = d / "pgbouncer.ini"
    conf.write_text(
        f"[databases]\n{dbname} = host=127.0.0.1 port={server_port} dbname={dbname} user=postgres\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {d}/users.txt\npool_mode = transaction\n"
        "max_client_conn = 200\ndefault_pool_size = 12\nignore_startup_parameters = extra_float_digits,options\n"
        "server_reset_query =\nadmin_users = postgres\n"
    )
    for path in (d, d / "users.txt", conf):
        _give_to_postgres(path)
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    return Process("pgbouncer", ["pgbouncer", *user, str(conf)], workdir / "pgbouncer.log"), port


def moto_server(workdir: Path) -> tuple[Process, int]:
    """An S3-compatible object store (moto in server mode)."""
    port = free_port()
    return (
        Process(
            "moto",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            workdir / "moto.log",
        ),
        port,
    )


def pakn(*args: str) -> list[str]:
    return [sys.executable, "-m", "pakn.cli", *args]


def pakn_env(overrides: dict[str, str]) -> dict[str, str]:
    """The environment of a pakn process: the caller's without any PAKN_* setting, plus `overrides`."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test process's own (Playwright); `check --deploy` refuses it.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAKN_", "PROMETHEUS_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"DJANGO_SETTINGS_MODULE": "pakn.settings", **overrides})
    return env


def run_pakn(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(pakn(*args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"pakn {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def temporary_directory(prefix: str) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True)


# --- the two-node site ------------------------------------------------------------------------------------

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
S3_BUCKET = "pakn-media"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class Site:
    """Two web nodes and two workers sharing PostgreSQL (through pgbouncer), Redis and the object store."""

    workdir: Path
    dbname: str
    env: dict[str, str]
    nodes: list[str]
    node_processes: list[Process]
    workers: list[Process]
    https: str
    http: str
    cert: Path
    s3_endpoint: str | None
    pgbouncer_port: int
    services: list[Process] = field(default_factory=list)

    def pgbouncer_stats(self) -> dict[str, int]:
        """pgbouncer's counters for the site's database (SHOW STATS on its admin console)."""
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.pgbouncer_port), "-U", "postgres", "-d", "pgbouncer",
             "-A", "-F", "\t", "-c", "SHOW STATS"],
            capture_output=True, text=True, timeout=20, check=True,
        )  # fmt: skip
        header, *rows = done.stdout.strip().splitlines()
        names = header.split("\t")
        for row in rows:
            values = dict(zip(names, row.split("\t"), strict=False))
            if values.get("database") == self.dbname:
                return {k: int(v) for k, v in values.items() if v.isdigit()}
        return {}

    def pg(self) -> Any:
        import psycopg

        return psycopg.connect(PG_SERVER + self.dbname, autocommit=True, connect_timeout=3)

    def logs(self) -> str:
        parts = []
        for p in [*self.node_processes, *self.workers, *self.services]:
            if p.log.exists():
                parts.append(f"--- {p.name} ({p.log.name})\n{p.log.read_text(errors='replace')[-2500:]}")
        return "\n".join(parts)


def _server(dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(PG_SERVER + dbname, autocommit=True, connect_timeout=3)


def drop_database(name: str) -> None:
    with _server() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _create_bucket(endpoint: str) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=S3_BUCKET)
    s3.put_public_access_block(
        Bucket=S3_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _start(process: Process, services: list[Process]) -> Process:
    services.append(process)
    return process.start()


@contextlib.contextmanager
def two_node_site(
    workdir: Path,
    *,
    dbname: str,
    redis_url: str,
    object_store: bool = True,
    settings: dict[str, str] | None = None,
) -> Iterator[Site]:
    """Start the whole production shape on loopback ports; stop and drop everything at the end.

    `settings` are extra PAKN_* variables for every node and worker (a test's SMS gateway, its limits).
    """
    import redis
    from cryptography.fernet import Fernet

    redis.Redis.from_url(redis_url).flushdb()
    drop_database(dbname)
    with _server() as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    services: list[Process] = []
    site: Site | None = None
    try:
        bouncer, bouncer_port = pgbouncer(workdir, dbname=dbname)
        _start(bouncer, services)
        s3_endpoint = None
        if object_store:
            moto, moto_port = moto_server(workdir)
            _start(moto, services)
            s3_endpoint = f"http://127.0.0.1:{moto_port}"
        static_root = workdir / "static"
        common = {
            "PAKN_ENV": "production",
            "PAKN_SECRET_KEY": "two-nodes-" + "s" * 40,
            "PAKN_DATA_KEY": Fernet.generate_key().decode(),
            "PAKN_LOOKUP_KEY": "two-nodes-lookup-key-0123456789",
            "PAKN_DEBUG": "false",
            "PAKN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PAKN_REDIS_URL": redis_url,
            "PAKN_TRUSTED_PROXIES": "127.0.0.1",
            "PAKN_PROXY_HTTPS": "true",
            # tests also talk to each node directly over plain http; nginx is what redirects to https
            "PAKN_SSL_REDIRECT": "false",
            "PAKN_STATIC_ROOT": str(static_root),
            "PAKN_LOG_LEVEL": "WARNING",
            **(settings or {}),
        }
        if s3_endpoint:
            common.update(
                {
                    "PAKN_MEDIA_S3_BUCKET": S3_BUCKET,
                    "PAKN_MEDIA_S3_ENDPOINT_URL": s3_endpoint,
                    "PAKN_MEDIA_S3_REGION": "us-east-1",
                    "PAKN_MEDIA_S3_ADDRESSING_STYLE": "path",
                    "PAKN_MEDIA_S3_ACCESS_KEY_ID": "testing",
                    "PAKN_MEDIA_S3_SECRET_ACCESS_KEY": "testing",
                }
            )
        direct = pakn_env(
            {
                **common,
                "PAKN_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{dbname}",
                "PAKN_DATA_DIR": str(workdir / "admin"),
            }
        )
        # Migrations go straight to PostgreSQL, as deploy/README.md says; the rest of the site uses pgbouncer.
        run_pakn(direct, "migrate", "--noinput", "-v0")
        run_pakn(direct, "import-areas", "--dataset", "2025")
        run_pakn(direct, "collectstatic", "--noinput", "-v0")
        wait_until(lambda: _port_open(bouncer_port), timeout=20, what="pgbouncer", log=bouncer.log)
        if s3_endpoint:
            wait_until(lambda: http_ok(s3_endpoint), timeout=60, what="moto", log=services[-1].log)
            _create_bucket(s3_endpoint)
        pooled = {
            **common,
            "PAKN_DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer_port}/{dbname}",
            "PAKN_DATABASE_PGBOUNCER": "true",
        }
        ports = [free_port(), free_port()]
        nodes, workers = [], []
        for i, port in enumerate(ports):
            name = "AB"[i]
            env = pakn_env(
                {
                    **pooled,
                    "PAKN_DATA_DIR": str(workdir / f"node-{name}"),
                    "PAKN_MEDIA_ROOT": str(workdir / f"node-{name}" / "media"),
                }
            )
            nodes.append(
                Process(f"node {name}", pakn("serve", "--no-worker", "--no-collectstatic", "--web-workers", "2", "--bind", f"127.0.0.1:{port}"),
                        workdir / f"node-{name}.log", env=env, cwd=ROOT).start()
            )  # fmt: skip
            services.append(nodes[-1])
            wenv = pakn_env({**pooled, "PAKN_DATA_DIR": str(workdir / f"worker-{i + 1}")})
            workers.append(
                Process(f"worker {i + 1}", pakn("worker", "--workers", "2"), workdir / f"worker-{i + 1}.log", env=wenv, cwd=ROOT).start()
            )  # fmt: skip
            services.append(workers[-1])
        cert, key = tls_certificate(workdir)
        https_port, http_port = free_port(), free_port()
        site_conf = workdir / "pakn-site.conf"
        site_conf.write_text(NginxSite(https_port, http_port, ports, static_root, cert, key).render())
        conf = nginx_main_conf(workdir, site_conf)
        checked = nginx_test(conf)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the site:\n{checked.stderr}")
        _start(nginx(conf, workdir / "nginx.log"), services)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, node in zip(urls, nodes, strict=True):
            wait_until(lambda u=url: http_ok(u + "/healthz"), timeout=90, what=node.name, log=node.log)
        wait_until(lambda: _port_open(https_port), timeout=20, what="nginx", log=workdir / "nginx-error.log")
        site = Site(
            workdir=workdir,
            dbname=dbname,
            env=pakn_env({**pooled, "PAKN_DATA_DIR": str(workdir / "admin")}),
            nodes=urls,
            node_processes=nodes,
            workers=workers,
            https=f"https://127.0.0.1:{https_port}",
            http=f"http://127.0.0.1:{http_port}",
            cert=cert,
            s3_endpoint=s3_endpoint,
            pgbouncer_port=bouncer_port,
            services=[p for p in services if p not in nodes and p not in workers],
        )
        yield site
    finally:
        stop_all(services)
        drop_database(dbname)
        redis.Redis.from_url(redis_url).flushdb()


def stop_all(processes: list[Process]) -> None:
    """Signal every process first (workers gracefully), then wait for each: the stops overlap."""
    for process in processes:
        process.send(signal.SIGINT if process.name.startswith("worker") else signal.SIGTERM)
    for process in processes:
        process.stop()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
