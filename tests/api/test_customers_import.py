"""Customer import from CSV: every bad row reported by line, column and reason; all or nothing,
or only the good rows; rows matching existing customers never create a second one."""

import io
import json
import unittest
import zipfile
from urllib.parse import quote

from harness import PASSWORD, ServerTestCase

CUSTOMERS = "/api/v1/customers"
IMPORT = CUSTOMERS + "/import"
CSV = {"Content-Type": "text/csv; charset=utf-8"}
XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(rows, dates=()):
    """A workbook as Excel writes it: deflated, shared strings, numbers as numbers, and the
    cells in `dates` ((row, col), 1-based) as date serials with a date style."""
    shared, index = [], {}
    sheet = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row, 1):
            ref = chr(64 + c) + str(r)
            if v is None or v == "":
                continue
            if (r, c) in dates:
                cells.append('<c r="%s" s="1"><v>%s</v></c>' % (ref, v))
            elif isinstance(v, (int, float)):
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
            else:
                if v not in index:
                    index[v] = len(shared)
                    shared.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[v]))
        sheet.append('<row r="%d">%s</row>' % (r, "".join(cells)))
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>' % MAIN)
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/styles.xml", '<styleSheet xmlns="%s"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>' % MAIN)
        z.writestr("xl/sharedStrings.xml", '<sst xmlns="%s">%s</sst>' % (MAIN, "".join("<si><t>%s</t></si>" % esc(t) for t in shared)))
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (MAIN, "".join(sheet)))
    return buf.getvalue()


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
        body = text if isinstance(text, bytes) else text.encode(encoding)
        return client.post(IMPORT + query, raw_body=body, headers=headers)

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

    def test_email_consent(self):
        text = "姓名,手机,门店,允许邮件\n蒋邮件,13833330101,IM-SA,否\n沈邮件,13833330102,IM-SA,\n韩邮件,13833330103,IM-SA,也许\n"
        r = self.upload(self.admin, text, "?dry_run=true")
        self.assertStatus(r, 200)
        self.assertEqual([(p["line"], p["column"], p["code"]) for p in r.body["problems"]],
                         [(4, "允许邮件", "field.invalid")])
        self.assertStatus(self.upload(self.admin, text, "?mode=valid"), 201)
        got = {}
        for name in ("蒋邮件", "沈邮件"):
            c = self.admin.get(CUSTOMERS, query={"q": name}).body["items"][0]
            got[name] = self.admin.get("%s/%d" % (CUSTOMERS, c["id"])).body["may_email"]
        self.assertEqual(got, {"蒋邮件": False, "沈邮件": True})  # empty: yes, as by hand

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

    # ---- XLSX, column mapping

    def test_xlsx_dry_run_reports_bad_rows_by_sheet_row_then_only_the_good_ones(self):
        book = xlsx([["客户", "联系方式", "门店", "出生日期", "微信"],
                     ["蒋一", 13855550001, "IM-SA", 31111, "wx1"],
                     ["沈二", 1385555, "IM-SA", None, None],
                     [],  # an empty row: skipped, but the numbering is the sheet's
                     ["韩三", 13855550003, "IM-SA", "1990-02-30", None],
                     ["杨四", "138 5555 0004", "IM-SA", 32000, None]],
                    dates={(2, 4), (6, 4)})
        before = self.state()
        # 客户 and 联系方式 are not usual titles: without a name column the file is refused,
        # with the headers and the detected columns for the mapping step
        r = self.upload(self.admin, book, "?dry_run=true", headers=XLSX)
        self.assertProblem(r, 422, "customer.import_no_name_column")
        b = r.body["report"]
        self.assertEqual(b["encoding"], "xlsx")
        self.assertEqual(b["headers"], ["客户", "联系方式", "门店", "出生日期", "微信"])
        self.assertEqual(b["columns"], [{"title": "门店", "field": "unit"}, {"title": "出生日期", "field": "birthday"}])
        self.assertIn({"field": "name", "label": "姓名", "required": True}, b["fields"])
        mapping = {"客户": "name", "联系方式": "phone", "微信": ""}
        q = "?dry_run=true&mapping=" + quote(json.dumps(mapping, ensure_ascii=False))
        r = self.upload(self.admin, book, q, headers=XLSX)
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual({c["title"]: c["field"] for c in b["columns"]},
                         {"客户": "name", "联系方式": "phone", "门店": "unit", "出生日期": "birthday"})
        self.assertEqual(b["ignored_columns"], ["微信"])
        self.assertEqual((b["rows"], b["valid"], b["invalid"]), (4, 2, 2))
        self.assertEqual({(p["line"], p["column"], p["code"]) for p in b["problems"]},
                         {(3, "联系方式", "customer.phone_invalid"), (5, "出生日期", "customer.date_invalid")})
        self.assertEqual(self.state(), before)
        # all or nothing refuses, changing nothing
        r = self.upload(self.admin, book, q.replace("dry_run=true", "mode=all"), headers=XLSX)
        self.assertProblem(r, 422, "customer.import_has_errors")
        self.assertEqual(self.state(), before, "nothing half-imported")
        # only the good rows
        r = self.upload(self.admin, book, q.replace("dry_run=true", "mode=valid"), headers=XLSX)
        self.assertStatus(r, 201)
        self.assertEqual((r.body["created"], r.body["committed"]), (2, True))
        jiang = self.admin.get(CUSTOMERS, query={"q": "蒋一"}).body["items"][0]
        self.assertEqual((jiang["birthday"], jiang["phones"][0]["number"]), ("1985-03-05", "13855550001"))
        yang = self.admin.get(CUSTOMERS, query={"q": "杨四"}).body["items"][0]
        self.assertEqual((yang["birthday"], yang["phones"][0]["number"]), ("1987-08-11", "13855550004"))
        self.assertEqual(self.admin.get(CUSTOMERS, query={"q": "沈二"}).body["items"], [])

    def test_xlsx_without_mapping_uses_the_usual_titles_and_dates_as_typed(self):
        book = xlsx([["姓名", "手机", "单元编码", "生日", "来源"],
                     ["秦五", "13866660001", "IM-SA", "1988/7/9", "热线"]])
        r = self.upload(self.admin, book, headers=XLSX)
        self.assertStatus(r, 201)
        c = self.admin.get(CUSTOMERS, query={"q": "秦五"}).body["items"][0]
        self.assertEqual((c["birthday"], c["source"]), ("1988-07-09", "hotline"))

    def test_mapping_and_format_refusals(self):
        book = xlsx([["客户", "电话"], ["许六", "13877770001"]])
        before = self.state()
        bad = [
            ({"不存在": "name"}, "customer.import_mapping_column"),
            ({"客户": "shoe_size"}, "customer.import_mapping_field"),
            ({"客户": "name", "电话": "name"}, "customer.import_mapping_repeated"),
        ]
        for mapping, code in bad:
            r = self.upload(self.admin, book, "?dry_run=true&unit_id=%d&mapping=%s" % (
                self.SA["id"], quote(json.dumps(mapping, ensure_ascii=False))), headers=XLSX)
            self.assertProblem(r, 422)
            self.assertIn(code, [e["code"] for e in r.body["errors"]], r)
        self.assertProblem(self.upload(self.admin, book, "?mapping=%7Bnot-json", headers=XLSX), 400)
        self.assertProblem(self.upload(self.admin, b"PK\x03\x04broken", headers=XLSX), 422, "customer.import_unreadable_xlsx")
        self.assertProblem(self.upload(self.admin, "姓名\n甲\n", headers=XLSX), 422, "customer.import_unreadable_xlsx")
        self.assertProblem(self.upload(self.admin, book, headers={"Content-Type": "image/png"}), 415, "customer.import_format")
        r = self.upload(self.admin, book, "?dry_run=true&format=xlsx&unit_id=%d&mapping=%s" % (
            self.SA["id"], quote(json.dumps({"客户": "name", "电话": "phone"}, ensure_ascii=False))),
            headers={"Content-Type": "application/octet-stream"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["valid"], 1)
        self.assertEqual(self.state(), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
