"""Sign-in, sign-out, /me, cookies, CSRF, lockout and throttling."""

import re
import unittest

from harness import (ADMIN_PASSWORD, ADMIN_USER, PASSWORD, PERMISSIONS, UNIT_FIELDS, USER_FIELDS,
                     ServerTestCase)

HAN = re.compile(r"[\u4e00-\u9fff]")


class SessionTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer_name = "viewer1"
        cls.viewer = cls.admin.create_user(cls.viewer_name, cls.head["id"], ["viewer"])
        cls.wrongpw_name = "wrongpw1"
        cls.admin.create_user(cls.wrongpw_name, cls.head["id"], ["agent"])

    def test_login_ok(self):
        c = self.server.client()
        r = c.login(ADMIN_USER, ADMIN_PASSWORD)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.content_type, "application/json")
        self.assertIsInstance(r.body.get("csrf_token"), str)
        self.assertGreaterEqual(len(r.body["csrf_token"]), 16)
        user = r.body["user"]
        self.assertTrue(USER_FIELDS <= set(user), "user fields: %r" % user)
        self.assertEqual(user["username"], ADMIN_USER)
        self.assertIn("admin", user["roles"])
        for secret in ("password", "password_hash", "hash"):
            self.assertNotIn(secret, user)
        self.assertNotIn("argon2", str(r.body))

    def test_cookie_flags(self):
        c = self.server.client()
        r = c.login(ADMIN_USER, ADMIN_PASSWORD)
        cookies = [h for h in r.headers.get_all("Set-Cookie") if h.startswith("kefu_session=")]
        self.assertEqual(len(cookies), 1, r.headers)
        parts = [p.strip().lower() for p in cookies[0].split(";")]
        value = cookies[0].split(";")[0].split("=", 1)[1]
        self.assertGreaterEqual(len(value), 20, "session id looks too short")
        self.assertIn("httponly", parts)
        self.assertIn("samesite=strict", parts)
        self.assertIn("path=/", parts)
        self.assertNotIn(value, str(r.body), "session id must not be in the body")

    def test_wrong_password_zh_by_default(self):
        c = self.server.client()
        r = c.login(self.wrongpw_name, "not-the-password", expect=None)
        b = self.assertProblem(r, 401, "auth.invalid_credentials")
        self.assertRegex(b["detail"], HAN, "default language is zh-CN")
        self.assertFalse(c.cookies, "no session cookie after a failed login")

    def test_wrong_password_en(self):
        c = self.server.client(lang="en")
        r = c.login(self.wrongpw_name, "not-the-password", expect=None)
        b = self.assertProblem(r, 401, "auth.invalid_credentials")
        self.assertNotRegex(b["detail"], HAN, "Accept-Language: en gives English")
        self.assertRegex(b["detail"], r"[A-Za-z]{3,}")
        # an explicit zh preference over en
        c2 = self.server.client(lang="zh-CN,zh;q=0.9,en;q=0.8")
        r2 = c2.login(self.wrongpw_name, "not-the-password", expect=None)
        self.assertRegex(self.assertProblem(r2, 401, "auth.invalid_credentials")["detail"], HAN)
        # the correct password still works afterwards (3 failures < 5)
        self.server.client().login(self.wrongpw_name, PASSWORD)

    def test_unknown_user_same_answer_as_wrong_password(self):
        r = self.server.client().login("nobody-here", "whatever-pass", expect=None)
        self.assertProblem(r, 401, "auth.invalid_credentials")

    def test_me(self):
        c = self.server.login(self.viewer_name, PASSWORD)
        r = c.get("/api/v1/me")
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual(b["user"]["username"], self.viewer_name)
        self.assertEqual(b["csrf_token"], c.csrf)
        self.assertEqual(set(b["permissions"]), PERMISSIONS["viewer"])
        self.assertTrue(UNIT_FIELDS <= set(b["unit"]), b["unit"])
        self.assertEqual(b["unit"]["id"], self.head["id"])
        a = self.admin.me()
        self.assertEqual(set(a["permissions"]) & PERMISSIONS["admin"], PERMISSIONS["admin"])
        self.assertEqual(a["unit"]["kind"], "head_office")
        self.assertEqual(a["unit"]["name"], "测试总部")

    def test_unauthenticated(self):
        c = self.server.client()
        for method, path, body in [("GET", "/api/v1/me", None), ("GET", "/api/v1/org/units", None),
                                   ("GET", "/api/v1/users", None), ("GET", "/api/v1/tokens", None),
                                   ("GET", "/api/v1/audit", None),
                                   ("POST", "/api/v1/org/units",
                                    {"parent_id": self.head["id"], "code": "nope", "name": "n", "kind": "store"}),
                                   ("GET", "/api/v1/org/units/%d" % self.head["id"], None)]:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            self.assertProblem(r, 401, "auth.required", msg="%s %s" % (method, path))
        # a made-up session cookie is not a session
        c.cookies["kefu_session"] = "A" * 43
        self.assertProblem(c.get("/api/v1/me"), 401, msg="forged cookie")

    def test_logout(self):
        c = self.server.login(self.viewer_name, PASSWORD)
        old_cookie = dict(c.cookies)
        self.assertStatus(c.get("/api/v1/me"), 200)
        r = c.logout()
        self.assertStatus(r, 204)
        self.assertProblem(c.get("/api/v1/me"), 401, "auth.required")
        # replaying the old cookie: the session is gone on the server, not only in the browser
        c.cookies = old_cookie
        self.assertProblem(c.get("/api/v1/me"), 401, msg="session cookie after logout")

    def test_csrf_required_and_nothing_changed(self):
        c = self.server.login(ADMIN_USER, ADMIN_PASSWORD)
        other = self.server.login(ADMIN_USER, ADMIN_PASSWORD)  # sign-ins are audited: before the snapshot
        before = c.list_all("/api/v1/org/units")
        audit_before = c.audit_count()
        body = {"parent_id": self.head["id"], "code": "csrf-x", "name": "csrf", "kind": "branch"}
        c.send_csrf = False
        self.assertProblem(c.post("/api/v1/org/units", body), 403, "auth.csrf", msg="no X-CSRF-Token")
        self.assertProblem(c.post("/api/v1/org/units", body, headers={"X-CSRF-Token": "wrong-token"}),
                           403, "auth.csrf", msg="wrong X-CSRF-Token")
        self.assertProblem(c.post("/api/v1/org/units", body, headers={"X-CSRF-Token": ""}),
                           403, "auth.csrf", msg="empty X-CSRF-Token")
        self.assertProblem(c.patch("/api/v1/org/units/%d" % self.head["id"], {"name": "hijacked"}),
                           403, "auth.csrf", msg="PATCH without token")
        self.assertProblem(c.post("/api/v1/tokens", {"name": "t", "scopes": ["read"]}), 403, "auth.csrf")
        self.assertProblem(c.delete("/api/v1/session"), 403, "auth.csrf", msg="logout without token")
        # another session's token is not this session's token
        self.assertProblem(c.post("/api/v1/org/units", body, headers={"X-CSRF-Token": other.csrf}),
                           403, "auth.csrf", msg="another session's CSRF token")
        c.send_csrf = True
        self.assertEqual(c.list_all("/api/v1/org/units"), before)
        self.assertEqual(c.audit_count(), audit_before)
        self.assertStatus(c.get("/api/v1/me"), 200, "session still valid after refused writes")
        self.assertEqual(self.admin.me()["unit"]["name"], "测试总部")
        # with the token it works
        self.assertStatus(c.post("/api/v1/org/units", body), 201)

    def test_change_password(self):
        name = "pwchange1"
        self.admin.create_user(name, self.head["id"], ["agent"])
        c = self.server.login(name, PASSWORD)
        r = c.put("/api/v1/me/password", {"current_password": "wrong-current-1", "new_password": "N3w-Passw0rd-y"})
        self.assert4xxProblem(r, "wrong current password")
        self.server.client().login(name, PASSWORD)  # unchanged
        r = c.put("/api/v1/me/password", {"current_password": PASSWORD, "new_password": "N3w-Passw0rd-y"})
        self.assertStatus(r, 204)
        self.assertProblem(self.server.client().login(name, PASSWORD, expect=None), 401, "auth.invalid_credentials")
        self.server.client().login(name, "N3w-Passw0rd-y")

    def test_deactivated_user_cannot_sign_in(self):
        name = "gone1"
        u = self.admin.create_user(name, self.head["id"], ["agent"])
        c = self.server.login(name, PASSWORD)
        self.assertStatus(self.admin.patch("/api/v1/users/%d" % u["id"], {"active": False}), 200)
        self.assertProblem(self.server.client().login(name, PASSWORD, expect=None), 401, msg="login when inactive")
        self.assertProblem(c.get("/api/v1/me"), 401, msg="existing session of a deactivated user")


