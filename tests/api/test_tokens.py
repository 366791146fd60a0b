"""API tokens: shown once, bearer auth, scopes, revocation, expiry."""

import json
import unittest

from harness import PASSWORD, Client, ServerTestCase, items_of, now_ms, unit_path

DAY_MS = 86400 * 1000


class TokenTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.admin.create_unit(cls.head["id"], "tk-b", "令牌分公司", "branch")

    def bearer(self, token):
        c = Client(self.server)
        c.token = token
        return c

    def unit_body(self, code):
        return {"parent_id": self.branch["id"], "code": code, "name": "令牌建", "kind": "store"}

    def test_create_shown_once(self):
        r = self.admin.post("/api/v1/tokens", {"name": "集成一", "scopes": ["read", "write"], "expires_in_days": 30})
        self.assertStatus(r, 201)
        token, info = r.body["token"], r.body["info"]
        self.assertTrue(token.startswith("kefu_"), token)
        self.assertGreaterEqual(len(token), 30)
        self.assertEqual(info["name"], "集成一")
        self.assertEqual(sorted(info["scopes"]), ["read", "write"])
        self.assertIsInstance(info["id"], int)
        self.assertNotIn(token, json.dumps(info))
        if info.get("expires_at") is not None:
            self.assertLessEqual(abs(info["expires_at"] - (now_ms() + 30 * DAY_MS)), 120_000)
        lst = self.admin.get("/api/v1/tokens")
        self.assertStatus(lst, 200)
        items = items_of(lst.body)
        self.assertIn(info["id"], [t["id"] for t in items])
        self.assertNotIn(token, json.dumps(lst.body), "the secret is never listed")
        self.assertNotIn(token[5:], json.dumps(lst.body))
        mine = [t for t in items if t["id"] == info["id"]][0]
        self.assertEqual(mine["name"], "集成一")
        g = self.bearer(token).get("/api/v1/tokens")
        self.assertNotIn(token, json.dumps(g.body))

    def test_bearer_read_and_write(self):
        t = self.admin.create_token("rw", ["read", "write"])["token"]
        c = self.bearer(t)
        me = c.get("/api/v1/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.body["user"]["username"], "admin")
        self.assertStatus(c.get("/api/v1/org/units"), 200)
        # writes without any CSRF header
        r = c.post("/api/v1/org/units", self.unit_body("tk-rw"))
        self.assertStatus(r, 201)
        self.assertStatus(c.patch(unit_path(r.body["id"]), {"name": "令牌改"}), 200)
        # the audit row names the token's owner
        rows = [x for x in self.admin.list_all("/api/v1/audit") if str(x.get("entity_id")) == str(r.body["id"])]
        self.assertTrue(rows)
        self.assertTrue(all("admin" in json.dumps(x["actor"]) for x in rows), rows)

    def test_read_scope_refused_on_writes(self):
        t = self.admin.create_token("ro", ["read"])["token"]
        c = self.bearer(t)
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.assertStatus(c.get("/api/v1/users"), 200)
        before = self.admin.list_all("/api/v1/org/units")
        audit = self.admin.audit_count()
        self.assertProblem(c.post("/api/v1/org/units", self.unit_body("tk-ro")), 403, "auth.scope")
        self.assertProblem(c.patch(unit_path(self.branch["id"]), {"name": "x"}), 403, "auth.scope")
        self.assertProblem(c.post("/api/v1/users", {"username": "rotok", "display_name": "x", "password": PASSWORD,
                                                    "unit_id": self.branch["id"], "roles": ["agent"]}),
                           403, "auth.scope")
        self.assertProblem(c.post("/api/v1/tokens", {"name": "escalate", "scopes": ["write"]}), 403, "auth.scope")
        self.assertProblem(c.put("/api/v1/me/password", {"current_password": "x", "new_password": "Y-12345678"}),
                           403, "auth.scope")
        self.assertEqual(self.admin.list_all("/api/v1/org/units"), before)
        self.assertEqual(self.admin.audit_count(), audit)

    def test_token_cannot_exceed_its_owner(self):
        self.admin.create_user("tkviewer", self.branch["id"], ["viewer"])
        v = self.server.login("tkviewer", PASSWORD)
        t = v.create_token("viewer-rw", ["read", "write"])["token"]
        c = self.bearer(t)
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.assertProblem(c.post("/api/v1/org/units", self.unit_body("tk-v")), 403, "auth.forbidden")
        # and tokens are per user: the viewer sees only their own
        self.assertNotIn("rw", [x["name"] for x in items_of(v.get("/api/v1/tokens").body)])

    def test_revoke(self):
        made = self.admin.create_token("revoke-me", ["read"])
        c = self.bearer(made["token"])
        self.assertStatus(c.get("/api/v1/me"), 200)
        self.assertStatus(self.admin.delete("/api/v1/tokens/%d" % made["info"]["id"]), 204)
        self.assertProblem(c.get("/api/v1/me"), 401)
        listed = [x for x in items_of(self.admin.get("/api/v1/tokens").body) if x["id"] == made["info"]["id"]]
        self.assertTrue(not listed or listed[0].get("revoked_at"), "a revoked token is gone or marked: %r" % listed)
        again = self.admin.delete("/api/v1/tokens/%d" % made["info"]["id"])  # idempotent or gone: both fine
        self.assertIn(again.status, (204, 404), again)
        self.assertProblem(c.get("/api/v1/me"), 401, msg="still revoked")

    def test_cannot_revoke_others_token(self):
        self.admin.create_user("tkother", self.branch["id"], ["manager"])
        o = self.server.login("tkother", PASSWORD)
        mine = self.admin.create_token("not-yours", ["read"])
        self.assertProblem(o.delete("/api/v1/tokens/%d" % mine["info"]["id"]), 404)
        self.assertStatus(self.bearer(mine["token"]).get("/api/v1/me"), 200)

    def test_bad_tokens(self):
        for tok in ("kefu_" + "A" * 40, "garbage", "", "kefu_", "kefu_" + "é" * 10):
            r = self.bearer(tok).get("/api/v1/me")
            self.assertProblem(r, 401, msg="token %r" % tok)
        r = self.admin.get("/api/v1/me", headers={"Authorization": "Basic YWRtaW46eA==", "Cookie": None})
        self.assertProblem(r, 401)

    def test_expired_token(self):
        # Expiry in days cannot be waited for; check what can be: the expiry is recorded, a past
        # expiry is not accepted, and a token of a deactivated user stops working.
        r = self.admin.post("/api/v1/tokens", {"name": "past", "scopes": ["read"], "expires_in_days": -1})
        self.assert4xxProblem(r)
        made = self.admin.create_token("one-day", ["read"], expires_in_days=1)
        exp = made["info"].get("expires_at")
        self.assertIsNotNone(exp, "info carries expires_at")
        self.assertLessEqual(abs(exp - (now_ms() + DAY_MS)), 120_000)
        u = self.admin.create_user("tkgone", self.branch["id"], ["viewer"])
        t = self.server.login("tkgone", PASSWORD).create_token("gone", ["read"])["token"]
        self.assertStatus(self.bearer(t).get("/api/v1/me"), 200)
        self.assertStatus(self.admin.patch("/api/v1/users/%d" % u["id"], {"active": False}), 200)
        self.assertProblem(self.bearer(t).get("/api/v1/me"), 401, msg="token of a deactivated user")


if __name__ == "__main__":
    unittest.main(verbosity=2)
