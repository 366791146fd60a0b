"""Customer import from CSV: every bad row reported by line, column and reason; all or nothing,
or only the good rows; rows matching existing customers never create a second one."""

import unittest

from harness import PASSWORD, ServerTestCase

CUSTOMERS = "/api/v1/customers"
IMPORT = CUSTOMERS + "/import"
CSV = {"Content-Type": "text/csv; charset=utf-8"}


class CustomerImportTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "im-a", "导入分公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "IM-SA", "导入门店", "store")
        cls.B = a.create_unit(cls.head["id"], "im-b", "外部分公司", "branch")
        cls.SB = a.create_unit(cls.B["id"], "IM-SB", "外部门店", "store")
        a.create_user("imsup", cls.A["id"], ["supervisor"])
        a.create_user("imview", cls.A["id"], ["viewer"])
        cls.sup = cls.server.login("imsup", PASSWORD)
        cls.viewer = cls.server.login("imview", PASSWORD)

    def upload(self, client, text, query="", encoding="utf-8", headers=CSV):
        return client.post(IMPORT + query, raw_body=text.encode(encoding), headers=headers)

    def state(self):
        return (len(self.admin.list_all(CUSTOMERS)), self.admin.audit_count())

    def test_dry_run_reports_every_bad_row_and_writes_nothing(self):
        text = ("姓名,手机,门店,生日,车牌,备注,微信\n"
                "赵一,13811110001,IM-SA,1985-03-02,沪C10001,首保已做,wx\n"
                "钱二,1381111,IM-SA,,,,\n"
                "孙三,13811110001,IM-SA,,,,\n"
                "李四,13811110004,NOPE,1990-02-30,,,\n"
                ",13811110005,IM-SA,,,,\n"
                "周五,13811110006,IM-SA,,沪C10001,,\n")
        before = self.state()
        r = self.upload(self.admin, text, "?dry_run=true")
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual((b["rows"], b["valid"], b["invalid"], b["created"], b["committed"]), (6, 1, 5, 0, False))
        self.assertEqual(b["ignored_columns"], ["微信"])
        got = {(p["line"], p["column"], p["code"]) for p in b["problems"]}
        self.assertEqual(got, {(3, "手机", "customer.phone_invalid"), (4, "手机", "customer.import_repeated"),
                               (5, "门店", "org.unit_unknown"), (5, "生日", "customer.date_invalid"),
                               (6, "姓名", "field.required"), (7, "车牌", "customer.import_repeated")})
        for p in b["problems"]:
            self.assertTrue(p["message"], p)
        self.assertEqual(self.state(), before)

    def test_all_or_nothing_then_only_the_good_rows(self):
        text = "姓名,手机,门店\n吴六,13822220001,IM-SA\n郑七,12345,IM-SA\n王八,13822220003,IM-SA\n"
        before = self.state()
        r = self.upload(self.admin, text)
        self.assertProblem(r, 422, "customer.import_has_errors")
        self.assertEqual(r.body["report"]["invalid"], 1)
        self.assertEqual(self.state(), before, "a refused import changes nothing")
        r = self.upload(self.admin, text, "?mode=valid")
        self.assertStatus(r, 201)
        self.assertEqual((r.body["created"], r.body["committed"]), (2, True))
        found = self.admin.get(CUSTOMERS, query={"q": "13822220003"}).body["items"]
        self.assertEqual([c["name"] for c in found], ["王八"])
        self.assertEqual(found[0]["source"], "import")
        # the same file again: every row now matches an existing customer or is bad
        r = self.upload(self.admin, text, "?mode=valid")
        self.assertStatus(r, 201)
        self.assertEqual(r.body["created"], 0)
        self.assertEqual({p["code"] for p in r.body["problems"]}, {"customer.phone_taken", "customer.phone_invalid"})

    def test_gb18030_and_vehicles(self):
        text = "姓名,手机,门店,车牌,车架号,车型,标签\n冯九,13833330001,IM-SA,沪C20001,LSVTEST0000000001,帕萨特,VIP、老客户\n"
        r = self.upload(self.admin, text, encoding="gb18030")
        self.assertStatus(r, 201)
        self.assertEqual((r.body["encoding"], r.body["created"]), ("gb18030", 1))
        c = self.admin.get(CUSTOMERS, query={"q": "冯九"}).body["items"][0]
        self.assertEqual(c["tags"], ["VIP", "老客户"])
        detail = self.admin.get("%s/%d" % (CUSTOMERS, c["id"])).body
        self.assertEqual(detail["assets"][0]["attrs"], {"plate": "沪C20001", "vin": "LSVTEST0000000001", "model": "帕萨特"})
        self.assertEqual([x["name"] for x in self.admin.get(CUSTOMERS, query={"q": "VTEST0"}).body["items"]], ["冯九"])

    def test_scope_permission_and_bad_files(self):
        text = "姓名,手机,门店\n外人,13844440001,IM-SB\n自己人,13844440002,IM-SA\n"
        r = self.upload(self.sup, text, "?dry_run=true")
        self.assertStatus(r, 200)
        self.assertEqual([(p["line"], p["code"]) for p in r.body["problems"]], [(2, "org.unit_unknown")])
        before = self.state()
        self.assertProblem(self.upload(self.viewer, text, "?dry_run=true"), 403)
        self.assertProblem(self.upload(self.admin, text, headers={"Content-Type": "application/json"}), 415)
        self.assertProblem(self.upload(self.admin, "手机\n13800000000\n"), 422, "customer.import_no_name_column")
        self.assertProblem(self.upload(self.admin, "姓名,手机\n甲,\"未闭合\n"), 422, "customer.import_unreadable")
        self.assertProblem(self.upload(self.admin, ""), 422, "customer.import_empty")
        self.assertProblem(self.upload(self.admin, text, "?mode=some"), 400)
        self.assertEqual(self.state(), before)
        # without a unit column the caller names the unit
        r = self.upload(self.sup, "姓名,手机\n褚十,13844440003\n", "?unit_id=%d" % self.SA["id"])
        self.assertStatus(r, 201)
        self.assertProblem(self.upload(self.sup, "姓名\n卫十一\n", "?unit_id=%d" % self.SB["id"]), 422)


if __name__ == "__main__":
    unittest.main(verbosity=2)
