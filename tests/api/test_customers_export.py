"""Customer export: the caller's filtered list as CSV (UTF-8 with BOM) and XLSX (a real
Office Open XML workbook), with the list's scope and phone masking per role."""

import csv
import io
import unittest
import xml.etree.ElementTree as ET
import zipfile

from harness import PASSWORD, ServerTestCase

CUSTOMERS = "/api/v1/customers"
EXPORT = CUSTOMERS + "/export"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_bytes(body):
    return body.encode("utf-8") if isinstance(body, str) else body


def read_csv(body):
    raw = as_bytes(body)
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def read_xlsx(body):
    """Rows of the first sheet as lists of text, by the standard library alone."""
    z = zipfile.ZipFile(io.BytesIO(as_bytes(body)))
    names = set(z.namelist())
    for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "xl/worksheets/sheet1.xml"):
        assert part in names, (part, names)
    assert z.testzip() is None  # every CRC checks
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            ref = c.get("r")
            col = 0
            for ch in ref:
                if ch.isalpha():
                    col = col * 26 + ord(ch) - 64
            if c.get("t") == "inlineStr":
                cells[col - 1] = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
            else:
                cells[col - 1] = c.find("m:v", NS).text
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    return rows, wb.find("m:sheets/m:sheet", NS).get("name")


class CustomerExportTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "ex-a", "导出甲公司", "branch")
        cls.B = a.create_unit(cls.head["id"], "ex-b", "导出乙公司", "branch")
        cls.agent = a.create_user("exagent", cls.A["id"], ["agent"], display_name="导出专员")
        a.create_user("exsup", cls.A["id"], ["supervisor"])
        cls.agent_c = cls.server.login("exagent", PASSWORD)
        cls.sup = cls.server.login("exsup", PASSWORD)

        def customer(**body):
            r = a.post(CUSTOMERS, body)
            assert r.status == 201, r
            return r.body

        cls.c1 = customer(name="张伟", unit_id=cls.A["id"], phones=[{"number": "13811112222"}, {"number": "021-61234567"}],
                          address="上海市, 徐汇区 \"漕溪北路\"", tags=["VIP", "老客户"], notes="=HYPERLINK(\"x\")",
                          gender="male", birthday="1985-03-02", source="walk_in")
        cls.c2 = customer(name="李娜", unit_id=cls.A["id"], owner_id=cls.agent["id"], phones=[{"number": "13833334444"}],
                          source="hotline")
        cls.cB = customer(name="乙方客户", unit_id=cls.B["id"], phones=[{"number": "13955556666"}])

    def test_csv_has_bom_chinese_headers_and_the_filtered_list(self):
        r = self.admin.get(EXPORT, query={"format": "csv", "unit_id": self.A["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "text/csv")
        self.assertIn("attachment", r.header("Content-Disposition"))
        self.assertIn("filename*=UTF-8''", r.header("Content-Disposition"))
        self.assertEqual(r.header("X-Export-Rows"), "2")
        rows = read_csv(r.body)
        head = rows[0]
        self.assertEqual(head[:4], ["客户编号", "姓名", "类型", "手机"])
        for t in ("单元编码", "归属单元", "负责人", "标签", "备注", "资料完整度"):
            self.assertIn(t, head)
        by_name = {row[1]: dict(zip(head, row)) for row in rows[1:]}
        self.assertEqual(set(by_name), {"张伟", "李娜"})  # newest first, B's customer absent
        self.assertEqual([row[1] for row in rows[1:]], ["李娜", "张伟"])
        z = by_name["张伟"]
        self.assertEqual((z["手机"], z["其他电话"]), ("13811112222", "021-61234567"))
        self.assertEqual(z["地址"], "上海市, 徐汇区 \"漕溪北路\"")  # quoted and read back
        self.assertEqual((z["性别"], z["生日"], z["来源"], z["标签"]), ("男", "1985-03-02", "到店", "VIP、老客户"))
        self.assertEqual(z["备注"], "'=HYPERLINK(\"x\")")  # never a formula
        self.assertEqual((z["单元编码"], z["归属单元"]), ("ex-a", "导出甲公司"))
        self.assertEqual(by_name["李娜"]["负责人"], "导出专员")
        self.assertEqual(z["允许邮件"], "是")
        # filters: q and source as the list
        r = self.admin.get(EXPORT, query={"format": "csv", "q": "张伟"})
        self.assertEqual([row[1] for row in read_csv(r.body)[1:]], ["张伟"])
        r = self.admin.get(EXPORT, query={"format": "csv", "source": "hotline", "unit_id": self.A["id"]})
        self.assertEqual([row[1] for row in read_csv(r.body)[1:]], ["李娜"])

    def test_xlsx_is_a_workbook_with_the_same_rows(self):
        r = self.admin.get(EXPORT, query={"unit_id": self.A["id"]})  # xlsx by default
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, XLSX_TYPE)
        rows, sheet = read_xlsx(r.body)
        self.assertEqual(sheet, "客户")
        csv_rows = read_csv(self.admin.get(EXPORT, query={"format": "csv", "unit_id": self.A["id"]}).body)
        self.assertEqual(rows[0], csv_rows[0])
        self.assertEqual([row[1] for row in rows[1:]], ["李娜", "张伟"])
        self.assertEqual(rows[2][3], "13811112222")  # a phone stays text
        # the export can be imported again: its titles are the import's
        r = self.admin.post(CUSTOMERS + "/import?dry_run=true", raw_body=as_bytes(r.body),
                            headers={"Content-Type": XLSX_TYPE})
        self.assertStatus(r, 200)
        self.assertEqual(dict((c["title"], c["field"]) for c in r.body["columns"])["单元编码"], "unit")
        self.assertEqual(dict((c["title"], c["field"]) for c in r.body["columns"])["允许邮件"], "may_email")
        self.assertEqual({p["code"] for p in r.body["problems"]}, {"customer.phone_taken"})

    def test_masking_and_scope_follow_the_list(self):
        # the agent sees A's customers, phones masked except on their own customer
        rows = read_csv(self.agent_c.get(EXPORT, query={"format": "csv"}).body)
        by_name = {row[1]: row for row in rows[1:]}
        self.assertNotIn("乙方客户", by_name)
        self.assertEqual(by_name["张伟"][3], "138****2222")
        self.assertEqual(by_name["张伟"][4], "021*****4567")
        self.assertEqual(by_name["李娜"][3], "13833334444")
        text = as_bytes(self.agent_c.get(EXPORT, query={"format": "csv"}).body).decode("utf-8")
        self.assertNotIn("13811112222", text)
        self.assertNotIn("13955556666", text)
        # the supervisor (customer.pii) sees them; a foreign unit gives an empty file
        rows = read_csv(self.sup.get(EXPORT, query={"format": "csv"}).body)
        self.assertIn("13811112222", [row[3] for row in rows])
        r = self.sup.get(EXPORT, query={"format": "csv", "unit_id": self.B["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(len(read_csv(r.body)), 1)
        rows, _ = read_xlsx(self.sup.get(EXPORT, query={"unit_id": self.B["id"]}).body)
        self.assertEqual(len(rows), 1)

    def test_bad_input_and_audit(self):
        before = self.admin.audit_count()
        self.assertProblem(self.admin.get(EXPORT, query={"format": "pdf"}), 422)
        self.assertProblem(self.admin.get(EXPORT, query={"format": "csv", "kind": "robot"}), 422)
        self.assertProblem(self.admin.get(EXPORT, query={"format": "csv", "unit_id": "x"}), 400)
        self.assertEqual(self.admin.audit_count(), before)
        self.assertStatus(self.admin.get(EXPORT, query={"format": "csv", "tag": "VIP"}), 200)
        self.assertEqual(self.admin.audit_count(), before + 1)
        last = self.admin.get("/api/v1/audit", query={"limit": 1}).body["items"][0]
        self.assertEqual(last["action"], "customer.export")
        self.assertIn("VIP", str(last["after"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
