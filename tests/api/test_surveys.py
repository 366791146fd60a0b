"""Surveys over HTTP: the shipped questionnaires, create and save (a save is a new version,
old versions stay readable), deactivation, permissions (agents read, only admins write),
preview scoring with one problem entry per bad answer, definition problems per field,
benchmarks, and the dimension report's input rules and scope. Recording answers belongs to
the callbacks module (no public route); record + report are tested in
tests/unit/surveys_store_test.cpp against real databases."""

import copy

from harness import PASSWORD, ServerTestCase

Q = "/api/v1/questionnaires"
BM = "/api/v1/survey-benchmarks"
REPORT = "/api/v1/survey-reports/dimensions"


def fields(body):
    return sorted(e["field"] for e in body.get("errors", []))


def by_field(body):
    return {e["field"]: e["code"] for e in body.get("errors", [])}


def simple(code):
    return {
        "code": code,
        "name": "测试问卷",
        "channel": "store",
        "scale": 100,
        "dimensions": [{"code": "svc", "name": "服务", "weight": 2}, {"code": "env", "name": "环境", "weight": 1}],
        "questions": [
            {"code": "a", "text": "服务态度", "type": "scale", "scale_min": 1, "scale_max": 5, "dimension": "svc",
             "required": True, "dissatisfied_at_or_below": 2, "department": "store"},
            {"code": "b", "text": "门店环境", "type": "scale", "scale_min": 0, "scale_max": 10, "dimension": "env"},
            {"code": "ok", "text": "总体满意吗", "type": "yes_no", "required": True, "role": "overall",
             "dissatisfied_when": False, "department": "store"},
            {"code": "why", "text": "哪里不满意", "type": "single", "required": True,
             "show_if": {"question": "ok", "any_of": ["no"]},
             "options": [{"code": "slow", "label": "慢"}, {"code": "rude", "label": "态度差", "dissatisfied": True}]},
        ],
        "script": {"opening": "您好，{customer.name}", "satisfied_closing": "谢谢", "dissatisfied_closing": "抱歉"},
    }


class SurveyTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a = cls.admin
        cls.branch = a.create_unit(cls.head["id"], "sv-b", "问卷分公司", "branch")
        cls.other = a.create_unit(cls.head["id"], "sv-o", "另一分公司", "branch")
        a.create_user("svagent", cls.branch["id"], ["agent"])
        a.create_user("svhandler", cls.branch["id"], ["handler"])
        cls.agent = cls.server.login("svagent", PASSWORD)
        cls.handler = cls.server.login("svhandler", PASSWORD)
        items = a.get(Q).body["items"]
        cls.presets = {q["code"]: q for q in items}

    def create(self, body=None, client=None):
        return (client or self.admin).post(Q, json=body or simple(self.uniq("q")))

    def snapshot(self):
        return self.admin.get(Q).body["items"], self.admin.audit_count()

    # ------------------------------------------------------------------ presets

    def test_presets_are_shipped_and_valid(self):
        self.assertTrue({"car_sales_ssi", "car_service_csi", "store_purchase", "delivery_install", "complaint_verify",
                         "property_repair", "online_order"} <= set(self.presets))
        ssi = self.admin.get("%s/%d" % (Q, self.presets["car_sales_ssi"]["id"])).body
        self.assertEqual((ssi["scale"], len(ssi["questions"]), len(ssi["dimensions"]), ssi["version"]), (1000, 23, 7, 1))
        self.assertEqual(ssi["name"], "新车销售满意度回访")
        self.assertIn("{customer.name}", ssi["script"]["opening"])
        # Each preset saved back unchanged is accepted and makes no new version.
        for code, p in self.presets.items():
            body = self.admin.get("%s/%d" % (Q, p["id"])).body
            r = self.admin.put("%s/%d" % (Q, p["id"]), json=body)
            self.assertStatus(r, 200, code)
            self.assertEqual(r.body["version"], body["version"], code)

    # ------------------------------------------------------------------ CRUD and versions

    def test_create_save_versions(self):
        r = self.create()
        self.assertStatus(r, 201)
        q = r.body
        self.assertEqual((q["version"], q["active"]), (1, True))
        qid = q["id"]
        before = self.admin.audit_count()
        changed = copy.deepcopy(q)
        changed["questions"].append({"code": "c", "text": "还有建议吗", "type": "text", "role": "complaint"})
        r = self.admin.put("%s/%d" % (Q, qid), json=changed)
        self.assertStatus(r, 200)
        self.assertEqual(r.body["version"], 2)
        self.assertEqual(self.admin.audit_count(), before + 1)
        # Version 1 stays as it was.
        v1 = self.admin.get("%s/%d/versions/1" % (Q, qid)).body
        self.assertEqual(len(v1["questions"]), 4)
        self.assertEqual(len(self.admin.get("%s/%d" % (Q, qid)).body["questions"]), 5)
        vs = self.admin.get("%s/%d/versions" % (Q, qid)).body["items"]
        self.assertEqual([v["version"] for v in vs], [2, 1])
        self.assertStatus(self.admin.get("%s/%d/versions/3" % (Q, qid)), 404)
        self.assertStatus(self.admin.get("%s/%d/versions/x" % (Q, qid)), 404)
        # The code cannot change; a taken code is a conflict.
        moved = copy.deepcopy(changed)
        moved["code"] = "renamed"
        self.assertEqual(by_field(self.admin.put("%s/%d" % (Q, qid), json=moved).body), {"code": "survey.code_immutable"})
        self.assertProblem(self.create(simple(q["code"])), 409, "survey.code_taken")

    def test_deactivate(self):
        qid = self.create().body["id"]
        r = self.admin.patch("%s/%d" % (Q, qid), json={"active": False})
        self.assertStatus(r, 200)
        self.assertFalse(r.body["active"])
        self.assertFalse(next(x for x in self.admin.get(Q).body["items"] if x["id"] == qid)["active"])
        self.assertProblem(self.admin.patch("%s/%d" % (Q, qid), json={}), 422, "validation.failed")
        self.assertStatus(self.admin.patch("%s/%d" % (Q, qid), json={"active": True}), 200)

    def test_unknown_ids(self):
        self.assertProblem(self.admin.get("%s/999999" % Q), 404, "not_found")
        self.assertProblem(self.admin.put("%s/999999" % Q, json=simple("zz")), 404, "not_found")
        self.assertProblem(self.admin.post("%s/999999/preview-score" % Q, json={"answers": {}}), 404, "not_found")

    # ------------------------------------------------------------------ permissions

    def test_agent_reads_but_cannot_edit(self):
        self.assertStatus(self.agent.get(Q), 200)
        qid = self.presets["store_purchase"]["id"]
        body = self.agent.get("%s/%d" % (Q, qid)).body
        snap = self.snapshot()
        self.assertProblem(self.agent.put("%s/%d" % (Q, qid), json=body), 403, "auth.forbidden")
        self.assertProblem(self.agent.post(Q, json=simple("agentq")), 403, "auth.forbidden")
        self.assertProblem(self.agent.patch("%s/%d" % (Q, qid), json={"active": False}), 403, "auth.forbidden")
        self.assertProblem(self.agent.put(BM, json={"items": []}), 403, "auth.forbidden")
        self.assertEqual(self.snapshot(), snap)
        # The agent may preview (the workbench validates before submitting).
        self.assertStatus(self.agent.post("%s/%d/preview-score" % (Q, qid), json={"answers": {}}), (200, 422))

    def test_roles_without_survey_read(self):
        self.assertProblem(self.handler.get(Q), 403, "auth.forbidden")
        self.assertProblem(self.handler.get(REPORT, query={"questionnaire_id": 1, "from": "2026-01"}), 403)

    # ------------------------------------------------------------------ definition problems

    def test_definition_problems_one_entry_per_field(self):
        body = simple(self.uniq("bad"))
        body["scale"] = 50
        body["questions"][1]["dimension"] = "nope"
        body["questions"][3]["show_if"] = {"question": "later", "any_of": ["x"]}
        body["questions"].append({"code": "a", "text": "重复", "type": "yes_no"})
        body["questions"][0]["scale_max"] = 11
        body["script"]["opening"] = "您好 {customer.nick}"
        body["extra"] = 1
        snap = self.snapshot()
        r = self.admin.post(Q, json=body)
        b = self.assertProblem(r, 422, "validation.failed")
        self.assertEqual(by_field(b), {
            "extra": "field.unknown",
            "scale": "survey.scale_invalid",
            "questions[0].scale_max": "survey.range_invalid",
            "questions[1].dimension": "survey.dimension_unknown",
            "questions[3].show_if.question": "survey.show_if_unknown",
            "questions[4].code": "survey.code_repeated",
            "script.opening": "survey.placeholder_unknown",
            "dimensions[1].code": "survey.dimension_empty",
        })
        self.assertEqual(self.snapshot(), snap)
        # English messages on request.
        en = self.server.login(lang="en").post(Q, json=body).body
        self.assertIn("must be 100 or 1000", [e["message"] for e in en["errors"]])

    def test_skip_cycle_is_refused(self):
        body = simple(self.uniq("cyc"))
        body["questions"][2]["show_if"] = {"question": "why", "any_of": ["slow"]}
        b = self.assertProblem(self.admin.post(Q, json=body), 422)
        self.assertEqual(by_field(b)["questions[2].show_if.question"], "survey.show_if_cycle")

    def test_wrong_types_in_a_definition(self):
        b = self.assertProblem(self.admin.post(Q, json={"code": "t1", "name": 5, "channel": "store", "questions": "x"}), 422)
        self.assertEqual(by_field(b), {"name": "field.wrong_type", "questions": "field.wrong_type"})
        self.assertProblem(self.admin.post(Q, raw_body=b"{", headers={"Content-Type": "application/json"}), 400)

    # ------------------------------------------------------------------ preview

    def test_preview_scores_without_writing(self):
        qid = self.create().body["id"]
        snap = self.snapshot()
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {"a": 4, "b": 5, "ok": True}})
        self.assertStatus(r, 200)
        s = r.body["scored"]
        # svc: (4-1)/4 = 75; env: 5/10 = 50; overall (2·75 + 50)/3 = 66.67
        self.assertEqual({d["code"]: d["index"] for d in s["dimensions"]}, {"svc": 75.0, "env": 50.0})
        self.assertAlmostEqual(s["overall"], 200 / 3, places=9)
        self.assertTrue(s["satisfied"])
        self.assertTrue(r.body["complete"])
        self.assertEqual((r.body["shown"], r.body["missing"]), (["a", "b", "ok"], []))
        # A form being filled in: missing required answers are listed, not refused.
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {"b": 10}, "partial": True})
        self.assertStatus(r, 200)
        self.assertEqual((r.body["complete"], r.body["missing"]), (False, ["a", "ok"]))
        self.assertEqual(r.body["scored"]["dimensions"], [{"code": "env", "index": 100.0}])
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {"b": 11}, "partial": True})
        self.assertEqual(by_field(r.body), {"answers.b": "survey.scale_out_of_range"})
        # Dissatisfied: the overall says no, the follow-up is shown and required.
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {"a": 2, "ok": False, "why": "rude"}})
        s = r.body["scored"]
        self.assertFalse(s["satisfied"])
        self.assertEqual([(d["question"], d["department"]) for d in s["dissatisfied"]],
                         [("a", "store"), ("ok", "store"), ("why", "")])
        self.assertEqual(r.body["shown"], ["a", "b", "ok", "why"])
        self.assertEqual(self.snapshot(), snap)

    def test_preview_errors_one_entry_per_bad_answer(self):
        qid = self.create().body["id"]
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {
            "a": 9,            # out of 1–5
            "b": 2.5,          # not an integer
            "why": "slow",     # hidden: ok is not "no"
            "zz": True,        # no such question
        }})
        b = self.assertProblem(r, 422, "validation.failed")
        self.assertEqual(by_field(b), {
            "answers.a": "survey.scale_out_of_range",
            "answers.b": "field.wrong_type",
            "answers.why": "survey.hidden_question",
            "answers.zz": "survey.unknown_question",
            "answers.ok": "field.required",
        })
        self.assertIn("1", next(e["message"] for e in b["errors"] if e["field"] == "answers.a"))
        r = self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": {"a": 3, "ok": False, "why": "fast"}})
        self.assertEqual(by_field(r.body), {"answers.why": "survey.unknown_option"})
        self.assertEqual(by_field(self.admin.post("%s/%d/preview-score" % (Q, qid), json={"answers": []}).body),
                         {"answers": "field.wrong_type"})
        self.assertEqual(by_field(self.admin.post("%s/%d/preview-score" % (Q, qid), json={}).body),
                         {"answers": "field.required"})

    def test_preview_of_an_unsaved_draft(self):
        q = self.create().body
        draft = copy.deepcopy(q)
        draft["questions"][0]["scale_max"] = 10
        r = self.admin.post("%s/%d/preview-score" % (Q, q["id"]), json={"answers": {"a": 10, "ok": True}, "definition": draft})
        self.assertStatus(r, 200)
        self.assertEqual(r.body["scored"]["dimensions"], [{"code": "svc", "index": 100.0}])
        draft["questions"][0]["dimension"] = "gone"
        r = self.admin.post("%s/%d/preview-score" % (Q, q["id"]), json={"answers": {}, "definition": draft})
        self.assertEqual(by_field(r.body)["definition.questions[0].dimension"], "survey.dimension_unknown")
        self.assertEqual(self.admin.get("%s/%d" % (Q, q["id"])).body["version"], 1)

    # ------------------------------------------------------------------ benchmarks

    def test_benchmarks(self):
        items = [
            {"questionnaire_code": "car_sales_ssi", "dimension": "overall", "period": "2026-03", "level": "region", "value": 972.5},
            {"questionnaire_code": "car_sales_ssi", "dimension": "consultant", "period": "2026-03", "level": "nation", "value": 968},
        ]
        r = self.admin.put(BM, json={"items": items})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.body["items"]), 2)
        got = self.agent.get(BM, query={"questionnaire_code": "car_sales_ssi", "from": "2026-01", "to": "2026-03"}).body["items"]
        self.assertEqual({(b["dimension"], b["level"], b["value"]) for b in got},
                         {("overall", "region", 972.5), ("consultant", "nation", 968.0)})
        # Update one, remove the other.
        r = self.admin.put(BM, json={"items": [dict(items[0], value=975), dict(items[1], value=None)]})
        self.assertEqual([(b["dimension"], b["value"]) for b in r.body["items"]], [("overall", 975.0)])
        # Bad entries: every one named, nothing stored.
        snap = self.admin.audit_count()
        r = self.admin.put(BM, json={"items": [
            {"questionnaire_code": "nope", "dimension": "overall", "period": "2026-03", "level": "region", "value": 1},
            {"questionnaire_code": "car_sales_ssi", "dimension": "xx", "period": "2026-13", "level": "city", "value": 1001},
        ]})
        self.assertEqual(by_field(self.assertProblem(r, 422)), {
            "items[0].questionnaire_code": "survey.questionnaire_unknown",
            "items[1].dimension": "survey.dimension_unknown",
            "items[1].period": "survey.month_invalid",
            "items[1].level": "survey.level_invalid",
            "items[1].value": "survey.value_out_of_range",
        })
        r = self.admin.put(BM, json={"items": [
            {"questionnaire_code": "car_sales_ssi", "dimension": "overall", "period": "2026-03", "level": "region"},
            {"questionnaire_code": "car_sales_ssi", "dimension": "overall", "period": "2026-03", "level": "region",
             "value": "high", "note": 1}]})
        self.assertEqual(by_field(self.assertProblem(r, 422)), {
            "items[0].value": "field.required", "items[1].value": "field.wrong_type", "items[1].note": "field.unknown"})
        self.assertEqual(self.admin.audit_count(), snap)
        self.assertEqual(len(self.admin.get(BM, query={"questionnaire_code": "car_sales_ssi"}).body["items"]), 1)

    # ------------------------------------------------------------------ report

    def test_report_empty_months_and_input_rules(self):
        qid = self.presets["car_service_csi"]["id"]
        r = self.agent.get(REPORT, query={"questionnaire_id": qid, "from": "2026-01", "to": "2026-03"})
        self.assertStatus(r, 200)
        b = r.body
        self.assertEqual([row["key"] for row in b["rows"]], ["2026-01", "2026-02", "2026-03"])
        self.assertTrue(all(row["answers"] == 0 and row["overall"] is None and row["satisfied_rate"] is None
                            for row in b["rows"]))
        self.assertEqual([d["code"] for d in b["questionnaire"]["dimensions"]], ["reception", "quality", "handover", "cost"])
        bad = self.agent.get(REPORT, query={"questionnaire_id": qid, "from": "2026-05", "to": "2026-01", "group": "city"})
        self.assertEqual(by_field(self.assertProblem(bad, 422)), {"to": "survey.range_reversed", "group": "survey.group_invalid"})
        long = self.agent.get(REPORT, query={"questionnaire_id": qid, "from": "2020-01", "to": "2026-01"})
        self.assertEqual(by_field(long.body), {"to": "survey.range_too_long"})
        self.assertProblem(self.agent.get(REPORT, query={"from": "2026-01"}), 400, "request.bad_parameter")
        self.assertProblem(self.agent.get(REPORT, query={"questionnaire_id": 999999, "from": "2026-01"}), 404)
        # A unit outside the agent's scope does not exist for them; one inside is fine.
        self.assertProblem(self.agent.get(REPORT, query={"questionnaire_id": qid, "from": "2026-01", "unit_id": self.other["id"]}), 404)
        self.assertStatus(self.agent.get(REPORT, query={"questionnaire_id": qid, "from": "2026-01", "unit_id": self.branch["id"], "group": "unit"}), 200)