class LockoutTest(ServerTestCase):
    """Five consecutive failures lock the account for 15 minutes (423), even for the right password."""

    def test_lockout_after_five_failures(self):
        name = "locked1"
        self.admin.create_user(name, self.head["id"], ["agent"])
        c = self.server.client()
        for i in range(4):
            r = c.login(name, "bad-password-%d" % i, expect=None)
            self.assertProblem(r, 401, "auth.invalid_credentials", msg="failure %d" % (i + 1))
        # the fifth failure locks the account: it may already answer 423
        r = c.login(name, "bad-password-4", expect=None)
        self.assertProblem(r, (401, 423), ("auth.invalid_credentials", "auth.locked"), msg="failure 5")
        r = c.login(name, PASSWORD, expect=None)
        self.assertProblem(r, 423, "auth.locked", msg="right password while locked")
        r = self.server.client(lang="en").login(name, "bad-password-x", expect=None)
        self.assertProblem(r, 423, "auth.locked", msg="wrong password while locked")
        # other accounts are unaffected
        self.server.login(ADMIN_USER, ADMIN_PASSWORD)

    def test_success_resets_the_counter(self):
        name = "reset1"
        self.admin.create_user(name, self.head["id"], ["agent"])
        c = self.server.client()
        for i in range(4):
            c.login(name, "bad-%d-password" % i, expect=401)
        c.login(name, PASSWORD)
        for i in range(4):
            c.login(name, "bad-%d-password" % i, expect=401)
        self.server.client().login(name, PASSWORD)


class ThrottleTest(ServerTestCase):
    """Too many failures from one address -> 429 auth.throttled."""

    def test_throttle_per_address(self):
        c = self.server.client()
        seen = None
        for i in range(60):
            # different (unknown) user names, so no single account gets locked
            r = c.login("ghost%d" % i, "wrong-password", expect=None)
            if r.status == 429:
                seen = r
                break
            self.assertProblem(r, 401, "auth.invalid_credentials", msg="attempt %d" % (i + 1))
        self.assertIsNotNone(seen, "no 429 after 60 failed sign-ins from one address")
        self.assertProblem(seen, 429, "auth.throttled")


if __name__ == "__main__":
    unittest.main(verbosity=2)
