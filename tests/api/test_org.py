"""Org units and users: create, list, get, patch, paging, filters, moves, deactivation."""

import time
import unittest

from harness import (PASSWORD, UNIT_FIELDS, USER_FIELDS, ServerTestCase, now_ms, unit_path, user_path)


class UnitTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        h = cls.head["id"]
        cls.r1 = a.create_unit(h, "r1", "华东大区", "region")
        cls.r2 = a.create_unit(h, "r2", "华南大区", "region")
        cls.b1 = a.create_unit(cls.r1["id"], "b1", "上海分公司", "branch")

    def test_head_office(self):
        h = self.head
        self.assertTrue(UNIT_FIELDS <= set(h), h)
        self.assertIsNone(h["parent_id"])
        self.assertIsInstance(h["depth"], int)  # the contract does not fix the root's depth; children add 1
        self.assertEqual(h["kind"], "head_office")
        self.assertIs(h["active"], True)

    def test_create_and_get(self):
        t0 = now_ms()
        r = self.admin.post("/api/v1/org/units",
                            {"parent_id": self.b1["id"], "code": "s-create", "name": "徐汇门店", "kind": "store"})
        self.assertStatus(r, 201)
        u = r.body
        self.assertTrue(UNIT_FIELDS <= set(u), u)
        self.assertIsInstance(u["id"], int)
        self.assertEqual((u["parent_id"], u["code"], u["name"], u["kind"], u["active"]),
                         (self.b1["id"], "s-create", "徐汇门店", "store", True))
        self.assertEqual(u["depth"], self.b1["depth"] + 1)
        self.assertIsInstance(u["created_at"], int)
        self.assertLessEqual(abs(u["created_at"] - t0), 60_000, "created_at is epoch milliseconds (UTC)")
        self.assertEqual(u["created_at"], u["updated_at"])
        g = self.admin.get(unit_path(u["id"]))
        self.assertStatus(g, 200)
        self.assertEqual(g.body, u)

    def test_patch(self):
        u = self.admin.create_unit(self.b1["id"], "s-patch", "旧名", "store")
        time.sleep(0.01)
        r = self.admin.patch(unit_path(u["id"]), {"name": "新名字"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["name"], "新名字")
        self.assertEqual(r.body["code"], "s-patch")
        self.assertGreater(r.body["updated_at"], u["updated_at"])
        self.assertEqual(r.body["created_at"], u["created_at"])
        self.assertEqual(self.admin.get(unit_path(u["id"])).body["name"], "新名字")
        r = self.admin.patch(unit_path(u["id"]), {"code": "s-patch2"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["code"], "s-patch2")

    def test_duplicate_code_conflict(self):
        self.admin.create_unit(self.b1["id"], "dup-code", "一号", "store")
        before = self.admin.list_all("/api/v1/org/units")
        r = self.admin.post("/api/v1/org/units",
                            {"parent_id": self.r2["id"], "code": "dup-code", "name": "二号", "kind": "store"})
        self.assertProblem(r, 409)
        other = self.admin.create_unit(self.b1["id"], "dup-code-b", "三号", "store")
        before = self.admin.list_all("/api/v1/org/units")
        r = self.admin.patch(unit_path(other["id"]), {"code": "dup-code"})
        self.assertProblem(r, 409, msg="renaming onto an existing code")
        self.assertEqual(self.admin.list_all("/api/v1/org/units"), before)

    def test_keyset_paging(self):
        parent = self.admin.create_unit(self.r2["id"], "pg-parent", "分页", "branch")
        created = {self.admin.create_unit(parent["id"], "pg-%02d" % i, "分页 %d" % i, "store")["id"] for i in range(23)}
        seen, pages, after = [], 0, None
        while True:
            q = {"parent_id": parent["id"], "limit": 5}
            if after:
                q["after"] = after
            r = self.admin.get("/api/v1/org/units", query=q)
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.body["items"]), 5)
            self.assertIn("next", r.body)
            seen.extend(i["id"] for i in r.body["items"])
            pages += 1
            after = r.body["next"]
            if after is None:
                break
            self.assertIsInstance(after, str)
            self.assertLess(pages, 20, "paging does not end")
        self.assertGreaterEqual(pages, 5)
        self.assertEqual(len(seen), len(set(seen)), "duplicates across pages")
        self.assertEqual(set(seen), created, "gaps or extras across pages")
        # a page written while paging does not break the walk (keyset, not offset)
        r = self.admin.get("/api/v1/org/units", query={"parent_id": parent["id"], "limit": 10})
        first_ids = [i["id"] for i in r.body["items"]]
        self.admin.create_unit(parent["id"], "pg-late", "后来的", "store")
        r2 = self.admin.get("/api/v1/org/units", query={"parent_id": parent["id"], "limit": 10,
                                                         "after": r.body["next"]})
        self.assertFalse(set(first_ids) & {i["id"] for i in r2.body["items"]})
        # default limit is 50, maximum 200
        r = self.admin.get("/api/v1/org/units")
        self.assertStatus(r, 200)
        self.assertLessEqual(len(r.body["items"]), 50)
        r = self.admin.get("/api/v1/org/units", query={"limit": 200})
        self.assertStatus(r, 200)

    def test_filters(self):
        p = self.admin.create_unit(self.r1["id"], "flt-branch", "过滤分公司", "branch")
        s1 = self.admin.create_unit(p["id"], "flt-s1", "漏水门店", "store")
        s2 = self.admin.create_unit(p["id"], "flt-s2", "投诉门店", "store")
        d = self.admin.create_unit(p["id"], "flt-d", "客服部", "department")
        self.assertStatus(self.admin.patch(unit_path(s2["id"]), {"active": False}), 200)
        ids = lambda q: {i["id"] for i in self.admin.list_all("/api/v1/org/units", query=q)}
        self.assertEqual(ids({"parent_id": p["id"]}), {s1["id"], s2["id"], d["id"]})
        self.assertEqual(ids({"parent_id": p["id"], "kind": "store"}), {s1["id"], s2["id"]})
        self.assertEqual(ids({"parent_id": p["id"], "kind": "department"}), {d["id"]})
        self.assertEqual(ids({"parent_id": p["id"], "active": "true"}), {s1["id"], d["id"]})
        self.assertEqual(ids({"parent_id": p["id"], "active": "false"}), {s2["id"]})
        self.assertIn(s1["id"], ids({"q": "漏水"}))
        self.assertNotIn(s2["id"], ids({"q": "漏水"}))
        self.assertEqual(ids({"kind": "head_office"}), {self.head["id"]})
        for u in self.admin.list_all("/api/v1/org/units", query={"kind": "region"}):
            self.assertEqual(u["kind"], "region")

    def test_move_unit(self):
        br = self.admin.create_unit(self.r1["id"], "mv-branch", "搬家分公司", "branch")
        st = self.admin.create_unit(br["id"], "mv-store", "搬家门店", "store")
        # move the branch (with its store) to the other region: same depth
        r = self.admin.patch(unit_path(br["id"]), {"parent_id": self.r2["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["parent_id"], self.r2["id"])
        self.assertEqual(r.body["depth"], self.head["depth"] + 2)
        # move it directly under the head office: it and its subtree get shallower
        r = self.admin.patch(unit_path(br["id"]), {"parent_id": self.head["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["depth"], self.head["depth"] + 1)
        self.assertEqual(self.admin.get(unit_path(st["id"])).body["depth"], self.head["depth"] + 2,
                         "descendant depth follows a move")
        self.assertEqual(self.admin.get(unit_path(st["id"])).body["parent_id"], br["id"])
        # a unit cannot move under itself or its own descendant
        before = self.admin.list_all("/api/v1/org/units")
        self.assert4xxProblem(self.admin.patch(unit_path(br["id"]), {"parent_id": st["id"]}), "move under descendant")
        self.assert4xxProblem(self.admin.patch(unit_path(br["id"]), {"parent_id": br["id"]}), "move under itself")
        self.assertProblem(self.admin.patch(unit_path(br["id"]), {"parent_id": 987654321}), (404, 422),
                           msg="move under an unknown unit")
        self.assert4xxProblem(self.admin.patch(unit_path(self.head["id"]), {"parent_id": self.r1["id"]}),
                              "move the head office")
        self.assertEqual(self.admin.list_all("/api/v1/org/units"), before)

    def test_deactivate(self):
        u = self.admin.create_unit(self.b1["id"], "deact", "停用门店", "store")
        r = self.admin.patch(unit_path(u["id"]), {"active": False})
        self.assertStatus(r, 200)
        self.assertIs(r.body["active"], False)
        self.assertIs(self.admin.get(unit_path(u["id"])).body["active"], False)
        r = self.admin.patch(unit_path(u["id"]), {"active": True})
        self.assertStatus(r, 200)
        self.assertIs(r.body["active"], True)


class UserTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.region = a.create_unit(cls.head["id"], "ur1", "大区", "region")
        cls.branch = a.create_unit(cls.region["id"], "ub1", "分公司", "branch")
        cls.store = a.create_unit(cls.branch["id"], "us1", "门店", "store")
        cls.mgr = a.create_user("mgr1", cls.region["id"], ["manager"])
        cls.mgr_c = cls.server.login("mgr1", PASSWORD)
        cls.adm2 = a.create_user("adm2", cls.branch["id"], ["admin"])

    def test_create_and_get(self):
        t0 = now_ms()
        r = self.admin.post("/api/v1/users", {
            "username": "zhangsan", "display_name": "张三", "password": PASSWORD, "unit_id": self.store["id"],
            "roles": ["agent", "handler"], "phone": "13812345678", "email": "zs@example.com"})
        self.assertStatus(r, 201)
        u = r.body
        self.assertTrue(USER_FIELDS <= set(u), u)
        self.assertEqual((u["username"], u["display_name"], u["unit_id"], sorted(u["roles"]), u["active"],
                          u["phone"], u["email"]),
                         ("zhangsan", "张三", self.store["id"], ["agent", "handler"], True, "13812345678",
                          "zs@example.com"))
        self.assertLessEqual(abs(u["created_at"] - t0), 60_000)
        for secret in ("password", "password_hash"):
            self.assertNotIn(secret, u)
        self.assertNotIn(PASSWORD, str(r.body))
        g = self.admin.get(user_path(u["id"]))
        self.assertStatus(g, 200)
        self.assertEqual(g.body, u)
        self.server.login("zhangsan", PASSWORD)

    def test_optional_fields(self):
        r = self.admin.post("/api/v1/users", {"username": "nophone", "display_name": "无电话", "password": PASSWORD,
                                              "unit_id": self.store["id"], "roles": ["viewer"]})
        self.assertStatus(r, 201)
        self.assertIn(r.body["phone"], (None, ""))
        self.assertIn(r.body["email"], (None, ""))

    def test_patch(self):
        u = self.admin.create_user("patchme", self.store["id"], ["agent"])
        time.sleep(0.01)
        r = self.admin.patch(user_path(u["id"]), {"display_name": "改名", "roles": ["supervisor"],
                                                  "unit_id": self.branch["id"], "email": "p@example.com"})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["display_name"], r.body["roles"], r.body["unit_id"], r.body["email"]),
                         ("改名", ["supervisor"], self.branch["id"], "p@example.com"))
        self.assertGreater(r.body["updated_at"], u["updated_at"])
        self.assertEqual(self.admin.get(user_path(u["id"])).body, r.body)
        me = self.server.login("patchme", PASSWORD).me()
        self.assertEqual({p for p in me["permissions"] if p.startswith("org.")}, {"org.unit.read", "org.user.read"})
        self.assertEqual(me["unit"]["id"], self.branch["id"])

    def test_duplicate_username_conflict(self):
        self.admin.create_user("dupuser", self.store["id"], ["agent"])
        before = self.admin.list_all("/api/v1/users")
        r = self.admin.post("/api/v1/users", {"username": "dupuser", "display_name": "x", "password": PASSWORD,
                                              "unit_id": self.branch["id"], "roles": ["viewer"]})
        self.assertProblem(r, 409)
        self.assertEqual(self.admin.list_all("/api/v1/users"), before)

    def test_deactivate_and_filters(self):
        u = self.admin.create_user("deact1", self.store["id"], ["inspector"])
        r = self.admin.patch(user_path(u["id"]), {"active": False})
        self.assertStatus(r, 200)
        self.assertIs(r.body["active"], False)
        names = lambda q: {x["username"] for x in self.admin.list_all("/api/v1/users", query=q)}
        self.assertIn("deact1", names({"active": "false"}))
        self.assertNotIn("deact1", names({"active": "true"}))
        self.assertIn("deact1", names({"role": "inspector"}))
        self.assertNotIn("deact1", names({"role": "agent"}))
        self.assertIn("deact1", names({"unit_id": self.store["id"]}))
        self.assertNotIn("mgr1", names({"unit_id": self.store["id"]}))
        self.assertIn("deact1", names({"q": "deact"}))
        for x in self.admin.list_all("/api/v1/users", query={"role": "manager"}):
            self.assertIn("manager", x["roles"])
        self.assertProblem(self.server.client().login("deact1", PASSWORD, expect=None), 401)

    def test_keyset_paging(self):
        unit = self.admin.create_unit(self.branch["id"], "pgu", "分页门店", "store")
        made = {self.admin.create_user("pager%d" % i, unit["id"], ["viewer"])["id"] for i in range(7)}
        seen, pages, after = [], 0, None
        while True:
            q = {"unit_id": unit["id"], "limit": 2}
            if after:
                q["after"] = after
            r = self.admin.get("/api/v1/users", query=q)
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.body["items"]), 2)
            seen += [x["id"] for x in r.body["items"]]
            pages += 1
            after = r.body["next"]
            if not after:
                break
            self.assertLess(pages, 20)
        self.assertGreaterEqual(pages, 4)
        self.assertEqual(len(seen), len(set(seen)), "duplicates")
        self.assertEqual(set(seen), made, "gaps")

    def test_phone_masking(self):
        u = self.admin.create_user("phoned", self.store["id"], ["agent"], phone="13812345678")
        self.assertEqual(self.admin.get(user_path(u["id"])).body["phone"], "13812345678")
        self.assertEqual(self.mgr_c.get(user_path(u["id"])).body["phone"], "13812345678")
        self.admin.create_user("sup1", self.branch["id"], ["supervisor"])
        sup = self.server.login("sup1", PASSWORD)
        r = sup.get(user_path(u["id"]))
        self.assertStatus(r, 200)
        self.assertEqual(r.body["phone"], "138****5678")
        listed = [x for x in sup.list_all("/api/v1/users") if x["id"] == u["id"]]
        self.assertEqual(listed[0]["phone"], "138****5678", "masked in lists too")
        self.assertNotIn("13812345678", str(sup.get("/api/v1/users").body))

    def test_password_reset(self):
        u = self.admin.create_user("resetme", self.store["id"], ["agent"])
        self.assertStatus(self.admin.post(user_path(u["id"]) + "/password", {"password": "Res3t-Passw0rd-z"}), 204)
        self.server.login("resetme", "Res3t-Passw0rd-z")
        self.assertProblem(self.server.client().login("resetme", PASSWORD, expect=None), 401)
        # a manager may reset passwords in scope
        self.assertStatus(self.mgr_c.post(user_path(u["id"]) + "/password", {"password": "Res3t-Passw0rd-w"}), 204)
        self.server.login("resetme", "Res3t-Passw0rd-w")

    def test_manager_cannot_grant_admin(self):
        before = self.admin.list_all("/api/v1/users")
        audit_before = self.admin.audit_count()
        r = self.mgr_c.post("/api/v1/users", {"username": "wannabe", "display_name": "x", "password": PASSWORD,
                                              "unit_id": self.store["id"], "roles": ["admin"]})
        self.assertProblem(r, 403, msg="manager creates an admin")
        r = self.mgr_c.post("/api/v1/users", {"username": "wannabe", "display_name": "x", "password": PASSWORD,
                                              "unit_id": self.store["id"], "roles": ["agent", "admin"]})
        self.assertProblem(r, 403, msg="manager creates agent+admin")
        victim = self.admin.create_user("victim1", self.store["id"], ["agent"])
        before = self.admin.list_all("/api/v1/users")
        audit_before = self.admin.audit_count()
        self.assertProblem(self.mgr_c.patch(user_path(victim["id"]), {"roles": ["admin"]}), 403,
                           msg="manager grants admin")
        self.assertProblem(self.mgr_c.patch(user_path(victim["id"]), {"roles": ["agent", "admin"]}), 403)
        self.assertProblem(self.mgr_c.patch(user_path(self.mgr["id"]), {"roles": ["admin", "manager"]}), 403,
                           msg="manager grants admin to self")
        # nor edit the role of an admin (adm2 lives in the manager's subtree)
        self.assertProblem(self.mgr_c.patch(user_path(self.adm2["id"]), {"roles": ["agent"]}), 403,
                           msg="manager demotes an admin")
        self.assertEqual(self.admin.list_all("/api/v1/users"), before)
        self.assertEqual(self.admin.audit_count(), audit_before)
        # but may create and edit ordinary users in scope
        r = self.mgr_c.post("/api/v1/users", {"username": "byman", "display_name": "经理建", "password": PASSWORD,
                                              "unit_id": self.store["id"], "roles": ["agent"]})
        self.assertStatus(r, 201)
        self.assertStatus(self.mgr_c.patch(user_path(r.body["id"]), {"roles": ["supervisor"]}), 200)

    def test_user_must_be_homed_in_existing_active_unit(self):
        before = self.admin.list_all("/api/v1/users")
        r = self.admin.post("/api/v1/users", {"username": "homeless", "display_name": "x", "password": PASSWORD,
                                              "unit_id": 987654321, "roles": ["agent"]})
        self.assertProblem(r, (404, 422))
        self.assertEqual(self.admin.list_all("/api/v1/users"), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
