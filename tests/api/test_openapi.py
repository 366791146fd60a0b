"""The OpenAPI document matches the router (`kefu routes`) both ways."""

import re
import subprocess
import unittest

from harness import KEFU_BIN, ServerTestCase

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def norm(path):
    """/api/v1/users/{id} and /api/v1/users/{user_id} are the same route."""
    return re.sub(r"\{[^}/]*\}", "{}", path)


class OpenApiTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.get("/api/v1/openapi.json")
        cls.doc_resp = r
        cls.doc = r.body if r.status == 200 else None

    def routes(self):
        p = subprocess.run([KEFU_BIN, "routes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        if p.returncode != 0:
            p = self.server.cli("routes")
        self.assertEqual(p.returncode, 0, p.stderr)
        routes = set()
        for line in p.stdout.splitlines():
            line = line.strip()
            if not line:
                continue
            method, _, path = line.partition(" ")
            self.assertRegex(method, r"^[A-Z]+$", "line %r" % line)
            self.assertTrue(path.startswith("/"), "line %r" % line)
            routes.add((method.lower(), path.strip()))
        self.assertGreater(len(routes), 10, p.stdout)
        return routes

    def documented(self):
        ops = set()
        for path, item in self.doc["paths"].items():
            for m in item:
                if m in METHODS:
                    ops.add((m, path))
        return ops

    def test_valid_document(self):
        self.assertStatus(self.doc_resp, 200)
        self.assertEqual(self.doc_resp.content_type, "application/json")
        doc = self.doc
        self.assertIsInstance(doc, dict, "openapi.json is not valid JSON")
        self.assertRegex(doc.get("openapi", ""), r"^3\.1\.\d+$")
        self.assertIn("title", doc["info"])
        self.assertIn("version", doc["info"])
        self.assertIsInstance(doc["paths"], dict)
        # unauthenticated callers (API client generators) may fetch it too
        self.assertStatus(self.server.client().get("/api/v1/openapi.json"), 200)

    def test_every_route_documented(self):
        routes = self.routes()
        ops = {(m, norm(p)) for m, p in self.documented()}
        missing = sorted("%s %s" % (m.upper(), p) for m, p in routes
                         if (m, norm(p)) not in ops and "*" not in p)
        self.assertEqual(missing, [], "routes missing from openapi.json")

    def test_every_operation_exists(self):
        routes = {(m, norm(p)) for m, p in self.routes()}
        extra = sorted("%s %s" % (m.upper(), p) for m, p in self.documented() if (m, norm(p)) not in routes)
        self.assertEqual(extra, [], "documented operations the server does not have")

    def test_contract_routes_present(self):
        contract = """POST /api/v1/session
DELETE /api/v1/session
GET /api/v1/me
PUT /api/v1/me/password
GET /api/v1/org/units
POST /api/v1/org/units
GET /api/v1/org/units/{id}
PATCH /api/v1/org/units/{id}
GET /api/v1/users
POST /api/v1/users
GET /api/v1/users/{id}
PATCH /api/v1/users/{id}
POST /api/v1/users/{id}/password
GET /api/v1/tokens
POST /api/v1/tokens
DELETE /api/v1/tokens/{id}
GET /api/v1/audit
GET /healthz
GET /readyz
GET /metrics
GET /api/v1/openapi.json"""
        routes = {(m, norm(p)) for m, p in self.routes()}
        want = {(l.split()[0].lower(), norm(l.split()[1])) for l in contract.splitlines()}
        self.assertEqual(sorted(want - routes), [], "contract routes missing from the router")

    def test_operations_well_formed(self):
        doc = self.doc
        op_ids = []
        for path, item in doc["paths"].items():
            params_in_path = set(re.findall(r"\{([^}]+)\}", path))
            for m, op in item.items():
                if m not in METHODS:
                    continue
                where = "%s %s" % (m.upper(), path)
                self.assertIn("responses", op, where)
                self.assertTrue(op["responses"], where)
                if "operationId" in op:
                    op_ids.append(op["operationId"])
                declared = {p.get("name") for p in op.get("parameters", []) + item.get("parameters", [])
                            if isinstance(p, dict) and p.get("in") == "path"}
                declared |= {self.resolve(p["$ref"]).get("name") for p in op.get("parameters", []) + item.get("parameters", [])
                             if isinstance(p, dict) and "$ref" in p and self.resolve(p["$ref"]).get("in") == "path"}
                self.assertEqual(params_in_path - declared, set(), "%s: undeclared path parameters" % where)
        self.assertEqual(len(op_ids), len(set(op_ids)), "operationIds are unique")

    def resolve(self, ref):
        self.assertTrue(ref.startswith("#/"), ref)
        node = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            self.assertIn(part, node, "dangling $ref %s" % ref)
            node = node[part]
        return node

    def test_refs_resolve(self):
        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "$ref" and isinstance(v, str):
                        self.resolve(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.doc)


if __name__ == "__main__":
    unittest.main(verbosity=2)
