"""History import (purchases, deliveries, repairs, visits) from CSV and XLSX: the dry run
reports every bad row by number and reason and writes nothing; all or nothing; the events
written are published on the outbox (a rule makes a callback task of one) and move the
customers' classes, as events recorded through the API do; yuan become fen exactly."""

import datetime
import time
import unittest

from harness import PASSWORD, ServerTestCase
from test_customers_import import xlsx

CUSTOMERS = "/api/v1/customers"
IMPORT = "/api/v1/customer-events/import"
UPLOADS = "/api/v1/uploads"
CSV = {"Content-Type": "text/csv; charset=utf-8"}
XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BJ = datetime.timezone(datetime.timedelta(hours=8))


def local(days_ago, hour=10, minute=0):
    """A Beijing wall-clock time `days_ago` days before now, as a file writes it, and its ms."""
    d = (datetime.datetime.now(BJ) - datetime.timedelta(days=days_ago)).replace(hour=hour, minute=minute,
                                                                                second=0, microsecond=0)
    return d.strftime("%Y-%m-%d %H:%M"), int(d.timestamp() * 1000)


class EventImportTest(ServerTestCase):
    server_config = {"jobs": {"poll_ms": 100}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "ev-a", "事件分公司", "branch")
        cls.SA = a.create_unit(cls.A["id"], "EV-SA", "事件门店", "store")
        cls.T1 = a.create_unit(cls.A["id"], "EV-T1", "同名店", "store")
        cls.T2 = a.create_unit(cls.A["id"], "EV-T2", "同名店", "store")
        cls.B = a.create_unit(cls.head["id"], "ev-b", "事件外部公司", "branch")
        cls.staff = a.create_user("evagent", cls.SA["id"], ["agent"])
        a.create_user("evsup", cls.A["id"], ["supervisor"])
        a.create_user("evview", cls.A["id"], ["viewer"])
        cls.sup = cls.server.login("evsup", PASSWORD)
        cls.viewer = cls.server.login("evview", PASSWORD)

    def customer(self, name, phone, unit, plate=None):
        r = self.admin.post(CUSTOMERS, {"name": name, "unit_id": unit["id"], "phones": [{"number": phone}]})
        self.assertStatus(r, 201)
        c = r.body
        if plate:
            v = self.admin.post("%s/%d/assets" % (CUSTOMERS, c["id"]), {"type": "vehicle", "attrs": {"plate": plate}})
            self.assertStatus(v, 201)
            c["vehicle"] = v.body
        return c

    def events(self, cid):
        return self.admin.list_all("%s/%d/events" % (CUSTOMERS, cid))

    def post(self, client, body, query="", headers=CSV):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        return client.post(IMPORT + query, raw_body=data, headers=headers)

    def test_dry_run_reports_every_bad_row_by_number_and_writes_nothing(self):
        c1 = self.customer("钱事件", "13960000001", self.SA, plate="沪E00001")
        c2 = self.customer("孙事件", "13960000002", self.SA)
        out = self.customer("外部客户", "13960000003", self.B)
        t, _ = local(3)
        rows = [
            "类型,时间,客户编号,手机,门店,员工,金额(元),车牌,外部单号,备注",
            "维修,%s,%s,,EV-SA,evagent,1280.50,沪E00001,EV-WO-1,换机油" % (t, c1["code"]),  # 2 ok
            "购买,%s,,139 6000 0002,,,\"1,999.00\",,EV-WO-2," % t,  # 3 ok
            "洗车,%s,%s,,,,,,," % (t, c1["code"]),  # 4 kind
            "维修,2026-02-30 10:00,%s,,,,,,," % c1["code"],  # 5 date
            "维修,%s,C99999999,,,,,,," % t,  # 6 customer
            "维修,%s,%s,,不存在的店,,,,," % (t, c1["code"]),  # 7 unit
            "维修,%s,%s,,,,12.345,,," % (t, c1["code"]),  # 8 amount
            "维修,%s,%s,,,,,,," % (t, out["code"]),  # 9 outside the caller's scope
            "维修,%s,%s,,,,,,EV-WO-1," % (t, c1["code"]),  # 10 external id repeated
            "维修,%s,%s,,同名店,nobody,-5,沪X99999,," % (t, c2["code"]),  # 11 unit, staff, amount, asset
        ]
        text = "\n".join(rows) + "\n"
        before = (self.events(c1["id"]), self.events(c2["id"]), self.admin.audit_count())
        r = self.post(self.sup, text, "?dry_run=true")
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual((b["rows"], b["valid"], b["invalid"], b["created"], b["committed"]), (10, 2, 8, 0, False))
        got = {(p["line"], p["column"], p["code"]) for p in b["problems"]}
        self.assertEqual(got, {
            (4, "类型", "customer.import_kind_unknown"), (5, "时间", "customer.import_time_invalid"),
            (6, "客户编号", "customer.unknown"), (7, "门店", "org.unit_unknown"),
            (8, "金额(元)", "customer.import_amount_invalid"), (9, "客户编号", "customer.unknown"),
            (10, "外部单号", "customer.import_repeated"), (11, "门店", "customer.import_unit_ambiguous"),
            (11, "员工", "customer.staff_unknown"), (11, "金额(元)", "customer.import_amount_invalid"),
            (11, "车牌", "customer.import_asset_unknown")})
        for p in b["problems"]:
            self.assertTrue(p["message"], p)
        self.assertNotIn("外部客户", str(b))
        self.assertEqual({c["field"] for c in b["columns"]},
                         {"kind", "time", "customer_code", "phone", "unit", "staff", "amount_yuan", "plate",
                          "external_id", "note"})
        self.assertIn("kind", [f["field"] for f in b["fields"]])
        # all or nothing: refused, with the report, and nothing written
        r = self.post(self.sup, text)
        self.assertProblem(r, 422, "customer.import_has_errors")
        self.assertEqual(r.body["report"]["invalid"], 8)
        self.assertEqual((self.events(c1["id"]), self.events(c2["id"]), self.admin.audit_count()), before)
        # the viewer may not import; bad files
        self.assertProblem(self.post(self.viewer, text, "?dry_run=true"), 403)
        self.assertProblem(self.post(self.sup, "时间,客户编号\n%s,%s\n" % (t, c1["code"])), 422,
                           "customer.import_no_kind_column")
        self.assertProblem(self.post(self.sup, "类型,时间\n维修,%s\n" % t), 422, "customer.import_no_customer_column")
        self.assertEqual((self.events(c1["id"]), self.events(c2["id"]), self.admin.audit_count()), before)

    def import_audits(self):
        return [a["action"] for a in reversed(self.admin.list_all("/api/v1/audit"))
                if a["action"].startswith("customer.")]

    def wait_task(self, cid, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.admin.get("/api/v1/callbacks", query={"view": "unit", "customer_id": cid})
            self.assertStatus(r, 200)
            if r.body["items"]:
                return r.body["items"]
            time.sleep(0.2)
        self.fail("no callback task for customer %d: %s" % (cid, self.server.logs()[-3000:]))

    def test_commit_writes_publishes_and_reclassifies(self):
        r = self.admin.post("/api/v1/rules", {
            "code": "ev-repair", "name": "维修回访", "unit_id": self.A["id"],
            "definition": {"trigger": {"event": "repair.closed"}, "due": {"unit": "hours", "amount": 72},
                           "action": "callback",
                           "params": {"questionnaire": "car_service_csi", "max_attempts": 3, "retry_minutes": 60}}})
        self.assertStatus(r, 201)
        c1 = self.customer("李导入", "13960000011", self.SA, plate="沪E00011")
        c2 = self.customer("周导入", "13960000012", self.SA)
        self.assertEqual(self.admin.get("%s/%d" % (CUSTOMERS, c1["id"])).body["classes"]["lifecycle"], "new")
        t1, ms1 = local(2, 14, 30)
        t2, ms2 = local(40)
        text = ("类型,时间,客户编号,手机,门店,员工,金额(元),车牌,外部单号,备注\n"
                "维修,%s,%s,,,evagent,1280.29,沪e00011,EV-WO-11,换机油\n"
                "到店未购,%s,,13960000012,事件门店,,,,,看了SUV\n"
                "购买,%s,,13960000012,EV-SA,,0.01,,EV-WO-12,\n" % (t1, c1["code"], t2, t2))
        dry = self.post(self.sup, text, "?dry_run=true")
        self.assertStatus(dry, 200)
        self.assertEqual((dry.body["valid"], dry.body["invalid"]), (3, 0))
        audits = self.import_audits()
        r = self.post(self.sup, text)
        self.assertStatus(r, 201)
        self.assertEqual((r.body["created"], r.body["committed"], r.body["rows"]), (3, True, 3))
        # one audit row for the file (the rules consumer audits the callback task it makes on its own
        # schedule, so only this module's rows are counted)
        self.assertEqual(self.import_audits(), audits + ["customer.event.import"])
        e1 = self.events(c1["id"])
        self.assertEqual(len(e1), 1)
        e = e1[0]
        self.assertEqual((e["kind"], e["occurred_at"], e["amount_fen"], e["asset_id"], e["staff_id"], e["unit_id"],
                          e["external_id"], e["attrs"]),
                         ("repair", ms1, 128029, c1["vehicle"]["id"], self.staff["id"], self.SA["id"], "EV-WO-11",
                          {"note": "换机油"}))
        e2 = sorted(self.events(c2["id"]), key=lambda x: x["id"])
        self.assertEqual([(x["kind"], x["amount_fen"], x["occurred_at"]) for x in e2],
                         [("visit_without_purchase", 0, ms2), ("purchase", 1, ms2)])
        # classes moved in the same transaction, as through the API
        self.assertEqual(self.admin.get("%s/%d" % (CUSTOMERS, c1["id"])).body["classes"]["lifecycle"], "active")
        # published on the outbox: the rule made a callback task of the repair
        tasks = self.wait_task(c1["id"])
        self.assertEqual([t["customer_id"] for t in tasks], [c1["id"]])
        # the same file again: every row is already recorded or carries no external id
        again = self.post(self.sup, text, "?dry_run=true")
        self.assertEqual({(p["line"], p["code"]) for p in again.body["problems"]},
                         {(2, "customer.event_recorded"), (4, "customer.event_recorded")})

    def test_xlsx_with_mapping_fen_and_the_upload_path(self):
        c1 = self.customer("吴表格", "13960000021", self.SA, plate="沪E00021")
        c2 = self.customer("郑表格", "13960000022", self.SA, plate="沪E00022")
        t, ms = local(5, 9, 15)
        day = datetime.datetime.fromtimestamp(ms / 1000, BJ)
        serial = (day.replace(tzinfo=None) - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
        book = xlsx([["业务", "日期时间", "客户手机", "分", "车辆"],
                     ["保养", serial, 13960000021, 35000, "沪E00021"],
                     ["保养", serial, 13960000021, 35000, "沪E00022"],  # c2's car
                     ["维修", "yesterday", 13960000022, "12.5", None]],
                    dates={(2, 2), (3, 2)})
        mapping = '{"业务":"kind","日期时间":"time","客户手机":"phone","分":"amount_fen","车辆":"plate"}'
        from urllib.parse import quote
        q = "?dry_run=true&mapping=" + quote(mapping)
        r = self.post(self.sup, book, q, headers=XLSX)
        self.assertStatus(r, 200)
        self.assertEqual(r.body["encoding"], "xlsx")
        self.assertEqual({(p["line"], p["column"], p["code"]) for p in r.body["problems"]},
                         {(3, "车辆", "customer.asset_not_owned"), (4, "日期时间", "customer.import_time_invalid"),
                          (4, "分", "customer.import_amount_invalid")})
        # the same file as a resumable upload: the same report, then only the good rows
        up = self.sup.post(UPLOADS, {"filename": "历史.xlsx", "size": len(book)})
        self.assertStatus(up, 201)
        ps = up.body["part_size"]
        for n in range(up.body["parts"], 0, -1):
            self.assertStatus(self.sup.put("%s/%s/parts/%d" % (UPLOADS, up.body["id"], n),
                                           raw_body=book[(n - 1) * ps:n * ps],
                                           headers={"Content-Type": "application/octet-stream"}), 200)
        via = self.sup.post(IMPORT + q + "&upload_id=" + up.body["id"])
        self.assertStatus(via, 200)
        self.assertEqual(via.body, r.body)
        w = self.sup.post(IMPORT + "?mode=valid&mapping=" + quote(mapping) + "&upload_id=" + up.body["id"])
        self.assertStatus(w, 201)
        self.assertEqual(w.body["created"], 1)
        got = self.events(c1["id"])
        self.assertEqual([(x["kind"], x["amount_fen"], x["occurred_at"], x["asset_id"]) for x in got],
                         [("service", 35000, ms, c1["vehicle"]["id"])])
        self.assertEqual(self.events(c2["id"]), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
