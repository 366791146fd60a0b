"""System endpoints, request ids, security headers, 404/405, metrics."""

import re
import unittest

from harness import ServerTestCase


class SystemTest(ServerTestCase):

    def test_healthz(self):
        r = self.server.client().get("/healthz")
        self.assertStatus(r, 200)
        self.assertEqual(r.body.strip() if isinstance(r.body, str) else r.body, "ok")

    def test_readyz(self):
        r = self.server.client().get("/readyz")
        self.assertStatus(r, 200)

    def test_metrics(self):
        c = self.server.client()
        for _ in range(3):
            c.get("/healthz")
        self.admin.get("/api/v1/org/units")
        r = c.get("/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.content_type.startswith("text/plain"), r.headers)
        text = r.body
        self.assertIn("kefu_http_requests_total", text)
        self.assertIn("kefu_http_request_duration_seconds_bucket", text)
        self.assertRegex(text, r'kefu_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+')
        self.assertIn("kefu_http_request_duration_seconds_count", text)
        self.assertIn("kefu_http_request_duration_seconds_sum", text)
        self.assertRegex(text, r"# TYPE kefu_http_requests_total counter")
        self.assertRegex(text, r"# TYPE kefu_http_request_duration_seconds histogram")
        # every sample line parses as Prometheus text
        sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? '
                            r'[-+]?([0-9.]+([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf)( [0-9]+)?$')
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, sample)
        # the counter grows
        total = lambda t: sum(float(l.rsplit(" ", 1)[1]) for l in t.splitlines()
                              if l.startswith("kefu_http_requests_total"))
        n1 = total(text)
        for _ in range(5):
            c.get("/healthz")
        n2 = total(c.get("/metrics").body)
        self.assertGreaterEqual(n2, n1 + 5)
        # grouped by route pattern, not raw path (bounded label cardinality)
        for i in range(3):
            self.admin.get("/api/v1/org/units/%d" % (900000 + i))
        t = c.get("/metrics").body
        self.assertNotIn("900001", t)

    def test_request_id_on_every_response(self):
        c = self.server.client()
        rs = [c.get("/healthz"), c.get("/readyz"), c.get("/metrics"), c.get("/api/v1/me"), c.get("/nope"),
              c.post("/api/v1/session", {"username": "admin", "password": "wrong-password"}),
              c.request("DELETE", "/healthz"), self.admin.get("/api/v1/org/units"),
              self.admin.get("/api/v1/openapi.json")]
        ids = [r.request_id for r in rs]
        self.assertTrue(all(ids), list(zip(ids, rs)))
        self.assertEqual(len(set(ids)), len(ids), "request ids are unique")

    def test_security_headers_everywhere(self):
        c = self.server.client()
        rs = [c.get("/healthz"), c.get("/readyz"), c.get("/metrics"), c.get("/api/v1/me"), c.get("/nope"),
              c.request("PUT", "/api/v1/org/units"), self.admin.get("/api/v1/me"),
              self.admin.post("/api/v1/org/units", {}), self.admin.get("/api/v1/openapi.json")]
        for r in rs:
            self.assertEqual((r.header("X-Content-Type-Options") or "").lower(), "nosniff", r.headers)
        api = self.admin.get("/api/v1/me")
        self.assertIn("no-store", (api.header("Cache-Control") or "").lower(), "private API answers are not cached")

    def test_unknown_route(self):
        for path in ("/api/v1/nope", "/api/nope", "/missing-file.js", "/api/v2/org/units", "/api/v1/org/units/1/zzz", "/api/v1/../etc/passwd"):
            r = self.admin.get(path)
            self.assertProblem(r, 404, msg=path)
        r = self.server.client(lang="en").get("/api/v1/nope")
        b = self.assertProblem(r, 404, "route.not_found")
        self.assertNotRegex(b["detail"], r"[\u4e00-\u9fff]")

    def test_console_fallback(self):
        # Paths outside /api/ are the console's: index.html (never cached) when it is built.
        r = self.admin.get("/admin/users")
        if r.status == 404:
            self.skipTest("console not built (web/dist missing)")
        self.assertEqual(r.status, 200)
        self.assertIn("text/html", r.header("Content-Type") or "")
        self.assertIn("no-cache", r.header("Cache-Control") or "")
        for path in ("/../../etc/passwd", "/assets/nope-123.js"):
            self.assertEqual(self.admin.get(path).status, 404, path)

    def test_wrong_method(self):
        for method, path, allow in (("DELETE", "/api/v1/org/units", {"GET", "POST"}),
                                    ("PUT", "/api/v1/org/units", {"GET", "POST"}),
                                    ("POST", "/api/v1/org/units/1", {"GET", "PATCH"}),
                                    ("POST", "/healthz", {"GET"}),
                                    ("PATCH", "/api/v1/me", {"GET"})):
            r = self.admin.request(method, path, json={})
            with self.subTest("problem", method=method, path=path):
                self.assertProblem(r, 405, "route.method_not_allowed", msg="%s %s" % (method, path))
            with self.subTest("Allow header (RFC 9110)", method=method, path=path):
                got = {m.strip().upper() for m in (r.header("Allow") or "").split(",") if m.strip()}
                self.assertTrue(allow <= got, "%s %s: Allow %r, expected %s" % (method, path, r.header("Allow"),
                                                                                sorted(allow)))

    def test_keep_alive_and_pipelining(self):
        import http.client
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        for _ in range(20):
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        conn.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
