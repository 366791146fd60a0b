"""Audit log: every write adds a row; the hash chain shows tampering (`kefu audit verify`)."""

import json
import sqlite3
import subprocess
import unittest

from harness import PASSWORD, ServerTestCase, now_ms, unit_path, user_path


def rows_for(client, entity_id):
    return [r for r in client.list_all("/api/v1/audit") if str(r.get("entity_id")) == str(entity_id)]


class AuditApiTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.admin.create_unit(cls.head["id"], "au-b", "审计分公司", "branch")
        cls.region = cls.admin.create_unit(cls.head["id"], "au-r", "审计大区", "region")

    def test_row_shape_and_unit_writes(self):
        n0 = self.admin.audit_count()
        t0 = now_ms()
        r = self.admin.post("/api/v1/org/units", {"parent_id": self.branch["id"], "code": "au-s1", "name": "审计门店",
                                                  "kind": "store"})
        self.assertStatus(r, 201)
        uid = r.body["id"]
        self.assertEqual(self.admin.audit_count(), n0 + 1, "one create -> one audit row")
        rows = rows_for(self.admin, uid)
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertTrue({"id", "at", "actor", "action", "entity", "entity_id", "before", "after", "request_id"} <= set(row),
                        row)
        self.assertEqual(row["request_id"], r.request_id)
        self.assertLessEqual(abs(row["at"] - t0), 60_000)
        self.assertIn("admin", json.dumps(row["actor"]))
        self.assertIn(row["before"], (None, {}, ""))
        self.assertEqual(row["after"]["code"] if isinstance(row["after"], dict) else json.loads(row["after"])["code"],
                         "au-s1")
        # PATCH: before -> after
        p = self.admin.patch(unit_path(uid), {"name": "改名门店"})
        self.assertStatus(p, 200)
        rows = rows_for(self.admin, uid)
        self.assertEqual(len(rows), 2)
        upd = [x for x in rows if x["request_id"] == p.request_id][0]
        before = upd["before"] if isinstance(upd["before"], dict) else json.loads(upd["before"])
        after = upd["after"] if isinstance(upd["after"], dict) else json.loads(upd["after"])
        self.assertEqual(before.get("name"), "审计门店")
        self.assertEqual(after.get("name"), "改名门店")
        self.assertNotEqual(upd["action"], row["action"])
        # the filter
        f = self.admin.get("/api/v1/audit", query={"entity": row["entity"], "entity_id": uid})
        self.assertStatus(f, 200)
        self.assertEqual(sorted(x["id"] for x in f.body["items"]), sorted(x["id"] for x in rows))
        f = self.admin.get("/api/v1/audit", query={"entity": "no_such_entity"})
        self.assertStatus(f, (200, 400, 422))
        if f.status == 200:
            self.assertEqual(f.body["items"], [])

    def test_every_write_adds_rows_without_secrets(self):
        a = self.admin
        n = a.audit_count()
        steps = []

        def step(label, resp, status):
            self.assertStatus(resp, status, label)
            nonlocal n
            m = a.audit_count()
            self.assertGreaterEqual(m, n + 1, "%s added no audit row" % label)
            steps.append((label, m - n))
            n = m
            return resp

        u = step("create user", a.post("/api/v1/users", {"username": "audited", "display_name": "被审计",
                                                         "password": PASSWORD, "unit_id": self.branch["id"],
                                                         "roles": ["agent"], "phone": "13811112222"}), 201).body
        step("patch user", a.patch(user_path(u["id"]), {"display_name": "被审计2"}), 200)
        step("reset password", a.post(user_path(u["id"]) + "/password", {"password": "Audit-Passw0rd-9"}), 204)
        c = self.server.login("audited", "Audit-Passw0rd-9")
        n = a.audit_count()  # the sign-in itself is audited
        step("own password", c.put("/api/v1/me/password", {"current_password": "Audit-Passw0rd-9",
                                                           "new_password": "Audit-Passw0rd-8"}), 204)
        tok = step("create token", a.post("/api/v1/tokens", {"name": "aud", "scopes": ["read"]}), 201).body
        step("revoke token", a.delete("/api/v1/tokens/%d" % tok["info"]["id"]), 204)
        unit = step("create unit", a.post("/api/v1/org/units", {"parent_id": self.branch["id"], "code": "au-s2",
                                                                "name": "门店二", "kind": "store"}), 201).body
        step("move unit", a.patch(unit_path(unit["id"]), {"parent_id": self.region["id"]}), 200)
        step("deactivate unit", a.patch(unit_path(unit["id"]), {"active": False}), 200)
        text = json.dumps(a.list_all("/api/v1/audit"), ensure_ascii=False)
        for secret in (PASSWORD, "Audit-Passw0rd-9", "Audit-Passw0rd-8", tok["token"], "$argon2"):
            self.assertNotIn(secret, text, "audit log contains a secret")

    def test_refused_writes_add_no_rows(self):
        n = self.admin.audit_count()
        self.admin.post("/api/v1/org/units", {"parent_id": self.branch["id"], "code": "au-bad", "kind": "planet"})
        self.admin.patch(unit_path(987654321), {"name": "x"})
        self.admin.post("/api/v1/users", {"username": "admin", "display_name": "x", "password": PASSWORD,
                                          "unit_id": self.head["id"], "roles": ["viewer"]})
        self.assertEqual(self.admin.audit_count(), n)

    def test_admin_only(self):
        self.admin.create_user("ausup", self.branch["id"], ["supervisor"])
        self.admin.create_user("auman", self.branch["id"], ["manager"])
        for name in ("ausup", "auman"):
            r = self.server.login(name, PASSWORD).get("/api/v1/audit")
            self.assertProblem(r, 403, "auth.forbidden", msg=name)

    def test_paging(self):
        for i in range(12):
            self.admin.create_unit(self.branch["id"], "au-p%d" % i, "分页 %d" % i, "store")
        seen, after, cursors = [], None, []
        while True:
            q = {"limit": 5}
            if after:
                q["after"] = after
            r = self.admin.get("/api/v1/audit", query=q)
            self.assertStatus(r, 200)
            seen += [x["id"] for x in r.body["items"]]
            after = r.body["next"]
            if not after:
                break
            self.assertIsInstance(after, str)
            self.assertNotIn(after, cursors, "?after=%s does not advance: cursors %s, ids %s" % (after, cursors, seen))
            cursors.append(after)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), self.admin.audit_count())
        self.assertGreaterEqual(len(seen), 12)


