"""Resumable uploads of large import files: a file announced with its size and SHA-256, sent in
numbered parts in any order (a re-sent part replaces the first copy), its progress read back
after an interruption, then imported by id with the same report as the file sent as the body.
Incomplete uploads and SHA-256 mismatches are refused (422) and write nothing; another user's
upload does not exist for them (404); uploads older than a day go away."""

import hashlib
import os
import unittest

from harness import PASSWORD, ServerTestCase

UPLOADS = "/api/v1/uploads"
IMPORT = "/api/v1/customers/import"
EVENTS_IMPORT = "/api/v1/customer-events/import"
CSV = {"Content-Type": "text/csv; charset=utf-8"}
RAW = {"Content-Type": "application/octet-stream"}
PART = 1024
DAY = 24 * 3600 * 1000


def csv_file(prefix, n, bad_rows=()):
    lines = ["姓名,手机,门店,备注"]
    for i in range(n):
        phone = "13912%s%05d" % (prefix, i) if i not in bad_rows else "12345"
        lines.append("上传客户%s%04d,%s,UP-S,这是一段为了让文件变大的备注文字%d" % (prefix, i, phone, i))
    return ("\n".join(lines) + "\n").encode("utf-8")


class UploadTest(ServerTestCase):
    server_config = {"uploads": {"part_bytes": PART, "max_bytes": 1 << 20, "max_open": 5},
                     "clock": {"adjustable": True}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.A = a.create_unit(cls.head["id"], "up-a", "上传分公司", "branch")
        cls.S = a.create_unit(cls.A["id"], "UP-S", "上传门店", "store")
        a.create_user("upsup", cls.A["id"], ["supervisor"])
        a.create_user("upsup2", cls.A["id"], ["supervisor"])
        a.create_user("upview", cls.A["id"], ["viewer"])
        cls.sup = cls.server.login("upsup", PASSWORD)
        cls.other = cls.server.login("upsup2", PASSWORD)
        cls.viewer = cls.server.login("upview", PASSWORD)

    def start(self, client, data, name="客户.csv", sha=True, **extra):
        body = {"filename": name, "size": len(data)}
        if sha:
            body["sha256"] = hashlib.sha256(data).hexdigest()
        body.update(extra)
        r = client.post(UPLOADS, body)
        self.assertStatus(r, 201)
        self.assertEqual(len(r.body["id"]), 32)
        self.assertEqual(r.body["part_size"], PART)
        self.assertEqual(r.body["received"], [])
        return r.body

    def put(self, client, up, n, data, expect=200):
        chunk = data[(n - 1) * PART:n * PART]
        r = client.put("%s/%s/parts/%d" % (UPLOADS, up["id"], n), raw_body=chunk, headers=RAW)
        self.assertStatus(r, expect)
        return r

    def customers(self):
        return len(self.admin.list_all("/api/v1/customers", query={"unit_id": self.S["id"]}))

    def test_parts_out_of_order_resent_resumed_then_imported_like_the_body(self):
        data = csv_file("1", 60, bad_rows=(7,))
        parts = (len(data) + PART - 1) // PART
        self.assertGreaterEqual(parts, 4)
        up = self.start(self.sup, data)
        self.assertEqual(up["parts"], parts)
        # the last part first, then the first; then the connection is "lost"
        self.put(self.sup, up, parts, data)
        self.put(self.sup, up, 1, data)
        # a browser that reloads asks where it stopped
        r = self.sup.get("%s/%s" % (UPLOADS, up["id"]))
        self.assertStatus(r, 200)
        self.assertEqual(r.body["received"], [1, parts])
        self.assertEqual(r.body["bytes_received"], PART + len(data) - (parts - 1) * PART)
        self.assertFalse(r.body["complete"])
        # a re-sent part replaces the first copy (a corrupted first copy is healed)
        bad = bytearray(data[:PART])
        bad[0:3] = b"xxx"
        self.assertStatus(self.sup.put("%s/%s/parts/1" % (UPLOADS, up["id"]), raw_body=bytes(bad), headers=RAW), 200)
        self.put(self.sup, up, 1, data)
        for n in range(2, parts):
            self.put(self.sup, up, n, data)
        r = self.sup.get("%s/%s" % (UPLOADS, up["id"]))
        self.assertEqual((r.body["received"], r.body["bytes_received"], r.body["complete"]),
                         (list(range(1, parts + 1)), len(data), True))

        # the same report as the file sent as the body
        body_dry = self.sup.post(IMPORT + "?dry_run=true", raw_body=data, headers=CSV)
        self.assertStatus(body_dry, 200)
        up_dry = self.sup.post(IMPORT + "?dry_run=true&upload_id=" + up["id"])
        self.assertStatus(up_dry, 200)
        self.assertEqual(up_dry.body, body_dry.body)
        self.assertEqual((up_dry.body["rows"], up_dry.body["invalid"]), (60, 1))
        self.assertEqual([p["line"] for p in up_dry.body["problems"]], [9])
        # all or nothing: refused with the same report as the body path
        before = self.customers()
        body_all = self.sup.post(IMPORT, raw_body=data, headers=CSV)
        up_all = self.sup.post(IMPORT + "?upload_id=" + up["id"])
        self.assertProblem(up_all, 422, "customer.import_has_errors")
        self.assertEqual(up_all.body["report"], body_all.body["report"])
        self.assertEqual(self.customers(), before)
        # the good rows
        r = self.sup.post(IMPORT + "?mode=valid&upload_id=" + up["id"])
        self.assertStatus(r, 201)
        self.assertEqual((r.body["created"], r.body["committed"]), (59, True))
        self.assertEqual(self.customers(), before + 59)
        # and removed
        self.assertStatus(self.sup.delete("%s/%s" % (UPLOADS, up["id"])), 204)
        self.assertProblem(self.sup.get("%s/%s" % (UPLOADS, up["id"])), 404)

    def test_incomplete_and_mismatched_uploads_are_refused_and_write_nothing(self):
        data = csv_file("2", 40)
        parts = (len(data) + PART - 1) // PART
        up = self.start(self.sup, data)
        self.put(self.sup, up, 1, data)
        self.put(self.sup, up, 3, data)
        before, audits = self.customers(), self.admin.audit_count()
        for q in ("?dry_run=true&upload_id=", "?upload_id="):
            r = self.sup.post(IMPORT + q + up["id"])
            self.assertProblem(r, 422, "upload.incomplete")
            self.assertEqual(r.body["missing"], [2] + list(range(4, parts + 1)))
            self.assertIn("%d" % (parts - 2), r.body["detail"])
        # a declared SHA-256 that the bytes do not have
        wrong = self.start(self.sup, data, sha=False, sha256="AB" * 32)
        self.assertEqual(wrong["sha256"], "ab" * 32)
        for n in range(1, parts + 1):
            self.put(self.sup, wrong, n, data)
        r = self.sup.post(IMPORT + "?upload_id=" + wrong["id"])
        self.assertProblem(r, 422, "upload.sha256_mismatch")
        # without a SHA-256 nothing is checked but completeness
        plain = self.start(self.sup, data, sha=False)
        self.assertIsNone(plain["sha256"])
        for n in range(1, parts + 1):
            self.put(self.sup, plain, n, data)
        self.assertStatus(self.sup.post(IMPORT + "?dry_run=true&upload_id=" + plain["id"]), 200)
        self.assertEqual((self.customers(), self.admin.audit_count()), (before, audits))
        for u in (up, wrong, plain):
            self.assertStatus(self.sup.delete("%s/%s" % (UPLOADS, u["id"])), 204)

    def test_bad_parts_and_bad_announcements(self):
        data = csv_file("3", 20)
        parts = (len(data) + PART - 1) // PART
        up = self.start(self.sup, data)
        r = self.sup.put("%s/%s/parts/1" % (UPLOADS, up["id"]), raw_body=data[:PART - 1], headers=RAW)
        self.assertProblem(r, 422, "validation.failed")
        self.assertEqual([(e["field"], e["code"]) for e in r.body["errors"]], [("n", "upload.part_size")])
        # the last part has the rest, exactly
        r = self.sup.put("%s/%s/parts/%d" % (UPLOADS, up["id"], parts), raw_body=data[(parts - 1) * PART:] + b"x", headers=RAW)
        self.assertProblem(r, 422)
        for n in ("0", str(parts + 1), "-1", "x", "99999999999"):
            r = self.sup.put("%s/%s/parts/%s" % (UPLOADS, up["id"], n), raw_body=data[:PART], headers=RAW)
            self.assertProblem(r, 422)
        self.assertProblem(self.sup.put("%s/%s/parts/1" % (UPLOADS, up["id"]), raw_body=b"y" * (PART + 1), headers=RAW), 413)
        self.assertEqual(self.sup.get("%s/%s" % (UPLOADS, up["id"])).body["received"], [])
        cases = [({"filename": "a.csv", "size": 0}, "size"), ({"filename": "a.csv", "size": (1 << 20) + 1}, "size"),
                 ({"filename": "", "size": 10}, "filename"), ({"filename": "a.csv", "size": 10, "sha256": "xyz"}, "sha256"),
                 ({"size": 10}, "filename"), ({"filename": "a.csv", "size": 10, "extra": 1}, "extra")]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.sup.post(UPLOADS, body)
                self.assertProblem(r, 422)
                self.assertIn(field, [e["field"] for e in r.body["errors"]])
        # a file whose name says neither CSV nor Excel needs ?format=
        odd = self.start(self.sup, data, name="客户数据.dat")
        for n in range(1, parts + 1):
            self.put(self.sup, odd, n, data)
        self.assertProblem(self.sup.post(IMPORT + "?dry_run=true&upload_id=" + odd["id"]), 415)
        self.assertStatus(self.sup.post(IMPORT + "?dry_run=true&format=csv&upload_id=" + odd["id"]), 200)
        # an upload id and a body at once
        self.assertProblem(self.sup.post(IMPORT + "?dry_run=true&upload_id=" + odd["id"], raw_body=data, headers=CSV), 400)
        for u in (up, odd):
            self.sup.delete("%s/%s" % (UPLOADS, u["id"]))

    def test_another_users_upload_does_not_exist_for_them(self):
        data = csv_file("4", 10)
        parts = (len(data) + PART - 1) // PART
        up = self.start(self.sup, data)
        for n in range(1, parts + 1):
            self.put(self.sup, up, n, data)
        path = "%s/%s" % (UPLOADS, up["id"])
        for r in (self.other.get(path), self.other.put(path + "/parts/1", raw_body=data[:PART], headers=RAW),
                  self.other.post(IMPORT + "?dry_run=true&upload_id=" + up["id"]),
                  self.other.post(EVENTS_IMPORT + "?dry_run=true&upload_id=" + up["id"]),
                  self.other.delete(path), self.admin.get(path),
                  self.sup.get("%s/%s" % (UPLOADS, "0" * 32)), self.sup.get(UPLOADS + "/nope")):
            self.assertProblem(r, 404)
            self.assertNotIn("客户.csv", str(r.body))
        # the owner without the right to import: 403 (their own upload is visible to them)
        own = self.start(self.viewer, data)
        self.assertProblem(self.viewer.post(IMPORT + "?dry_run=true&upload_id=" + own["id"]), 403)
        self.assertStatus(self.sup.get(path), 200)
        self.assertStatus(self.sup.post(IMPORT + "?dry_run=true&upload_id=" + up["id"]), 200)
        self.sup.delete(path)
        self.viewer.delete("%s/%s" % (UPLOADS, own["id"]))

    def test_too_many_open_uploads(self):
        ups = [self.start(self.other, b"abc", name="f%d.csv" % i) for i in range(5)]
        r = self.other.post(UPLOADS, {"filename": "f6.csv", "size": 3})
        self.assertProblem(r, 422, "upload.too_many")
        self.assertStatus(self.other.delete("%s/%s" % (UPLOADS, ups[0]["id"])), 204)
        ups[0] = self.start(self.other, b"abc")
        for u in ups:
            self.assertStatus(self.other.delete("%s/%s" % (UPLOADS, u["id"])), 204)

    def test_zz_uploads_older_than_a_day_are_removed(self):
        data = csv_file("5", 10)
        up = self.start(self.sup, data)
        self.put(self.sup, up, 1, data)
        folder = os.path.join(self.server.dir, "files", "uploads", up["id"])
        self.assertTrue(os.path.isdir(folder))
        now = self.admin.get("/api/v1/test/clock").body["now"]
        r = self.admin.post("/api/v1/test/clock", {"set": now + DAY + 2 * 3600 * 1000})
        self.assertStatus(r, 200)
        sup = self.server.login("upsup", PASSWORD)
        self.assertProblem(sup.get("%s/%s" % (UPLOADS, up["id"])), 404)
        self.assertFalse(os.path.exists(folder))


if __name__ == "__main__":
    unittest.main(verbosity=2)
