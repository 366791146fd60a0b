"""Test harness for the kefu HTTP API: runs the real binary and talks to it over HTTP.

Standard library only. One `KefuServer` per TestCase class (see `ServerTestCase`):

    KEFU_BIN           path of the binary (default: <repo>/build/src/kefu)
    KEFU_TEST_PG_URL   run against this PostgreSQL database instead of a SQLite file; its
                       `public` schema is dropped and recreated before every server
    KEFU_TEST_KEEP=1   keep the temporary directories (config, database, server logs)
"""

import http.client
import json as jsonlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from collections import namedtuple
from urllib.parse import quote, urlencode

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEFU_BIN = os.environ.get("KEFU_BIN") or os.path.join(REPO, "build", "src", "kefu")
PG_URL = os.environ.get("KEFU_TEST_PG_URL") or None

ADMIN_USER = "admin"
ADMIN_PASSWORD = "Admin-Passw0rd-1"
PASSWORD = "Str0ng-Passw0rd-x"  # default password for users the tests create
ORG_NAME = "测试总部"

ROLES = ["admin", "manager", "supervisor", "agent", "inspector", "handler", "viewer"]
UNIT_FIELDS = {"id", "parent_id", "code", "name", "kind", "active", "depth", "created_at", "updated_at"}
USER_FIELDS = {"id", "username", "display_name", "unit_id", "roles", "active", "phone", "email",
               "created_at", "updated_at"}
# Permission table of the contract (docs/api-contract.md).
CUSTOMER_ALL = {"customer.read", "customer.write", "customer.pii"}
TICKET_ALL = {"ticket.read", "ticket.create", "ticket.intake", "ticket.handle", "ticket.approve"}
SURVEY_READ = {"survey.read"}
CALLBACK_SUPERVISE = {"callback.supervise", "callback.read"}
PERMISSIONS = {
    "admin": {"org.unit.read", "org.unit.write", "org.user.read", "org.user.write", "org.user.pii",
              "audit.read", "customer.admin", "customer.assign", "customer.merge", "customer.classify_admin", "ticket.manage", "ticket.admin", "calendar.admin",
              "survey.admin", "rule.read", "rule.admin", "callback.work"}
             | CUSTOMER_ALL | TICKET_ALL | SURVEY_READ | CALLBACK_SUPERVISE,
    "manager": {"org.unit.read", "org.user.read", "org.user.write", "org.user.pii", "customer.assign",
                "customer.merge",                 "ticket.manage", "rule.read", "rule.admin"} | CUSTOMER_ALL | TICKET_ALL | SURVEY_READ
               | CALLBACK_SUPERVISE,
    "supervisor": {"org.unit.read", "org.user.read", "customer.assign", "customer.merge", "rule.read", "callback.work"}
                  | CUSTOMER_ALL | TICKET_ALL | SURVEY_READ | CALLBACK_SUPERVISE,
    "agent": {"org.unit.read", "customer.read", "customer.write", "ticket.read", "ticket.create",
              "ticket.intake", "callback.work", "callback.read"} | SURVEY_READ,
    "inspector": {"org.unit.read", "customer.read", "ticket.read", "callback.read"},
    "handler": {"org.unit.read", "customer.read", "ticket.read", "ticket.handle"},
    "viewer": {"org.unit.read", "customer.read", "ticket.read", "callback.read"} | SURVEY_READ,
}

_MISSING = object()


def backend():
    return "postgres" if PG_URL else "sqlite"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now_ms():
    return int(time.time() * 1000)


# --------------------------------------------------------------------------- responses


