"""Bad input: every case answers a 4xx problem+json and changes nothing. A 5xx is a bug."""

import socket
from urllib.parse import quote
import unittest

from harness import PASSWORD, ServerTestCase, unit_path, user_path

MiB = 1024 * 1024


def raw_http(server, data, read_timeout=10, chunk=65536):
    """Sends raw bytes on a fresh connection; returns (status or None, raw response bytes).

    Tolerates the server answering early and closing while we are still sending."""
    s = socket.create_connection((server.host, server.port), timeout=read_timeout)
    try:
        try:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
                if b"\r\n\r\n" in out:
                    head, _, rest = out.partition(b"\r\n\r\n")
                    cl = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                    if cl and len(rest) >= int(cl[0].split(b":")[1]):
                        break
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        s.close()
    if not out.startswith(b"HTTP/1.1 "):
        return None, out
    return int(out[9:12]), out


class BadInputTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.region = a.create_unit(cls.head["id"], "bi-r", "大区", "region")
        cls.branch = a.create_unit(cls.region["id"], "bi-b", "分公司", "branch")
        cls.store = a.create_unit(cls.branch["id"], "bi-s", "门店", "store")
        cls.user = a.create_user("biuser", cls.store["id"], ["agent"])

    def snapshot(self):
        a = self.admin
        return (a.list_all("/api/v1/org/units"), a.list_all("/api/v1/users"), a.audit_count())

    def check_cases(self, cases):
        """cases: (label, method, path, kwargs, allowed statuses or None for any 4xx, code or None)."""
        before = self.snapshot()
        for label, method, path, kw, statuses, code in cases:
            with self.subTest(label):
                r = self.admin.request(method, path, **kw)
                if statuses is None:
                    self.assert4xxProblem(r, label)
                else:
                    self.assertProblem(r, statuses, code, msg=label)
        self.assertEqual(self.snapshot(), before, "bad input changed something")

    def unit_body(self, **over):
        b = {"parent_id": self.branch["id"], "code": "ok-code", "name": "名字", "kind": "store"}
        b.update(over)
        return b

    def user_body(self, **over):
        b = {"username": "newbie", "display_name": "新人", "password": PASSWORD, "unit_id": self.store["id"],
             "roles": ["agent"]}
        b.update(over)
        return b

    def test_malformed_json(self):
        U = "/api/v1/org/units"
        bodies = [b'{"code": "x",', b'{code: "x"}', b"{'code': 'x'}", b'{"code": "x"} trailing', b"",
                  b'{"code": "x", }', b"\x00\x01", b'{"a":' * 2000, b"[" * 100000, b'{"code": "\\ud800"}',
                  b'{"name": "tab\there"}']
        cases = [("malformed %r" % b[:20], "POST", U, {"raw_body": b}, (400, 422), None) for b in bodies]
        cases.append(("malformed on PATCH", "PATCH", unit_path(self.store["id"]), {"raw_body": b'{"name": '}, 400,
                      "request.malformed_json"))
        cases.append(("malformed on users", "POST", "/api/v1/users", {"raw_body": b'{"username"'}, 400,
                      "request.malformed_json"))
        cases.append(("malformed on login", "POST", "/api/v1/session", {"raw_body": b'{"username"'}, 400,
                      "request.malformed_json"))
        cases.append(("plain malformed", "POST", U, {"raw_body": b'{"code": "x",'}, 400, "request.malformed_json"))
        self.check_cases(cases)

    def test_not_an_object(self):
        U = "/api/v1/org/units"
        self.check_cases([("body %s" % b, "POST", U, {"raw_body": b}, (400, 422), None)
                          for b in (b"[]", b'"str"', b"null", b"42", b"true", b'[{"code":"x"}]')])

    def test_wrong_types(self):
        U = "/api/v1/org/units"
        cases = []
        for field, val in [("parent_id", "abc"), ("parent_id", 1.5), ("parent_id", True), ("parent_id", [1]),
                           ("parent_id", 1e300), ("parent_id", 2 ** 64), ("parent_id", -1),
                           ("code", 123), ("code", None), ("code", ["a"]), ("name", {"zh": "x"}), ("name", 5),
                           ("kind", 5), ("kind", "planet"), ("kind", "STORE"), ("kind", "head_office"),
                           ("code", ""), ("name", ""), ("name", "x" * 10000), ("code", "has space"),
                           ("code", "斜/杠")]:
            cases.append(("unit %s=%r" % (field, val if not isinstance(val, str) else val[:20]), "POST", U,
                          {"json": self.unit_body(**{field: val})}, (400, 404, 422), None))
        cases.append(("store under store", "POST", U, {"json": self.unit_body(parent_id=self.store["id"])}, 422, None))
        for field, val in [("username", 5), ("username", ""), ("username", "has space"), ("password", 12345678),
                           ("password", "short1"), ("password", "allletters-no-digits"), ("unit_id", "1"),
                           ("unit_id", None), ("roles", "agent"), ("roles", ["superuser"]), ("roles", [1]),
                           ("roles", None), ("display_name", None), ("display_name", ""),
                           ("phone", "not-a-phone"), ("phone", 13812345678), ("email", "no-at-sign"), ("email", 5)]:
            cases.append(("user %s=%r" % (field, val), "POST", "/api/v1/users", {"json": self.user_body(**{field: val})},
                          (400, 404, 422), None))
        P = unit_path(self.store["id"])
        for body in [{"active": "yes"}, {"active": 1}, {"name": None}, {"name": ""}, {"parent_id": "x"},
                     {"code": 7}, {"parent_id": self.store["id"]}]:
            cases.append(("patch unit %r" % body, "PATCH", P, {"json": body}, (400, 404, 409, 422), None))
        PU = user_path(self.user["id"])
        for body in [{"active": "no"}, {"roles": "admin"}, {"roles": ["root"]}, {"unit_id": "x"},
                     {"display_name": 1}, {"email": "x"}, {"phone": "12"}]:
            cases.append(("patch user %r" % body, "PATCH", PU, {"json": body}, (400, 404, 422), None))
        for body in [{"name": "t", "scopes": ["admin"]}, {"name": "t", "scopes": "read"}, {"name": "", "scopes": ["read"]},
                     {"name": "t", "scopes": []}, {"name": "t", "scopes": ["read"], "expires_in_days": -1},
                     {"name": "t", "scopes": ["read"], "expires_in_days": "x"}]:
            cases.append(("token %r" % body, "POST", "/api/v1/tokens", {"json": body}, (400, 422), None))
        self.check_cases(cases)
        tokens = self.admin.get("/api/v1/tokens")
        self.assertStatus(tokens, 200)
        self.assertEqual(tokens.body["items"] if isinstance(tokens.body, dict) else tokens.body, [],
                         "no token was created by bad input")

    def test_validation_lists_each_bad_field(self):
        before = self.snapshot()
        r = self.admin.post("/api/v1/org/units", {})
        b = self.assertProblem(r, 422, "validation.failed")
        fields = {e.get("field") for e in b.get("errors", [])}
        self.assertTrue({"parent_id", "code", "name", "kind"} <= fields, b)
        for e in b["errors"]:
            self.assertTrue(e.get("code") and e.get("message"), e)
        r = self.admin.post("/api/v1/users", {"username": "x y", "password": "1", "roles": ["nope"]})
        b = self.assertProblem(r, 422, "validation.failed")
        fields = {e.get("field") for e in b.get("errors", [])}
        self.assertTrue({"username", "password", "display_name", "unit_id"} <= fields, b)
        self.assertTrue(any(f and f.startswith("roles") for f in fields), b)
        self.assertEqual(self.snapshot(), before)

    def test_missing_fields(self):
        U = "/api/v1/org/units"
        cases = []
        full = self.unit_body()
        for k in full:
            body = {kk: vv for kk, vv in full.items() if kk != k}
            cases.append(("unit without %s" % k, "POST", U, {"json": body}, 422, "validation.failed"))
        fullu = self.user_body()
        for k in fullu:
            body = {kk: vv for kk, vv in fullu.items() if kk != k}
            cases.append(("user without %s" % k, "POST", "/api/v1/users", {"json": body}, 422, "validation.failed"))
        cases.append(("login without password", "POST", "/api/v1/session", {"json": {"username": "admin"}},
                      (400, 422), None))
        cases.append(("token without name", "POST", "/api/v1/tokens", {"json": {"scopes": ["read"]}}, 422, None))
        cases.append(("password reset without password", "POST", user_path(self.user["id"]) + "/password",
                      {"json": {}}, 422, None))
        cases.append(("me/password without current", "PUT", "/api/v1/me/password",
                      {"json": {"new_password": "N3w-Passw0rd-q"}}, 422, None))
        self.check_cases(cases)

    def test_unknown_fields(self):
        cases = [
            ("unit unknown field", "POST", "/api/v1/org/units", {"json": self.unit_body(colour="red")}, (400, 422), None),
            ("unit id in body", "POST", "/api/v1/org/units", {"json": self.unit_body(id=999)}, (400, 422), None),
            ("unit depth in body", "POST", "/api/v1/org/units", {"json": self.unit_body(depth=1)}, (400, 422), None),
            ("user unknown field", "POST", "/api/v1/users", {"json": self.user_body(is_admin=True)}, (400, 422), None),
            ("user password_hash", "POST", "/api/v1/users", {"json": self.user_body(password_hash="x")}, (400, 422), None),
            ("patch unit unknown", "PATCH", unit_path(self.store["id"]), {"json": {"kind": "branch"}}, (400, 422), None),
            ("patch unit created_at", "PATCH", unit_path(self.store["id"]), {"json": {"created_at": 1}}, (400, 422), None),
            ("patch user username", "PATCH", user_path(self.user["id"]), {"json": {"username": "renamed"}}, (400, 422), None),
            ("patch user password", "PATCH", user_path(self.user["id"]), {"json": {"password": "Xx-12345678"}},
             (400, 422), None),
            ("token unknown", "POST", "/api/v1/tokens", {"json": {"name": "t", "scopes": ["read"], "owner": 1}},
             (400, 422), None),
        ]
        self.check_cases(cases)
        r = self.admin.post("/api/v1/org/units", self.unit_body(colour="red"))
        b = self.assertProblem(r, 422)
        self.assertIn("colour", {e.get("field") for e in b.get("errors", [])}, b)

    def test_invalid_utf8(self):
        cases = []
        for bad in (b"\xff\xfe", b"\xc3\x28", b"\xe4\xb8", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"):
            body = b'{"parent_id": %d, "code": "u8code", "name": "ab' % self.branch["id"] + bad + b'", "kind": "store"}'
            cases.append(("unit name %r" % bad, "POST", "/api/v1/org/units", {"raw_body": body}, (400, 422), None))
        body = b'{"username": "u8\xffuser", "display_name": "x", "password": "' + PASSWORD.encode() + \
            b'", "unit_id": %d, "roles": ["agent"]}' % self.store["id"]
        cases.append(("username", "POST", "/api/v1/users", {"raw_body": body}, (400, 422), None))
        cases.append(("patch name", "PATCH", unit_path(self.store["id"]), {"raw_body": b'{"name": "\xff"}'},
                      (400, 422), None))
        cases.append(("login", "POST", "/api/v1/session", {"raw_body": b'{"username": "\xff", "password": "x"}'},
                      (400, 401, 422), None))
        cases.append(("key", "POST", "/api/v1/org/units", {"raw_body": b'{"\xff": 1}'}, (400, 422), None))
        self.check_cases(cases)

    def test_oversized_body(self):
        before = self.snapshot()
        big_name = "x" * (MiB + 100)
        body = ('{"parent_id": %d, "code": "big", "name": "%s", "kind": "store"}' % (self.branch["id"], big_name)).encode()
        # on a raw socket: the server may answer 413 and close while the body is still being sent
        cookie = "; ".join("%s=%s" % kv for kv in self.admin.cookies.items())
        req = ("POST /api/v1/org/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Accept-Language: en\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
               % (cookie, self.admin.csrf, len(body))).encode() + body
        status, raw = raw_http(self.server, req)
        self.assertEqual(status, 413, raw[:300])
        self.assertIn(b"application/problem+json", raw.split(b"\r\n\r\n")[0])
        self.assertIn(b'"request.body_too_large"', raw)
        # claiming 2 MiB and sending them
        head = ("POST /api/v1/org/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Cookie: %s\r\nX-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n"
                % (cookie, self.admin.csrf, 2 * MiB))
        status, raw = raw_http(self.server, head.encode() + b"{" + b" " * (2 * MiB - 2) + b"}")
        self.assertEqual(status, 413, raw[:300])
        # claiming it without sending: refused from the header alone
        status, raw = raw_http(self.server, head.encode(), read_timeout=10)
        self.assertEqual(status, 413, raw[:300])
        # chunked without a length
        chunked = ("POST /api/v1/org/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Cookie: %s\r\nX-CSRF-Token: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
                   % ("; ".join("%s=%s" % kv for kv in self.admin.cookies.items()), self.admin.csrf)).encode()
        piece = b" " * 65536
        data = chunked + b"".join(b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(20)) + b"0\r\n\r\n"
        status, raw = raw_http(self.server, data)
        self.assertEqual(status, 413, raw[:300])
        # just under the limit is not "too large" (it is bad input of another kind)
        ok = ('{"parent_id": %d, "code": "big", "name": "%s", "kind": "store"}' %
              (self.branch["id"], "x" * (MiB - 200))).encode()
        self.assertLessEqual(len(ok), MiB)
        r = self.admin.post("/api/v1/org/units", raw_body=ok)
        self.assertProblem(r, 422, msg="1 MiB - 200 bytes with a too-long name")
        self.assertEqual(self.snapshot(), before)
        self.assertStatus(self.admin.get("/healthz"), 200)

    def test_oversized_headers(self):
        status, raw = raw_http(self.server, b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n")
        self.assertIn(status, (400, 413, 431), raw[:300])
        self.assertStatus(self.admin.get("/healthz"), 200)

    def test_garbage_protocol(self):
        for data in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                     b"GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                     b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"):
            status, raw = raw_http(self.server, data, read_timeout=5)
            if status is not None:
                self.assertTrue(400 <= status < 500, "%r -> %r" % (data[:30], raw[:200]))
        self.assertStatus(self.admin.get("/healthz"), 200)

    def test_unknown_ids(self):
        cases = []
        for uid in (987654321, 2 ** 62):
            cases += [
                ("GET unit %d" % uid, "GET", unit_path(uid), {}, 404, "not_found"),
                ("PATCH unit %d" % uid, "PATCH", unit_path(uid), {"json": {"name": "x"}}, 404, "not_found"),
                ("GET user %d" % uid, "GET", user_path(uid), {}, 404, "not_found"),
                ("PATCH user %d" % uid, "PATCH", user_path(uid), {"json": {"display_name": "x"}}, 404, "not_found"),
                ("reset pw %d" % uid, "POST", user_path(uid) + "/password", {"json": {"password": "Xx-12345678"}},
                 404, "not_found"),
                ("DELETE token %d" % uid, "DELETE", "/api/v1/tokens/%d" % uid, {}, 404, "not_found"),
            ]
        cases.append(("unit under unknown parent", "POST", "/api/v1/org/units", {"json": self.unit_body(parent_id=987654321)},
                      (404, 422), None))
        cases.append(("user in unknown unit", "POST", "/api/v1/users", {"json": self.user_body(unit_id=987654321)},
                      (404, 422), None))
        self.check_cases(cases)

    def test_non_numeric_ids(self):
        cases = []
        for bad in ("abc", "1.5", "-1", "0", "1e3", "99999999999999999999999", "%00", "1%20", " 1", "0x10", "１"):
            for method, path, kw in (("GET", unit_path, {}), ("PATCH", unit_path, {"json": {"name": "x"}}),
                                     ("GET", user_path, {}), ("PATCH", user_path, {"json": {"display_name": "x"}}),
                                     ("DELETE", lambda i: "/api/v1/tokens/" + quote(i, safe=""), {})):
                p = path(bad) if bad not in ("%00", "1%20") else path("").rstrip("/") + "/" + bad
                cases.append(("%s %s" % (method, p), method, p, kw, (400, 404), None))
        self.check_cases(cases)

    def test_bad_query_parameters(self):
        cases = []
        for q in ("limit=0", "limit=201", "limit=-1", "limit=abc", "limit=1.5", "after=garbage", "after=%FF%FE",
                  "active=maybe", "parent_id=abc", "kind=planet"):
            cases.append(("units ?%s" % q, "GET", "/api/v1/org/units?" + q, {}, (400, 422), None))
        for q in ("limit=0", "limit=100000", "after=!!!", "unit_id=x", "role=root", "active=2"):
            cases.append(("users ?%s" % q, "GET", "/api/v1/users?" + q, {}, (400, 422), None))
        self.check_cases(cases)

    def test_wrong_content_type(self):
        body = ('{"parent_id": %d, "code": "ctype", "name": "n", "kind": "store"}' % self.branch["id"]).encode()
        cases = []
        for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                   "application/xml", "application/jsonx", None):
            cases.append(("Content-Type %r" % ct, "POST", "/api/v1/org/units",
                          {"raw_body": body, "headers": {"Content-Type": ct}}, 415, "request.unsupported_media_type"))
        cases.append(("form login", "POST", "/api/v1/session",
                      {"raw_body": b"username=admin&password=x",
                       "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, None))
        cases.append(("text PATCH", "PATCH", unit_path(self.store["id"]),
                      {"raw_body": b'{"name":"x"}', "headers": {"Content-Type": "text/plain"}}, 415, None))
        self.check_cases(cases)
        # charset parameter is fine
        r = self.admin.post("/api/v1/org/units", raw_body=body,
                            headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertStatus(r, 201)


if __name__ == "__main__":
    unittest.main(verbosity=2)
