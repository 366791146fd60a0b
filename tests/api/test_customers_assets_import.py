"""Assets import (any asset type, ?type=<code>) from CSV and XLSX: columns by the type's keys
and labels (an admin-made type too), each cell checked as the single-asset API checks it,
problems by row and column, repeated rows and taken plates refused; all or nothing or only the
good rows; one audit row; the search and completeness follow."""

import unittest
from urllib.parse import quote

from harness import PASSWORD, ServerTestCase
from test_customers_import import xlsx

CUSTOMERS = "/api/v1/customers"
IMPORT = "/api/v1/customer-assets/import"
UPLOADS = "/api/v1/uploads"
CSV = {"Content-Type": "text/csv; charset=utf-8"}
XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class AssetImportTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "as-a", "资产分公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "AS-SA", "资产门店", "store")
        cls.B = a.create_unit(cls.head["id"], "as-b", "资产外部公司", "branch")
        a.create_user("assup", cls.A["id"], ["supervisor"])
        a.create_user("asview", cls.A["id"], ["viewer"])
        cls.sup = cls.server.login("assup", PASSWORD)
        cls.viewer = cls.server.login("asview", PASSWORD)

    def customer(self, name, phone, unit):
        r = self.admin.post(CUSTOMERS, {"name": name, "unit_id": unit["id"], "phones": [{"number": phone}]})
        self.assertStatus(r, 201)
        return r.body

    def assets(self, cid):
        r = self.admin.get("%s/%d" % (CUSTOMERS, cid))
        self.assertStatus(r, 200)
        return r.body["assets"]

    def import_audits(self):
        return [x for x in self.admin.list_all("/api/v1/audit") if x["action"] == "customer.asset.import"]

    def post(self, client, body, query="", headers=CSV):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        return client.post(IMPORT + query, raw_body=data, headers=headers)

    def test_property_units_dry_run_all_or_nothing_then_the_good_rows(self):
        c1 = self.customer("王房产", "13970000001", self.SA)
        c2 = self.customer("赵房产", "13970000002", self.SA)
        out = self.customer("外部业主", "13970000003", self.B)
        rows = [
            "客户编号,手机,楼栋,单元,房号,入住日期",
            "%s,,3栋,2单元,1201,2024/5/1" % c1["code"],  # 2 ok
            ",139 7000 0002,5栋,,301,",  # 3 ok (by phone, no unit, no date)
            "%s,,3栋,2单元,1202,2024-02-30" % c1["code"],  # 4 bad date
            "C99999999,,3栋,1单元,101,",  # 5 unknown customer
            "%s,,,1单元,102," % c2["code"],  # 6 building missing
            "%s,,3栋,2单元,1201,2025-01-01" % c1["code"],  # 7 repeats line 2
            "%s,,9栋,1单元,901," % out["code"],  # 8 outside the caller's scope
        ]
        text = "\n".join(rows) + "\n"
        before = (self.assets(c1["id"]), self.assets(c2["id"]), len(self.import_audits()))
        r = self.post(self.sup, text, "?type=property_unit&dry_run=true")
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual((b["rows"], b["valid"], b["invalid"], b["created"], b["committed"]), (7, 2, 5, 0, False))
        self.assertEqual({(p["line"], p["column"], p["code"]) for p in b["problems"]}, {
            (4, "入住日期", "customer.date_invalid"), (5, "客户编号", "customer.unknown"),
            (6, "楼栋", "field.required"), (7, "楼栋", "customer.import_repeated"),
            (8, "客户编号", "customer.unknown")})
        for p in b["problems"]:
            self.assertTrue(p["message"], p)
        self.assertEqual([p["value"] for p in b["problems"] if p["line"] == 7], ["2"])
        self.assertNotIn("外部业主", str(b))
        self.assertEqual({c["title"]: c["field"] for c in b["columns"]},
                         {"客户编号": "customer_code", "手机": "customer_phone", "楼栋": "building",
                          "单元": "unit", "房号": "room", "入住日期": "move_in_date"})
        self.assertEqual([(f["field"], f["required"]) for f in b["fields"]],
                         [("customer_code", False), ("customer_phone", False), ("building", True),
                          ("unit", False), ("room", True), ("move_in_date", False)])
        # all or nothing: refused with the report, nothing written, no audit row
        r = self.post(self.sup, text, "?type=property_unit")
        self.assertProblem(r, 422, "customer.import_has_errors")
        self.assertEqual(r.body["report"]["invalid"], 5)
        self.assertEqual((self.assets(c1["id"]), self.assets(c2["id"]), len(self.import_audits())), before)
        # the viewer may not import; a type that does not exist; no customer column
        self.assertProblem(self.post(self.viewer, text, "?type=property_unit&dry_run=true"), 403)
        self.assertProblem(self.post(self.sup, text, "?type=spaceship&dry_run=true"), 422)
        self.assertProblem(self.post(self.sup, text, "?dry_run=true"), 422)
        self.assertProblem(self.post(self.sup, "楼栋,房号\n3栋,1\n", "?type=property_unit"), 422,
                           "customer.import_no_customer_column")
        self.assertEqual((self.assets(c1["id"]), self.assets(c2["id"]), len(self.import_audits())), before)
        # only the good rows
        r = self.post(self.sup, text, "?type=property_unit&mode=valid")
        self.assertStatus(r, 201)
        self.assertEqual((r.body["created"], r.body["committed"]), (2, True))
        a1, a2 = self.assets(c1["id"]), self.assets(c2["id"])
        self.assertEqual([(x["type"], x["label"], x["attrs"]) for x in a1],
                         [("property_unit", "3栋 2单元 1201",
                           {"building": "3栋", "unit": "2单元", "room": "1201", "move_in_date": "2024-05-01"})])
        self.assertEqual([x["attrs"] for x in a2], [{"building": "5栋", "room": "301"}])
        audits = self.import_audits()
        self.assertEqual(len(audits), before[2] + 1)
        after = audits[0]["after"]
        self.assertEqual((after["type"], after["rows"], after["created"], after["skipped"]),
                         ("property_unit", 7, 2, 5))
        self.assertEqual(len(after["sha256"]), 64)
        # completeness counts the asset now
        detail = self.admin.get("%s/%d" % (CUSTOMERS, c1["id"])).body
        self.assertNotIn("assets", detail["completeness"]["missing"])

    def test_vehicles_plate_taken_phone_lines_and_search(self):
        c1 = self.customer("钱车主", "13970000011", self.SA)
        c2 = self.customer("孙车主", "13970000012", self.SA)
        v = self.admin.post("%s/%d/assets" % (CUSTOMERS, c2["id"]), {"type": "vehicle", "attrs": {"plate": "沪F00001"}})
        self.assertStatus(v, 201)
        text = ("客户编号,车牌号,车架号,车型,交车日期,行驶里程\n"
                "%s,沪F 00002,lsvab1234567890ab,帕萨特,2023-06-01,\"12,800\"\n"  # 2 ok
                "%s,沪F00001,,,,\n"  # 3 taken by c2
                "%s,沪F00002,,,,\n"  # 4 repeats line 2
                "%s,沪F00003,,,,十二\n"  # 5 mileage not a number
                "%s,,,朗逸,,\n") % ((c1["code"],) * 5)  # 6 plate required
        r = self.post(self.sup, text, "?type=vehicle&dry_run=true")
        self.assertStatus(r, 200)
        self.assertEqual({(p["line"], p["column"], p["code"]) for p in r.body["problems"]}, {
            (3, "车牌号", "customer.vehicle_taken"), (4, "车牌号", "customer.import_repeated"),
            (5, "行驶里程", "customer.import_number_invalid"), (6, "车牌号", "field.required")})
        r = self.post(self.sup, text, "?type=vehicle&mode=valid")
        self.assertStatus(r, 201)
        got = self.assets(c1["id"])
        self.assertEqual([x["attrs"] for x in got],
                         [{"plate": "沪F 00002", "vin": "lsvab1234567890ab", "model": "帕萨特",
                           "delivery_date": "2023-06-01", "mileage_km": 12800}])
        # the plate feeds the search, as for a vehicle added by hand
        s = self.admin.get(CUSTOMERS, query={"q": "沪F00002"})
        self.assertStatus(s, 200)
        self.assertIn(c1["id"], [x["id"] for x in s.body["items"]])
        # a phone line's number is normalised
        r = self.post(self.sup, "客户手机,号码,套餐,月均消费(分)\n13970000011,+86 139-7000-9999,畅享,12800\n",
                      "?type=phone_line&mode=valid")
        self.assertStatus(r, 201)
        lines = [x for x in self.assets(c1["id"]) if x["type"] == "phone_line"]
        self.assertEqual([x["attrs"] for x in lines], [{"number": "13970009999", "plan": "畅享", "arpu_fen": 12800}])

    def test_admin_made_type_by_its_labels_xlsx_and_upload(self):
        r = self.admin.put("/api/v1/asset-types/as_membership", {
            "name_zh": "会员卡", "name_en": "Membership card",
            "fields": [{"key": "card_no", "label_zh": "卡号", "label_en": "Card number", "type": "text", "required": True},
                       {"key": "level", "label_zh": "等级", "type": "enum", "options": ["silver", "gold"]},
                       {"key": "expires", "label_zh": "有效期至", "type": "date"}]})
        self.assertStatus(r, 200)
        c1 = self.customer("周会员", "13970000021", self.SA)
        book = xlsx([["手机", "卡号", "等级", "有效期至"],
                     [13970000021, "M-001", "gold", 46023],
                     [13970000021, "M-002", "platinum", None]],
                    dates={(2, 4)})
        r = self.post(self.sup, book, "?type=as_membership&dry_run=true", headers=XLSX)
        self.assertStatus(r, 200)
        self.assertEqual(r.body["encoding"], "xlsx")
        self.assertEqual({(p["line"], p["column"], p["code"]) for p in r.body["problems"]},
                         {(3, "等级", "customer.import_option_invalid")})
        # the same file as a resumable upload: the same report, then the good row
        up = self.sup.post(UPLOADS, {"filename": "会员卡.xlsx", "size": len(book)})
        self.assertStatus(up, 201)
        self.assertStatus(self.sup.put("%s/%s/parts/1" % (UPLOADS, up.body["id"]), raw_body=book,
                                       headers={"Content-Type": "application/octet-stream"}), 200)
        via = self.sup.post(IMPORT + "?type=as_membership&dry_run=true&upload_id=" + up.body["id"])
        self.assertStatus(via, 200)
        self.assertEqual(via.body, r.body)
        w = self.sup.post(IMPORT + "?type=as_membership&mode=valid&upload_id=" + up.body["id"])
        self.assertStatus(w, 201)
        self.assertEqual(w.body["created"], 1)
        self.assertEqual([x["attrs"] for x in self.assets(c1["id"])],
                         [{"card_no": "M-001", "level": "gold", "expires": "2026-01-01"}])

    def test_mapping_names_a_column_and_a_merged_customer_leads_to_the_survivor(self):
        c1 = self.customer("吴映射", "13970000031", self.SA)
        gone = self.customer("吴映射旧档", "13970000032", self.SA)
        self.assertStatus(self.admin.post("%s/%d/merge" % (CUSTOMERS, gone["id"]), {"into_id": c1["id"]}), 200)
        mapping = quote('{"业主":"customer_code","楼":"building","室":"room"}')
        r = self.post(self.sup, "业主,楼,室\n%s,A座,808\n%s,B座,909\n" % (c1["code"], gone["code"]),
                      "?type=property_unit&mode=valid&mapping=" + mapping)
        self.assertStatus(r, 201)
        self.assertEqual(r.body["created"], 2)
        self.assertEqual(sorted(x["attrs"]["room"] for x in self.assets(c1["id"])), ["808", "909"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
