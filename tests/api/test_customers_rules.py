"""Customer archive rules: who may choose an owner, inactive units, staff ids, tags, quiet hours."""

import unittest

from harness import PASSWORD, ServerTestCase, now_ms

CUSTOMERS = "/api/v1/customers"


class CustomerRulesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.unit = a.create_unit(cls.head["id"], "ru-a", "规则分公司", "branch")
        cls.closed = a.create_unit(cls.unit["id"], "ru-x", "已撤店", "store")
        a.patch("/api/v1/org/units/%d" % cls.closed["id"], {"active": False})
        cls.agent = a.create_user("ruagent", cls.unit["id"], ["agent"])
        cls.other_agent = a.create_user("ruagent2", cls.unit["id"], ["agent"])
        cls.sup = a.create_user("rusup", cls.unit["id"], ["supervisor"])
        cls.agent_c = cls.server.login("ruagent", PASSWORD)
        cls.sup_c = cls.server.login("rusup", PASSWORD)

    def test_agents_may_own_but_not_give_away(self):
        mine = self.agent_c.post(CUSTOMERS, {"name": "自建客户", "unit_id": self.unit["id"],
                                             "owner_id": self.agent["id"], "phones": [{"number": "13900001111"}]})
        self.assertStatus(mine, 201)
        self.assertEqual(mine.body["phones"][0]["number"], "13900001111", "an owner sees the number")
        before = self.admin.audit_count()
        r = self.agent_c.post(CUSTOMERS, {"name": "代建客户", "unit_id": self.unit["id"], "owner_id": self.other_agent["id"]})
        self.assertProblem(r, 403, "customer.assign_forbidden")
        other = self.admin.post(CUSTOMERS, {"name": "别人的客户", "unit_id": self.unit["id"],
                                            "phones": [{"number": "13900002222"}]}).body
        r = self.agent_c.patch("%s/%d" % (CUSTOMERS, other["id"]), {"owner_id": self.agent["id"]})
        self.assertProblem(r, 403, "customer.assign_forbidden")
        seen = self.agent_c.get("%s/%d" % (CUSTOMERS, other["id"])).body
        self.assertEqual(seen["phones"][0]["number"], "139****2222", "still masked for the agent")
        self.assertEqual(self.admin.audit_count(), before + 1, "only the admin's create was recorded")
        r = self.sup_c.patch("%s/%d" % (CUSTOMERS, other["id"]), {"owner_id": self.agent["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(self.agent_c.get("%s/%d" % (CUSTOMERS, other["id"])).body["phones"][0]["number"], "13900002222")

    def test_inactive_unit_refused(self):
        r = self.admin.post(CUSTOMERS, {"name": "撤店客户", "unit_id": self.closed["id"]})
        self.assertProblem(r, 422)
        self.assertIn("unit_id", {e["field"] for e in r.body["errors"]})

    def test_staff_must_be_a_known_user(self):
        c = self.admin.post(CUSTOMERS, {"name": "员工校验", "unit_id": self.unit["id"]}).body
        r = self.admin.post("%s/%d/events" % (CUSTOMERS, c["id"]),
                            {"kind": "call", "occurred_at": now_ms(), "staff_id": 987654})
        self.assertProblem(r, 422)
        self.assertEqual([e["field"] for e in r.body["errors"]], ["staff_id"])
        r = self.admin.post("%s/%d/events" % (CUSTOMERS, c["id"]),
                            {"kind": "call", "occurred_at": now_ms(), "staff_id": self.agent["id"]})
        self.assertStatus(r, 201)

    def test_repeated_tags_and_half_quiet_hours(self):
        r = self.admin.post(CUSTOMERS, {"name": "标签", "unit_id": self.unit["id"], "tags": ["VIP", "VIP"]})
        self.assertProblem(r, 422)
        self.assertEqual([e["field"] for e in r.body["errors"]], ["tags[1]"])
        c = self.admin.post(CUSTOMERS, {"name": "免打扰", "unit_id": self.unit["id"]}).body
        r = self.admin.patch("%s/%d" % (CUSTOMERS, c["id"]), {"quiet_start": "22:00"})
        self.assertProblem(r, 422)
        self.assertEqual([e["field"] for e in r.body["errors"]], ["quiet_end"])
        r = self.admin.patch("%s/%d" % (CUSTOMERS, c["id"]), {"quiet_start": "22:00", "quiet_end": "08:00"})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["quiet_start"], r.body["quiet_end"]), ("22:00", "08:00"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