class Response(namedtuple("Response", "status headers body")):
    """(status, headers, body): body is parsed JSON for JSON types, else text (or bytes)."""

    __slots__ = ()

    def header(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def request_id(self):
        return self.headers.get("X-Request-Id")

    def __repr__(self):
        body = self.body
        if isinstance(body, (dict, list)):
            body = jsonlib.dumps(body, ensure_ascii=False)
        body = str(body)
        if len(body) > 600:
            body = body[:600] + "..."
        return "<%d %s %s>" % (self.status, self.content_type, body)


class Headers:
    """Case-insensitive multi-valued headers."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get(self, name, default=None):
        n = name.lower()
        for k, v in self.pairs:
            if k.lower() == n:
                return v
        return default

    def get_all(self, name):
        n = name.lower()
        return [v for k, v in self.pairs if k.lower() == n]

    def __contains__(self, name):
        return self.get(name) is not None

    def __repr__(self):
        return repr(self.pairs)


def parse_body(headers, raw):
    ctype = (headers.get("Content-Type") or "").lower()
    if "json" in ctype:
        try:
            return jsonlib.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return raw.decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def parse_set_cookie(value):
    """'a=b; HttpOnly; Path=/' -> ('a', 'b', {'httponly': True, 'path': '/'})."""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name.strip(), val.strip(), attrs


# --------------------------------------------------------------------------- client


class Client:
    """A small HTTP client that behaves like the console: cookie jar, CSRF header on writes."""

    def __init__(self, server, lang=None, timeout=30):
        self.server = server
        self.host = server.host
        self.port = server.port
        self.lang = lang
        self.timeout = timeout
        self.cookies = {}
        self.csrf = None
        self.send_csrf = True
        self.token = None  # bearer token; sent instead of cookies when set
        self.user = None
        self.last = None

    # -- raw request
    def request(self, method, path, json=_MISSING, headers=None, raw_body=None, query=None):
        hdrs = {"Accept": "application/json"}
        if self.lang:
            hdrs["Accept-Language"] = self.lang
        body = None
        if raw_body is not None:
            body = raw_body if isinstance(raw_body, bytes) else raw_body.encode("utf-8")
        elif json is not _MISSING:
            body = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if raw_body is not None and "Content-Type" not in (headers or {}):
            hdrs["Content-Type"] = "application/json"
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        elif self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if method not in ("GET", "HEAD", "OPTIONS") and self.csrf and self.send_csrf and not self.token:
            hdrs["X-CSRF-Token"] = self.csrf
        for k, v in (headers or {}).items():
            # None removes a default header
            for existing in list(hdrs):
                if existing.lower() == k.lower():
                    del hdrs[existing]
            if v is not None:
                hdrs[k] = v
        if query:
            q = {k: v for k, v in query.items() if v is not None}
            if q:
                path = path + ("&" if "?" in path else "?") + urlencode(q)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            raw = r.read()
            headers_obj = Headers(r.getheaders())
            status = r.status
        finally:
            conn.close()
        for sc in headers_obj.get_all("Set-Cookie"):
            name, val, attrs = parse_set_cookie(sc)
            expired = (not val) or attrs.get("max-age") in ("0", "-1")
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        resp = Response(status, headers_obj, parse_body(headers_obj, raw))
        self.last = resp
        self.server.record(method, path, resp)
        return resp

    def get(self, path, headers=None, query=None):
        return self.request("GET", path, headers=headers, query=query)

    def post(self, path, json=_MISSING, headers=None, raw_body=None):
        return self.request("POST", path, json=json, headers=headers, raw_body=raw_body)

    def patch(self, path, json=_MISSING, headers=None, raw_body=None):
        return self.request("PATCH", path, json=json, headers=headers, raw_body=raw_body)

    def put(self, path, json=_MISSING, headers=None, raw_body=None):
        return self.request("PUT", path, json=json, headers=headers, raw_body=raw_body)

    def delete(self, path, json=_MISSING, headers=None, raw_body=None):
        return self.request("DELETE", path, json=json, headers=headers, raw_body=raw_body)

    # -- session
    def login(self, username, password, expect=200):
        r = self.post("/api/v1/session", {"username": username, "password": password})
        if expect is not None and r.status != expect:
            raise AssertionError("login %s: expected %s, got %r" % (username, expect, r))
        if r.status == 200:
            self.csrf = r.body.get("csrf_token")
            self.user = r.body.get("user")
        return r

    def logout(self):
        r = self.delete("/api/v1/session")
        self.csrf = None
        return r

    def me(self):
        r = self.get("/api/v1/me")
        if r.status != 200:
            raise AssertionError("GET /api/v1/me: %r" % (r,))
        return r.body

    # -- helpers
    def create_unit(self, parent_id, code, name=None, kind="store"):
        r = self.post("/api/v1/org/units",
                      {"parent_id": parent_id, "code": code, "name": name or ("单位 " + code), "kind": kind})
        if r.status != 201:
            raise AssertionError("create unit %s: %r" % (code, r))
        return r.body

    def create_user(self, username, unit_id, roles=("agent",), password=PASSWORD, **extra):
        body = {"username": username, "display_name": extra.pop("display_name", "用户 " + username),
                "password": password, "unit_id": unit_id, "roles": list(roles)}
        body.update(extra)
        r = self.post("/api/v1/users", body)
        if r.status != 201:
            raise AssertionError("create user %s: %r" % (username, r))
        return r.body

    def create_token(self, name, scopes=("read", "write"), expires_in_days=None):
        body = {"name": name, "scopes": list(scopes)}
        if expires_in_days is not None:
            body["expires_in_days"] = expires_in_days
        r = self.post("/api/v1/tokens", body)
        if r.status != 201:
            raise AssertionError("create token %s: %r" % (name, r))
        return r.body

    def list_all(self, path, query=None, limit=200, max_pages=1000):
        """Follows keyset paging to the end; returns every item."""
        items = []
        q = dict(query or {})
        q["limit"] = limit
        after = None
        seen_cursors = set()
        for _ in range(max_pages):
            if after is not None:
                q["after"] = after
            r = self.get(path, query=q)
            if r.status != 200:
                raise AssertionError("GET %s %s: %r" % (path, q, r))
            items.extend(r.body["items"])
            after = r.body.get("next")
            if not after:
                return items
            if after in seen_cursors:
                raise AssertionError("paging of %s does not advance: cursor %r came back" % (path, after))
            seen_cursors.add(after)
        raise AssertionError("paging of %s did not end" % path)

    def audit_count(self):
        return len(self.list_all("/api/v1/audit"))


def items_of(body):
    """A list endpoint's items, whether it answers {"items": [...]} or a bare list."""
    if isinstance(body, dict) and "items" in body:
        return body["items"]
    return body


# --------------------------------------------------------------------------- server


class ServerError(RuntimeError):
    pass


class KefuServer:
    """The kefu binary with its own config and fresh database."""

    def __init__(self, name="kefu", pg_url=_MISSING, log_level="info", config=None):
        self.name = name
        self.extra_config = config or {}  # {"clock": {"adjustable": True}} -> [clock] adjustable = true
        self.pg_url = PG_URL if pg_url is _MISSING else pg_url
        self.dir = tempfile.mkdtemp(prefix="kefu-api-%s-" % name.lower()[:40])
        self.db_path = os.path.join(self.dir, "kefu.db")
        self.db_url = self.pg_url or ("sqlite://" + self.db_path)
        self.host = "127.0.0.1"
        self.port = None
        self.proc = None
        self.log_level = log_level
        self.config_path = os.path.join(self.dir, "kefu.toml")
        self.stdout_lines = []
        self.five_xx = []  # every 5xx any client saw: a 5xx is a bug
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._reader = None
        self.starts = 0

    # -- plumbing
    def env(self):
        env = dict(os.environ)
        env["KEFU_DATABASE_URL"] = self.db_url
        env["KEFU_SERVER_LISTEN"] = "%s:%d" % (self.host, self.port)
        env["KEFU_LOG_LEVEL"] = self.log_level
        env["KEFU_STORAGE_FILES_DIR"] = os.path.join(self.dir, "files")
        return env

    def write_config(self):
        sections = {"server": {"listen": "%s:%d" % (self.host, self.port)}, "database": {"url": self.db_url}}
        for sec, kv in self.extra_config.items():
            sections.setdefault(sec, {}).update(kv)
        with open(self.config_path, "w") as f:
            for sec, kv in sections.items():
                f.write("[%s]\n" % sec)
                for k, v in kv.items():
                    f.write("%s = %s\n" % (k, jsonlib.dumps(v)))  # JSON literals are TOML literals here
                f.write("\n")

    def cli(self, *args, check=True, timeout=60):
        """Runs `kefu --config <file> args...`; returns CompletedProcess (text)."""
        if self.port is None:
            self.port = free_port()
            self.write_config()
        cmd = [KEFU_BIN, "--config", self.config_path] + [str(a) for a in args]
        p = subprocess.run(cmd, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise ServerError("%s -> exit %d\nstdout: %s\nstderr: %s" % (" ".join(cmd), p.returncode,
                                                                           p.stdout[-3000:], p.stderr[-3000:]))
        return p

    def reset_pg(self):
        subprocess.run(["psql", self.pg_url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    def init(self, demo=False):
        if self.pg_url:
            self.reset_pg()
        args = ["init", "--admin-user", ADMIN_USER, "--admin-password", ADMIN_PASSWORD, "--org-name", ORG_NAME]
        if demo:
            args.append("--demo")
        return self.cli(*args)

    def _read_stdout(self, proc):
        for line in proc.stdout:
            line = line.rstrip("\n")
            with self._lock:
                self.stdout_lines.append(line)
            if line.startswith("kefu listening on http://"):
                self._ready.set()
        self._ready.set()  # EOF: wake the waiter (it sees the process has exited)

    def serve(self, timeout=30):
        """Starts `kefu serve` (a fresh port each time) and waits until it is ready."""
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("already running")
        self.port = free_port()
        self.write_config()
        self._ready.clear()
        self.starts += 1
        self.stderr_path = os.path.join(self.dir, "stderr-%d.log" % self.starts)
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen([KEFU_BIN, "--config", self.config_path, "serve"], env=self.env(),
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                     start_new_session=True)
        self._reader = threading.Thread(target=self._read_stdout, args=(self.proc,), daemon=True)
        self._reader.start()
        deadline = time.time() + timeout
        if not self._ready.wait(timeout):
            self.kill()
            raise ServerError("no readiness line within %ds\n%s" % (timeout, self.logs()))
        if self.proc.poll() is not None:
            raise ServerError("kefu serve exited with %s\n%s" % (self.proc.returncode, self.logs()))
        with self._lock:
            line = [l for l in self.stdout_lines if l.startswith("kefu listening on http://")][-1]
        hostport = line.split("http://", 1)[1].strip().rstrip("/")
        host, _, port = hostport.rpartition(":")
        if int(port) != self.port:
            raise ServerError("asked for port %d, server says %r" % (self.port, line))
        while True:
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", "/readyz")
                r = conn.getresponse()
                r.read()
                conn.close()
                if r.status == 200:
                    return self
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.kill()
                raise ServerError("/readyz never answered 200\n%s" % self.logs())
            time.sleep(0.05)

    def start(self, demo=False):
        self.port = free_port()
        self.write_config()
        self.init(demo=demo)
        return self.serve()

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20):
        """SIGTERM, wait; returns the exit code (kills with SIGKILL after timeout -> -9)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._finish()
        return self.proc.returncode

    def kill(self):
        """kill -9."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._finish()
        return self.proc.returncode if self.proc else None

    def _finish(self):
        if self._reader is not None:
            self._reader.join(5)
        if getattr(self, "_stderr", None) is not None:
            self._stderr.close()
            self._stderr = None

    def cleanup(self):
        if self.running:
            self.kill()
        if not os.environ.get("KEFU_TEST_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self, tail=4000):
        out = "--- stdout\n" + "\n".join(self.stdout_lines[-50:])
        try:
            with open(self.stderr_path) as f:
                out += "\n--- stderr\n" + f.read()[-tail:]
        except (OSError, AttributeError):
            pass
        return out

    def record(self, method, path, resp):
        if resp.status >= 500:
            with self._lock:
                self.five_xx.append("%s %s -> %r" % (method, path, resp))

    def client(self, lang=None):
        return Client(self, lang=lang)

    def login(self, username=ADMIN_USER, password=ADMIN_PASSWORD, lang=None):
        c = Client(self, lang=lang)
        c.login(username, password)
        return c


# --------------------------------------------------------------------------- base TestCase


class ServerTestCase(unittest.TestCase):
    """One fresh server per class; `cls.admin` is a logged-in admin client, `cls.head` the head office."""

    server = None
    admin = None
    head = None
    maxDiff = 4000
    server_config = None  # extra configuration sections for this class's server

    @classmethod
    def setUpClass(cls):
        cls.server = KefuServer(cls.__name__, config=cls.server_config)
        try:
            cls.server.start()
            cls.admin = cls.server.login()
            cls.head = cls.admin.me()["unit"]
        except BaseException:
            sys.stderr.write(cls.server.logs() + "\n")
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        srv = cls.server
        try:
            was_running = srv.running
            rc = srv.stop()
            problems = []
            if was_running and rc != 0:
                problems.append("kefu serve exited with %r after SIGTERM (expected 0)" % rc)
            if srv.five_xx:
                problems.append("5xx responses seen:\n  " + "\n  ".join(srv.five_xx[:20]))
            if problems:
                sys.stderr.write(srv.logs() + "\n")
                raise AssertionError("; ".join(problems))
        finally:
            srv.cleanup()

    # -- assertions
    def assertStatus(self, resp, status, msg=None):
        ok = resp.status in status if isinstance(status, (set, tuple, list)) else resp.status == status
        if not ok:
            self.fail("%sexpected status %s, got %r" % (msg + ": " if msg else "", status, resp))

    def assertProblem(self, resp, status, code=None, msg=None):
        """An RFC 9457 problem response with the contract's members."""
        self.assertStatus(resp, status, msg)
        where = (msg + ": ") if msg else ""
        self.assertEqual(resp.content_type, "application/problem+json", "%sproblem content type: %r" % (where, resp))
        b = resp.body
        self.assertIsInstance(b, dict, "%sproblem body is not a JSON object: %r" % (where, resp))
        self.assertEqual(b.get("status"), resp.status, "%sproblem.status: %r" % (where, resp))
        for key in ("type", "title", "code", "detail", "request_id"):
            self.assertIn(key, b, "%sproblem lacks %r: %r" % (where, key, resp))
        self.assertTrue(resp.request_id, "%sno X-Request-Id header" % where)
        self.assertEqual(b.get("request_id"), resp.request_id, "%sproblem.request_id != X-Request-Id" % where)
        if code is not None:
            codes = code if isinstance(code, (set, tuple, list)) else (code,)
            self.assertIn(b.get("code"), codes, "%sproblem code: %r" % (where, resp))
        return b

    def assert4xxProblem(self, resp, msg=None):
        if not (400 <= resp.status < 500):
            self.fail("%sexpected a 4xx, got %r" % (msg + ": " if msg else "", resp))
        return self.assertProblem(resp, resp.status, msg=msg)

    # -- helpers
    _seq = 0

    @classmethod
    def uniq(cls, prefix="x"):
        ServerTestCase._seq += 1
        return "%s%d" % (prefix, ServerTestCase._seq)


def unit_path(uid):
    return "/api/v1/org/units/%s" % quote(str(uid), safe="")


def user_path(uid):
    return "/api/v1/users/%s" % quote(str(uid), safe="")
