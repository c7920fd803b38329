"""A Superset instance over the published warehouse, all of it under one folder (build/bi).

    python -m bi.instance up       # config, metadata DB and admin on first run; start; import
    python -m bi.instance stop     # stop the server started by `up` (by its pid file)
    python -m bi.instance status

Run with .venv-bi/bin/python (scripts/bi.sh does). The folder (BI_HOME, default build/bi)
holds superset_config.py, the SQLite metadata DB superset.db, secret_key and admin_password
(mode 600), the server's pid file and log, and the bundle of bi/dashboards. The server is
gunicorn, one worker process with 4 threads, bound to 127.0.0.1 only (BI_PORT, default 8088).
The warehouse (WAREHOUSE_PATH, default ./warehouse.duckdb) is registered read-only.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bi import bundle
from bi.client import Client

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "admin"
DASHBOARD_SLUG = "municipal-finance"


@dataclass
class Instance:
    home: Path
    port: int
    warehouse: Path

    @classmethod
    def from_env(cls) -> "Instance":
        home = Path(os.environ.get("BI_HOME", ROOT / "build" / "bi")).resolve()
        return cls(home, int(os.environ.get("BI_PORT", "8088")), bundle.warehouse_path())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.home / "superset.pid"

    @property
    def log(self) -> Path:
        return self.home / "superset.log"

    @property
    def bundle_zip(self) -> Path:
        return self.home / "bundle.zip"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(SUPERSET_CONFIG_PATH=str(self.home / "superset_config.py"),
                   SUPERSET_HOME=str(self.home), DO_NOT_TRACK="1", PYTHONDONTWRITEBYTECODE="1",
                   SUPERSET_LOAD_EXAMPLES="no")
        return env

    def password(self) -> str:
        return (self.home / "admin_password").read_text().strip()

    def client(self) -> Client:
        return Client(self.url, ADMIN, self.password())


def _write_secret(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(inst: Instance, args: list[str], what: str) -> None:
    r = subprocess.run(args, env=inst.env(), cwd=inst.home, capture_output=True, text=True)
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        raise SystemExit(f"bi: {what} failed (exit {r.returncode}):\n{tail}")


def configure(inst: Instance) -> str | None:
    """Create the folder, secrets and config; the metadata DB and admin on first run.
    Returns the admin password when it was generated now (to print once), else None."""
    inst.home.mkdir(parents=True, exist_ok=True)
    os.chmod(inst.home, 0o700)
    if not (inst.home / "secret_key").exists():
        _write_secret(inst.home / "secret_key", secrets.token_urlsafe(48))
    template = (ROOT / "bi" / "config_template.py").read_text()
    (inst.home / "superset_config.py").write_text(template.format(home=str(inst.home)))
    import superset  # noqa: F401  (version for the stamp)
    from importlib.metadata import version
    stamp, want = inst.home / "initialized", f"apache-superset {version('apache-superset')}"
    new_password = None
    if not (stamp.exists() and stamp.read_text().strip() == want):
        t = time.monotonic()
        print("bi: creating the metadata database (superset db upgrade, init; about a minute)", flush=True)
        _run(inst, [_bin("superset"), "db", "upgrade"], "superset db upgrade")
        if not (inst.home / "admin_password").exists():
            new_password = secrets.token_urlsafe(16)
            _write_secret(inst.home / "admin_password", new_password)
        # the admin through Superset's own security manager (as `fab create-admin` does), the
        # password passed in the environment rather than on a command line
        _run(inst, [_bin("python"), "-c", _CREATE_ADMIN], "creating the admin user")
        _run(inst, [_bin("superset"), "init"], "superset init")
        stamp.write_text(want + "\n")
        print(f"bi: metadata database ready in {time.monotonic() - t:.0f} s", flush=True)
    return new_password


_CREATE_ADMIN = """
import os, sys
from superset.app import create_app
app = create_app()
with app.app_context():
    from superset import security_manager as sm
    from superset.extensions import db
    pw = open(os.path.join(os.environ["SUPERSET_HOME"], "admin_password")).read().strip()
    user = sm.find_user(username="admin")
    if user is None:
        ok = sm.add_user("admin", "Admin", "User", "admin@localhost", sm.find_role("Admin"), password=pw)
        sys.exit(0 if ok else 1)
    sm.reset_password(user.id, pw)
