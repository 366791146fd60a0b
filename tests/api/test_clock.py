"""Expiry, with the server's adjustable test clock ([clock] adjustable = true, POST /api/v1/test/clock):
API tokens past expires_in_days, old sessions, and the 15-minute account lock."""

import unittest

from harness import PASSWORD, Client, ServerTestCase

MINUTE = 60 * 1000
DAY = 24 * 60 * MINUTE


class ClockTest(ServerTestCase):
    server_config = {"clock": {"adjustable": True}}

    def advance(self, ms):
        a = self.server.login()
        before = a.get("/api/v1/test/clock")
        self.assertStatus(before, 200)
        r = a.post("/api/v1/test/clock", {"advance_ms": ms})
        self.assertStatus(r, 200)
        self.assertGreaterEqual(r.body["now"], before.body["now"] + ms)
        return r.body["now"]

    def bearer(self, token):
        c = Client(self.server)
        c.token = token
        return c

    def test_clock_is_admin_only(self):
        self.admin.create_user("clkviewer", self.head["id"], ["viewer"])
        v = self.server.login("clkviewer", PASSWORD)
        self.assertProblem(v.post("/api/v1/test/clock", {"advance_ms": DAY}), 404)

    def test_token_expiry(self):
        a = self.server.login()
        short = a.create_token("one-day", ["read"], expires_in_days=1)
        forever = a.create_token("no-expiry", ["read"])
        self.assertStatus(self.bearer(short["token"]).get("/api/v1/me"), 200)
        self.advance(DAY - 10 * MINUTE)
        self.assertStatus(self.bearer(short["token"]).get("/api/v1/me"), 200, "before expiry")
        self.advance(20 * MINUTE)
        self.assertProblem(self.bearer(short["token"]).get("/api/v1/me"), 401, msg="expired token")
        self.assertStatus(self.bearer(forever["token"]).get("/api/v1/me"), 200, "token without expiry")

    def test_old_session_expires(self):
        c = self.server.login()
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.advance(30 * DAY)
        self.assertProblem(c.get("/api/v1/me"), 401, msg="a 30-day-old session")
        self.server.login()

    def test_lock_lasts_15_minutes(self):
        name = "clklock"
        self.server.login().create_user(name, self.head["id"], ["agent"])
        c = self.server.client()
        for i in range(5):
            c.login(name, "wrong-%d-password" % i, expect=None)
        self.assertProblem(c.login(name, PASSWORD, expect=None), 423, "auth.locked")
        self.advance(14 * MINUTE)
        self.assertProblem(c.login(name, PASSWORD, expect=None), 423, "auth.locked", msg="after 14 minutes")
        self.advance(2 * MINUTE)
        c.login(name, PASSWORD)


if __name__ == "__main__":
    unittest.main(verbosity=2)
