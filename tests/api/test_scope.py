"""Data scope and permissions, table-driven.

    head office ── region 1 ── branch A ── store SA
               └── region 2 ── branch B ── store SB

One user of every role is homed at branch A. Records of branch B (and the ancestors of A)
must be invisible to all of them: 404 with none of the record's fields. Inside A, what each
role may do follows the permission table of the contract; a forbidden action on a visible
record is 403 auth.forbidden.

Where a role lacks the permission altogether, a refusal of an out-of-scope record may be
403 as well as 404: refusing before looking the record up reveals nothing either.
"""

import json
import unittest

from harness import PASSWORD, PERMISSIONS, ROLES, ServerTestCase, unit_path, user_path

B_SECRETS = ["scope-b", "乙分公司", "scope-sb", "乙门店", "tbuser", "乙用户", "13900001111", "139****1111",
             "tb@example.com", "scope-r2", "华南区"]


class ScopeMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        h = cls.head["id"]
        cls.r1 = a.create_unit(h, "scope-r1", "华东区", "region")
        cls.r2 = a.create_unit(h, "scope-r2", "华南区", "region")
        cls.A = a.create_unit(cls.r1["id"], "scope-a", "甲分公司", "branch")
        cls.B = a.create_unit(cls.r2["id"], "scope-b", "乙分公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "scope-sa", "甲门店", "store")
        cls.SB = a.create_unit(cls.B["id"], "scope-sb", "乙门店", "store")
        cls.ta = a.create_user("tauser", cls.SA["id"], ["agent"], display_name="甲用户", phone="13800001111",
                               email="ta@example.com")
        cls.tb = a.create_user("tbuser", cls.SB["id"], ["agent"], display_name="乙用户", phone="13900001111",
                               email="tb@example.com")
        cls.clients = {}
        cls.movers = {}
        for role in ROLES:
            a.create_user("a" + role, cls.A["id"], [role])
            cls.clients[role] = cls.server.login("a" + role, PASSWORD)
            # a unit and a user of A per role, for attempts to move them out of scope
            cls.movers[role] = (a.create_unit(cls.A["id"], "mv-" + role, "搬 " + role, "store"),
                                a.create_user("mv" + role, cls.SA["id"], ["viewer"]))
        cls.b_state = cls.state_of_b()

    @classmethod
    def state_of_b(cls):
        a = cls.admin
        units = a.list_all("/api/v1/org/units")
        b_units = sorted([u for u in units if u["id"] in (cls.B["id"], cls.SB["id"], cls.r2["id"])
                          or u["parent_id"] in (cls.B["id"], cls.SB["id"], cls.r2["id"])], key=lambda u: u["id"])
        b_users = sorted([u for u in a.list_all("/api/v1/users") if u["unit_id"] in {x["id"] for x in b_units}],
                         key=lambda u: u["id"])
        return b_units, b_users

    # ------------------------------------------------------------------ expectations

    @staticmethod
    def out_of_scope(role, perm):
        return {404} if perm in PERMISSIONS[role] else {403, 404}

    @staticmethod
    def in_scope(role, perm, ok):
        return {ok} if perm in PERMISSIONS[role] else {403}

    def assertNoLeak(self, resp, label):
        text = json.dumps(resp.body, ensure_ascii=False) if not isinstance(resp.body, str) else resp.body
        for s in B_SECRETS:
            self.assertNotIn(s, text, "%s: response leaks %r: %r" % (label, s, resp))

    def check(self, role, label, resp, allowed):
        with self.subTest(role=role, case=label):
            if resp.status not in allowed:
                self.fail("%s as %s: expected %s, got %r" % (label, role, sorted(allowed), resp))
            if resp.status >= 400:
                self.assertProblem(resp, resp.status, msg="%s as %s" % (label, role))
                if resp.status == 403:
                    self.assertEqual(resp.body.get("code"), "auth.forbidden", "%s as %s: %r" % (label, role, resp))

    # ------------------------------------------------------------------ the matrix

    def run_role(self, role):
        c = self.clients[role]
        A, B, SA, SB, ta, tb = self.A, self.B, self.SA, self.SB, self.ta, self.tb
        perms = PERMISSIONS[role]

        me = c.me()
        with self.subTest(role=role, case="/me permissions"):
            self.assertEqual(set(me["permissions"]) & set().union(*PERMISSIONS.values()), perms)
            self.assertEqual(me["unit"]["id"], A["id"])

        # ---- out of scope: branch B, its store, region 2, and A's own ancestors
        out = [
            ("GET unit B", "GET", unit_path(B["id"]), None, "org.unit.read"),
            ("GET unit SB", "GET", unit_path(SB["id"]), None, "org.unit.read"),
            ("GET region 2", "GET", unit_path(self.r2["id"]), None, "org.unit.read"),
            ("GET own region (ancestor)", "GET", unit_path(self.r1["id"]), None, "org.unit.read"),
            ("GET head office (ancestor)", "GET", unit_path(self.head["id"]), None, "org.unit.read"),
            ("PATCH unit B", "PATCH", unit_path(B["id"]), {"name": "被改了"}, "org.unit.write"),
            ("PATCH unit SB active", "PATCH", unit_path(SB["id"]), {"active": False}, "org.unit.write"),
            ("PATCH own region", "PATCH", unit_path(self.r1["id"]), {"name": "被改了"}, "org.unit.write"),
            ("GET user tb", "GET", user_path(tb["id"]), None, "org.user.read"),
            ("PATCH user tb", "PATCH", user_path(tb["id"]), {"display_name": "被改了"}, "org.user.write"),
            ("PATCH user tb roles", "PATCH", user_path(tb["id"]), {"roles": ["viewer"]}, "org.user.write"),
            ("PATCH user tb inactive", "PATCH", user_path(tb["id"]), {"active": False}, "org.user.write"),
            ("reset password of tb", "POST", user_path(tb["id"]) + "/password", {"password": "Hijack-12345"},
             "org.user.write"),
        ]
        for label, method, path, body, perm in out:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            self.check(role, label, r, self.out_of_scope(role, perm))
            with self.subTest(role=role, case=label + " (no leak)"):
                self.assertNoLeak(r, label)

        # creating under B, or moving an A record into B
        mv_unit, mv_user = self.movers[role]
        writes = [
            ("POST unit under B", "POST", "/api/v1/org/units",
             {"parent_id": B["id"], "code": "evil-" + role, "name": "越权", "kind": "store"}, "org.unit.write"),
            ("POST user in SB", "POST", "/api/v1/users",
             {"username": "evil" + role, "display_name": "越权", "password": PASSWORD, "unit_id": SB["id"],
              "roles": ["agent"]}, "org.user.write"),
            ("move A unit under B", "PATCH", unit_path(mv_unit["id"]), {"parent_id": B["id"]}, "org.unit.write"),
            ("move A unit to head office", "PATCH", unit_path(mv_unit["id"]), {"parent_id": self.head["id"]},
             "org.unit.write"),
            ("move A user into SB", "PATCH", user_path(mv_user["id"]), {"unit_id": SB["id"]}, "org.user.write"),
        ]
        for label, method, path, body, perm in writes:
            r = c.request(method, path, json=body)
            allowed = {403, 404, 422} if perm in perms else {403}
            self.check(role, label, r, allowed)
            self.assertNoLeak(r, label)

        # lists never show B
        r = c.get("/api/v1/org/units", query={"limit": 200})
        self.check(role, "list units", r, {200})
        if r.status == 200:
            ids = {u["id"] for u in c.list_all("/api/v1/org/units")}
            with self.subTest(role=role, case="list units content"):
                self.assertTrue({A["id"], SA["id"]} <= ids, ids)
                self.assertFalse(ids & {B["id"], SB["id"], self.r1["id"], self.r2["id"], self.head["id"]}, ids)
                self.assertNoLeak(r, "list units")
        for q in ({"parent_id": B["id"]}, {"q": "乙"}, {"kind": "region"}, {"kind": "head_office"}):
            r = c.get("/api/v1/org/units", query=q)
            with self.subTest(role=role, case="list units %r" % q):
                if r.status == 200:
                    self.assertFalse({u["id"] for u in r.body["items"]} & {B["id"], SB["id"], self.r2["id"],
                                                                           self.r1["id"], self.head["id"]})
                else:
                    self.check(role, "list units %r" % q, r, {404})
                self.assertNoLeak(r, "list units %r" % q)

        r = c.get("/api/v1/users", query={"limit": 200})
        self.check(role, "list users", r, self.in_scope(role, "org.user.read", 200))
        if r.status == 200:
            users = c.list_all("/api/v1/users")
            a_units = {u["id"] for u in self.admin.list_all("/api/v1/org/units")
                       if u["id"] in (A["id"], SA["id"]) or u["parent_id"] in (A["id"], SA["id"])}
            with self.subTest(role=role, case="list users content"):
                self.assertTrue(all(u["unit_id"] in a_units for u in users),
                                [u["username"] for u in users if u["unit_id"] not in a_units])
                self.assertIn(ta["id"], {u["id"] for u in users})
                self.assertNoLeak(r, "list users")
            for q in ({"unit_id": SB["id"]}, {"q": "tbuser"}, {"role": "agent"}):
                r = c.get("/api/v1/users", query=q)
                with self.subTest(role=role, case="list users %r" % q):
                    if r.status == 200:
                        self.assertNotIn(tb["id"], {u["id"] for u in r.body["items"]})
                    else:
                        self.check(role, "list users %r" % q, r, {404})
                    self.assertNoLeak(r, "list users %r" % q)

        # ---- inside A: the permission table
        inside = [
            ("GET own unit", "GET", unit_path(A["id"]), None, "org.unit.read", 200),
            ("GET store SA", "GET", unit_path(SA["id"]), None, "org.unit.read", 200),
            ("PATCH store SA", "PATCH", unit_path(SA["id"]), {"name": "甲门店"}, "org.unit.write", 200),
            ("POST unit under A", "POST", "/api/v1/org/units",
             {"parent_id": A["id"], "code": "in-" + role, "name": "新门店", "kind": "store"}, "org.unit.write", 201),
            ("GET user ta", "GET", user_path(ta["id"]), None, "org.user.read", 200),
            ("PATCH user ta", "PATCH", user_path(ta["id"]), {"display_name": "甲用户"}, "org.user.write", 200),
            ("POST user in SA", "POST", "/api/v1/users",
             {"username": "in" + role, "display_name": "新人", "password": PASSWORD, "unit_id": SA["id"],
              "roles": ["agent"]}, "org.user.write", 201),
            ("reset password of ta", "POST", user_path(ta["id"]) + "/password", {"password": PASSWORD},
             "org.user.write", 204),
            ("GET audit", "GET", "/api/v1/audit", None, "org.unit.write", 200),  # admin only
        ]
        for label, method, path, body, perm, ok in inside:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            self.check(role, label, r, self.in_scope(role, perm, ok))
            if label == "GET user ta" and r.status == 200:
                with self.subTest(role=role, case="phone masking"):
                    expected = "13800001111" if "org.user.pii" in perms else "138****1111"
                    self.assertEqual(r.body["phone"], expected)

    def test_zz_b_unchanged(self):
        """Runs last (alphabetical order): nothing of B changed, nothing was created there."""
        self.assertEqual(self.state_of_b(), self.b_state)
        for role in ROLES:
            mv_unit, mv_user = self.movers[role]
            self.assertEqual(self.admin.get(unit_path(mv_unit["id"])).body["parent_id"], self.A["id"])
            self.assertEqual(self.admin.get(user_path(mv_user["id"])).body["unit_id"], self.SA["id"])
        names = {u["username"] for u in self.admin.list_all("/api/v1/users")}
        self.assertFalse({n for n in names if n.startswith("evil")})
        codes = {u["code"] for u in self.admin.list_all("/api/v1/org/units")}
        self.assertFalse({n for n in codes if n.startswith("evil")})
        self.assertEqual(self.admin.get(user_path(self.tb["id"])).body, self.tb)


def _make(role):
    def test(self):
        self.run_role(role)
    test.__name__ = "test_role_%s" % role
    test.__doc__ = "scope and permissions of a %s homed at branch A" % role
    return test


for _role in ROLES:
    setattr(ScopeMatrixTest, "test_role_%s" % _role, _make(_role))


if __name__ == "__main__":
    unittest.main(verbosity=2)