"""


def running_pid(inst: Instance) -> int | None:
    """The pid in the pid file if that process is alive and is this instance's gunicorn."""
    try:
        pid = int(inst.pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    if any(b"gunicorn" in part for part in cmdline) and f"127.0.0.1:{inst.port}".encode() in cmdline:
        return pid
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(inst: Instance, timeout: float = 120) -> int:
    if (pid := running_pid(inst)) is not None:
        return pid
    if not _port_free(inst.port):
        raise SystemExit(f"bi: port {inst.port} on 127.0.0.1 is in use by another program; "
                         "choose another with BI_PORT=…")
    log = open(inst.log, "ab")
    proc = subprocess.Popen(
        [_bin("gunicorn"), "--bind", f"127.0.0.1:{inst.port}", "--workers", "1",
         "--worker-class", "gthread", "--threads", "4", "--timeout", "120",
         "--access-logfile", "-", "--error-logfile", "-", "superset.app:create_app()"],
        env=inst.env(), cwd=inst.home, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True)
    inst.pidfile.write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    s = requests.Session()
    s.trust_env = False
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            inst.pidfile.unlink(missing_ok=True)
            tail = "\n".join(inst.log.read_text(errors="replace").splitlines()[-20:])
            raise SystemExit(f"bi: the server exited ({proc.returncode}); end of {inst.log}:\n{tail}")
        try:
            if s.get(f"{inst.url}/health", timeout=2).text.strip() == "OK":
                return proc.pid
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(inst)
    raise SystemExit(f"bi: the server did not answer {inst.url}/health within {timeout:.0f} s (see {inst.log})")


def stop(inst: Instance, timeout: float = 30) -> bool:
    """Stop this instance's server (SIGTERM to its pid, SIGKILL after `timeout`)."""
    pid = running_pid(inst)
    if pid is None:
        inst.pidfile.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        try:  # reap it if it is our child (the test starts it in-process)
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        except ChildProcessError:
            pass
        time.sleep(0.2)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)
    inst.pidfile.unlink(missing_ok=True)
    return True


def import_dashboards(inst: Instance) -> Client:
    bundle.write_zip(bundle.build(inst.warehouse), inst.bundle_zip)
    c = inst.client()
    c.import_assets(inst.bundle_zip)
    return c


def up(inst: Instance) -> None:
    if not inst.warehouse.exists():
        raise SystemExit(f"bi: no warehouse at {inst.warehouse}: run `make build` first")
    t0 = time.monotonic()
    new_password = configure(inst)
    was_running = running_pid(inst) is not None
    pid = start(inst)
    import_dashboards(inst)
    print(f"bi: Superset {'was already running' if was_running else 'started'} (pid {pid}, "
          f"log {inst.log}) over {inst.warehouse} (read-only), {time.monotonic() - t0:.0f} s")
    print(f"  open:     {inst.url}/superset/dashboard/{DASHBOARD_SLUG}/")
    print(f"  user:     {ADMIN}")
    if new_password:
        print(f"  password: {new_password}   (shown once; kept in {inst.home / 'admin_password'}, mode 600)")
    else:
        print(f"  password: in {inst.home / 'admin_password'} (mode 600)")
    print("  stop:     make bi-stop")


def main(argv: list[str]) -> int:
    inst = Instance.from_env()
    cmd = argv[0] if argv else ""
    if cmd == "up":
        up(inst)
    elif cmd == "stop":
        print("bi: stopped" if stop(inst) else "bi: not running")
    elif cmd == "status":
        pid = running_pid(inst)
        print(f"bi: running, pid {pid}, {inst.url}" if pid else "bi: not running")
        return 0 if pid else 1
    else:
        print("usage: python -m bi.instance up|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