class AuditChainTest(ServerTestCase):
    """Stops the server, then verifies, tampers with and repairs the log on the database."""

    def verify(self):
        p = self.server.cli("audit", "verify", check=False)
        out = (p.stdout + p.stderr).strip()
        self.assertTrue(out, "audit verify prints a line")
        return p.returncode, out

    def sql(self, query, params=()):
        if self.server.pg_url:
            q = query
            for v in params:
                q = q.replace("?", "'" + str(v).replace("'", "''") + "'" if isinstance(v, str) else str(v), 1)
            p = subprocess.run(["psql", self.server.pg_url, "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", q],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
            return [line.split("\t") for line in p.stdout.splitlines() if line]
        con = sqlite3.connect(self.server.db_path)
        try:
            cur = con.execute(query, params)
            rows = [list(r) for r in cur.fetchall()]
            con.commit()
            return rows
        finally:
            con.close()

    def columns(self):
        if self.server.pg_url:
            return [r[0] for r in self.sql("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_name = 'audit_log' ORDER BY ordinal_position")]
        return [r[1] for r in self.sql("PRAGMA table_info(audit_log)")]

    def test_chain(self):
        a = self.admin
        b = a.create_unit(self.head["id"], "ch-b", "链分公司", "branch")
        for i in range(6):
            s = a.create_unit(b["id"], "ch-s%d" % i, "链门店 %d" % i, "store")
            a.patch(unit_path(s["id"]), {"name": "链门店改 %d" % i})
        a.create_user("chainuser", b["id"], ["agent"])
        n = a.audit_count()
        self.assertGreaterEqual(n, 14)

        if self.server.pg_url:
            rc, out = self.verify()
            self.assertEqual(rc, 0, "verify on the live PostgreSQL database: %s" % out)
        self.assertEqual(self.server.stop(), 0, "SIGTERM exit code")

        rc, out = self.verify()
        self.assertEqual(rc, 0, "intact log: %s" % out)

        cols = self.columns()
        self.assertIn("after_json", cols, cols)
        ids = [int(r[0]) for r in self.sql("SELECT id FROM audit_log ORDER BY id")]
        self.assertEqual(len(ids), n, "API count equals table rows")
        mid = ids[len(ids) // 2]
        (orig,) = self.sql("SELECT after_json FROM audit_log WHERE id = ?", (mid,))[0]

        # edit one row's content
        self.sql("UPDATE audit_log SET after_json = ? WHERE id = ?", ('{"name":"篡改"}', mid))
        rc, out = self.verify()
        self.assertNotEqual(rc, 0, "edited row went unnoticed: %s" % out)
        self.sql("UPDATE audit_log SET after_json = ? WHERE id = ?", (orig, mid))
        rc, out = self.verify()
        self.assertEqual(rc, 0, "restored row: %s" % out)

        # edit another column (who did it)
        if "actor" in cols:
            (actor,) = self.sql("SELECT actor FROM audit_log WHERE id = ?", (ids[1],))[0]
            self.sql("UPDATE audit_log SET actor = ? WHERE id = ?", ("someone-else", ids[1]))
            rc, out = self.verify()
            self.assertNotEqual(rc, 0, "changed actor went unnoticed: %s" % out)
            self.sql("UPDATE audit_log SET actor = ? WHERE id = ?", (actor, ids[1]))
            self.assertEqual(self.verify()[0], 0)

        # delete a middle row
        qcols = ", ".join('"%s"' % c for c in cols)
        saved = self.sql("SELECT %s FROM audit_log WHERE id = ?" % qcols, (mid,))[0]
        self.sql("DELETE FROM audit_log WHERE id = ?", (mid,))
        rc, out = self.verify()
        self.assertNotEqual(rc, 0, "deleted middle row went unnoticed: %s" % out)

        # delete the newest row (truncation)
        if not self.server.pg_url:
            last = self.sql("SELECT %s FROM audit_log WHERE id = ?" % qcols, (ids[-1],))[0]
            con = sqlite3.connect(self.server.db_path)
            con.execute("INSERT INTO audit_log (%s) VALUES (%s)" % (qcols, ",".join("?" * len(cols))), saved)
            con.commit()
            con.close()
            rc, out = self.verify()
            self.assertEqual(rc, 0, "re-inserted middle row: %s" % out)
            self.sql("DELETE FROM audit_log WHERE id = ?", (ids[-1],))
            rc, out = self.verify()
            self.assertNotEqual(rc, 0, "deleted newest row went unnoticed: %s" % out)
            del last


if __name__ == "__main__":
    unittest.main(verbosity=2)
