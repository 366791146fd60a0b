"""Customer archive: data scope, permissions and phone masking, table-driven.

    head office ── region 1 ── branch A ── store SA
               └── region 2 ── branch B ── store SB

One user of every role is homed at branch A. B's customer (with its asset and event) must be
invisible to all of them: 404 with none of its fields, never in a list, a search or a
duplicate group. Inside A, writes follow customer.write (admin, manager, supervisor, agent)
and asset types customer.admin (admin). Phone numbers are masked for callers without
customer.pii (agent, inspector, handler, viewer), except an agent's own customers.

Where a role lacks the permission altogether, a refusal of an out-of-scope record may be 403
as well as 404: refusing before looking the record up reveals nothing either.
"""

import json
import unittest

from harness import PASSWORD, PERMISSIONS, ROLES, ServerTestCase, now_ms

CUSTOMERS = "/api/v1/customers"
BATCH = "/api/v1/customer-events/batch"
ASSET_TYPES = "/api/v1/asset-types"

B_PHONE = "13966667777"
B_SECRETS = ["乙机密客户", "乙方漏水", "南山区", "secretb", B_PHONE, "139****7777", "LB9SECRET", "乙分公司", "cs-b",
             "cs-sb", "乙门店", "cstb", "粤B99999"]


def cpath(cid, rest=""):
    return "%s/%s%s" % (CUSTOMERS, cid, rest)


def masked(n):
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


class CustomerScopeTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        h = cls.head["id"]
        cls.r1 = a.create_unit(h, "cs-r1", "华东区", "region")
        cls.r2 = a.create_unit(h, "cs-r2", "华南区", "region")
        cls.A = a.create_unit(cls.r1["id"], "cs-a", "甲分公司", "branch")
        cls.B = a.create_unit(cls.r2["id"], "cs-b", "乙分公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "cs-sa", "甲门店", "store")
        cls.SB = a.create_unit(cls.B["id"], "cs-sb", "乙门店", "store")
        cls.tb = a.create_user("cstb", cls.SB["id"], ["agent"])
        cls.users, cls.clients = {}, {}
        for role in ROLES:
            cls.users[role] = a.create_user("c" + role, cls.A["id"], [role])
            cls.clients[role] = cls.server.login("c" + role, PASSWORD)
        cls.agent = cls.users["agent"]

        def customer(**body):
            r = a.post(CUSTOMERS, body)
            assert r.status == 201, r
            return r.body

        def asset(cid, attrs):
            r = a.post(cpath(cid, "/assets"), {"type": "vehicle", "attrs": attrs})
            assert r.status == 201, r
            return r.body

        cls.cA = customer(name="甲客户", unit_id=cls.SA["id"], phones=[{"number": "13811112222"}],
                          notes="甲方普通客户")
        cls.assetA = asset(cls.cA["id"], {"plate": "沪A10001"})
        cls.cOwned = customer(name="甲自有客户", unit_id=cls.A["id"], owner_id=cls.agent["id"],
                              phones=[{"number": "13822225555"}, {"number": "021-62223333"}])
        cls.cNoPhone = customer(name="甲无电话客户", unit_id=cls.A["id"])
        cls.cB = customer(name="乙机密客户", unit_id=cls.SB["id"], owner_id=cls.tb["id"], notes="乙方漏水投诉",
                          address="深圳市南山区科技园", email="secretb@example.com", birthday="1980-01-01",
                          phones=[{"number": B_PHONE}])
        cls.assetB = asset(cls.cB["id"], {"plate": "粤B99999", "vin": "LB9SECRET0000001"})
        r = a.post(cpath(cls.cB["id"], "/events"), {"kind": "repair", "occurred_at": now_ms() - 1000,
                                                    "asset_id": cls.assetB["id"], "external_id": "b-secret-1"})
        assert r.status == 201, r
        # duplicates: one plate shared across A and B (A must not see the group), one inside A
        cls.cAdupB = customer(name="甲查重一", unit_id=cls.SA["id"])
        asset(cls.cAdupB["id"], {"plate": "粤b-99999"})
        cls.cAdup1 = customer(name="甲查重二", unit_id=cls.SA["id"])
        cls.cAdup2 = customer(name="甲查重三", unit_id=cls.A["id"])
        asset(cls.cAdup1["id"], {"plate": "沪A55555"})
        asset(cls.cAdup2["id"], {"plate": "沪A 55555"})
        cls.b_state = cls.state_of_b()

    @classmethod
    def state_of_b(cls):
        a = cls.admin
        return {"customer": a.get(cpath(cls.cB["id"])).body,
                "events": a.list_all(cpath(cls.cB["id"], "/events")),
                "in_b": sorted(x["id"] for x in a.list_all(CUSTOMERS, query={"unit_id": cls.B["id"]}))}

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
        if isinstance(resp.body, dict):
            self.assertNotIn("existing_id", resp.body, "%s: names a customer outside the scope" % label)

    def check(self, role, label, resp, allowed):
        with self.subTest(role=role, case=label):
            if resp.status not in allowed:
                self.fail("%s as %s: expected %s, got %r" % (label, role, sorted(allowed), resp))
            if resp.status >= 400:
                self.assertProblem(resp, resp.status, msg="%s as %s" % (label, role))
                if resp.status == 403:
                    self.assertIn(resp.body.get("code"), ("auth.forbidden", "customer.assign_forbidden"), "%s as %s: %r" % (label, role, resp))

    # ------------------------------------------------------------------ the matrix

    def run_role(self, role):
        c = self.clients[role]
        perms = PERMISSIONS[role]
        cA, cB, assetA, assetB = self.cA, self.cB, self.assetA, self.assetB
        now = now_ms()
        W = "customer.write"

        # ---- B's customer: invisible
        out = [
            ("GET B customer", "GET", cpath(cB["id"]), None, "customer.read"),
            ("PATCH B customer", "PATCH", cpath(cB["id"]), {"notes": "被改了"}, W),
            ("PATCH B customer phones", "PATCH", cpath(cB["id"]), {"phones": [{"number": "13900000000"}]}, W),
            ("POST asset to B customer", "POST", cpath(cB["id"], "/assets"),
             {"type": "vehicle", "attrs": {"plate": "沪Z00001"}}, W),
            ("PATCH B asset", "PATCH", cpath(cB["id"], "/assets/%d" % assetB["id"]),
             {"attrs": {"plate": "沪Z00002"}}, W),
            ("PATCH B asset through an A customer", "PATCH", cpath(cA["id"], "/assets/%d" % assetB["id"]),
             {"attrs": {"plate": "沪Z00003"}}, W),
            ("GET B events", "GET", cpath(cB["id"], "/events"), None, "customer.read"),
            ("POST event to B customer", "POST", cpath(cB["id"], "/events"), {"kind": "call", "occurred_at": now}, W),
        ]
        for label, method, path, body, perm in out:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            self.check(role, label, r, self.out_of_scope(role, perm))
            with self.subTest(role=role, case=label + " (no leak)"):
                self.assertNoLeak(r, label)

        # ---- writes that would reach into B: refused (422 for a field pointing outside the scope)
        refused = {403} if W not in perms else {404, 422}
        writes = [
            ("batch event for B by id", BATCH, "POST",
             {"events": [{"customer_id": cB["id"], "kind": "call", "occurred_at": now}]}),
            ("batch event for B by code", BATCH, "POST",
             {"events": [{"customer_code": cB["code"], "kind": "call", "occurred_at": now, "external_id": "x-" + role},
                         {"customer_id": cA["id"], "kind": "call", "occurred_at": now}]}),
            ("create customer in SB", CUSTOMERS, "POST", {"name": "越权客户", "unit_id": self.SB["id"]}),
            ("move A customer to SB", cpath(cA["id"]), "PATCH", {"unit_id": self.SB["id"]}),
            ("give A customer a B owner", cpath(cA["id"]), "PATCH", {"owner_id": self.tb["id"]}),
            ("A event at unit SB", cpath(cA["id"], "/events"), "POST",
             {"kind": "call", "occurred_at": now, "unit_id": self.SB["id"]}),
            ("A event with B's asset", cpath(cA["id"], "/events"), "POST",
             {"kind": "repair", "occurred_at": now, "asset_id": assetB["id"]}),
        ]
        for label, path, method, body in writes:
            r = c.request(method, path, json=body)
            expected = refused
            if "owner_id" in (body or {}) and "customer.assign" not in perms:
                expected = {403}  # choosing another owner needs customer.assign
            self.check(role, label, r, expected)
            self.assertNoLeak(r, label)
        r = c.post(CUSTOMERS, {"name": "撞号客户", "unit_id": self.SA["id"], "phones": [{"number": B_PHONE}]})
        self.check(role, "create with B's phone", r, {403} if W not in perms else {409})
        self.assertNoLeak(r, "create with B's phone")

        # ---- lists, searches, duplicates never show B
        all_ids = {x["id"] for x in c.list_all(CUSTOMERS)}
        with self.subTest(role=role, case="list"):
            self.assertTrue({cA["id"], self.cOwned["id"], self.cNoPhone["id"]} <= all_ids)
            self.assertNotIn(cB["id"], all_ids)
        queries = [{"unit_id": self.SB["id"]}, {"unit_id": self.B["id"]}, {"unit_id": self.head["id"]},
                   {"owner_id": self.tb["id"]}, {"incomplete": "true"}, {"source": "other"}, {"kind": "person"}]
        for term in ("乙机密", "机密", "漏水", "南山", "深圳", "secretb", "example", "6666", "96666777", B_PHONE,
                     "粤B99999", "b999", "LB9SECRET", "secret0000001", cB["code"], "1980"):
            queries.append({"q": term})
        for q in queries:
            r = c.get(CUSTOMERS, query=dict(q, limit=200))
            with self.subTest(role=role, case="list %r" % q):
                self.assertStatus(r, 200)
                self.assertNotIn(cB["id"], {x["id"] for x in r.body["items"]})
                self.assertNoLeak(r, "list %r" % q)
        r = c.get(CUSTOMERS + "/duplicates")
        with self.subTest(role=role, case="duplicates"):
            self.assertStatus(r, 200)
            self.assertNoLeak(r, "duplicates")
            for g in r.body["items"]:
                self.assertNotIn(cB["id"], g["customer_ids"], g)
                self.assertNotIn(self.cAdupB["id"], g["customer_ids"], "a group of one in scope: %r" % g)
            self.assertIn({"reason": "plate", "value": "沪A55555",
                           "customer_ids": sorted([self.cAdup1["id"], self.cAdup2["id"]])}, r.body["items"])

        # ---- inside A: the permission table
        inside = [
            ("GET A customer", "GET", cpath(cA["id"]), None, "customer.read", 200),
            ("GET A events", "GET", cpath(cA["id"], "/events"), None, "customer.read", 200),
            ("GET asset types", "GET", ASSET_TYPES, None, "customer.read", 200),
            ("PATCH A customer", "PATCH", cpath(cA["id"]), {"notes": "由 %s 修改" % role}, W, 200),
            ("POST customer in SA", "POST", CUSTOMERS, {"name": "新客户 " + role, "unit_id": self.SA["id"]}, W, 201),
            ("POST asset", "POST", cpath(cA["id"], "/assets"),
             {"type": "shop_account", "attrs": {"platform": "JD", "account": "acc-" + role}}, W, 201),
            ("PATCH asset", "PATCH", cpath(cA["id"], "/assets/%d" % assetA["id"]), {"attrs": {"plate": "沪A10001"}},
             W, 200),
            ("POST event", "POST", cpath(cA["id"], "/events"), {"kind": "visit", "occurred_at": now}, W, 201),
            ("POST batch", "POST", BATCH, {"events": [{"customer_id": cA["id"], "kind": "call", "occurred_at": now}]},
             W, 201),
            ("PUT asset type", "PUT", ASSET_TYPES + "/card-" + role,
             {"name_zh": "会员卡", "name_en": "Card", "fields": [{"key": "no", "label_zh": "卡号", "type": "text"}]},
             "customer.admin", 200),
        ]
        for label, method, path, body, perm, ok in inside:
            r = c.request(method, path, json=body) if body is not None else c.request(method, path)
            self.check(role, label, r, self.in_scope(role, perm, ok))

        # ---- masking
        pii = "customer.pii" in perms
        own = role == "agent"
        cases = [(cA, ["13811112222"], pii), (self.cOwned, ["13822225555", "021-62223333"], pii or own)]
        listed = {x["id"]: x for x in c.list_all(CUSTOMERS)}
        for cust, numbers, visible in cases:
            want = numbers if visible else [masked(n) for n in numbers]
            for where, body in (("GET", c.get(cpath(cust["id"])).body), ("list", listed[cust["id"]]),
                                ("search", {x["id"]: x for x in c.get(CUSTOMERS, query={"q": cust["name"]})
                                            .body["items"]}.get(cust["id"]))):
                with self.subTest(role=role, case="masking %s %s" % (cust["name"], where)):
                    self.assertIsNotNone(body)
                    self.assertEqual(sorted(p["number"] for p in body["phones"]), sorted(want))
                    self.assertIs(body["phones_masked"], not visible)
                    if not visible:
                        self.assertNotIn(numbers[0], json.dumps(body))
        with self.subTest(role=role, case="no phones, nothing masked"):
            self.assertIs(c.get(cpath(self.cNoPhone["id"])).body["phones_masked"], False)

        if W in perms:
            # the caller's own new customers are unmasked only when they own them (or may see every phone)
            n1, n2 = "1350000%04d" % (ROLES.index(role) * 2), "1350000%04d" % (ROLES.index(role) * 2 + 1)
            r = c.post(CUSTOMERS, {"name": "自建 " + role, "unit_id": self.SA["id"], "phones": [{"number": n1}]})
            self.check(role, "create", r, {201})
            with self.subTest(role=role, case="masking of a new customer"):
                self.assertEqual(r.body["phones"][0]["number"], n1 if pii else masked(n1))
                self.assertIs(r.body["phones_masked"], not pii)
            r = c.post(CUSTOMERS, {"name": "自建自有 " + role, "unit_id": self.SA["id"], "phones": [{"number": n2}],
                                   "owner_id": self.users[role]["id"]})
            self.check(role, "create own", r, {201})
            with self.subTest(role=role, case="masking of a new own customer"):
                self.assertEqual(r.body["phones"][0]["number"], n2)
                self.assertIs(r.body["phones_masked"], False)

    def test_admin_at_head_sees_everything(self):
        ids = {x["id"] for x in self.admin.list_all(CUSTOMERS)}
        self.assertIn(self.cB["id"], ids)
        self.assertEqual({x["id"] for x in self.admin.list_all(CUSTOMERS, query={"q": "漏水"})}, {self.cB["id"]})
        groups = self.admin.get(CUSTOMERS + "/duplicates").body["items"]
        self.assertIn({"reason": "plate", "value": "粤B99999",
                       "customer_ids": sorted([self.cAdupB["id"], self.cB["id"]])}, groups)
        r = self.admin.post(CUSTOMERS, {"name": "撞号", "unit_id": self.SA["id"], "phones": [{"number": B_PHONE}]})
        b = self.assertProblem(r, 409, "customer.phone_taken")
        self.assertEqual(str(b.get("existing_id")), str(self.cB["id"]))

    def test_zz_b_unchanged(self):
        """Runs last (alphabetical order): nothing of B changed, nothing was created there."""
        self.assertEqual(self.state_of_b(), self.b_state)
        a = self.admin.get(cpath(self.cA["id"])).body
        self.assertEqual(a["unit_id"], self.SA["id"])
        self.assertIsNone(a["owner_id"])
        self.assertEqual([x["id"] for x in a["assets"] if x["type"] == "vehicle"], [self.assetA["id"]])
        for e in self.admin.list_all(cpath(self.cA["id"], "/events")):
            self.assertNotEqual(e["unit_id"], self.SB["id"])
            self.assertNotEqual(e["asset_id"], self.assetB["id"])


def _make(role):
    def test(self):
        self.run_role(role)
    test.__name__ = "test_role_%s" % role
    test.__doc__ = "customer scope, permissions and masking of a %s homed at branch A" % role
    return test


for _role in ROLES:
    setattr(CustomerScopeTest, "test_role_%s" % _role, _make(_role))


if __name__ == "__main__":
    unittest.main(verbosity=2)
