from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import PortfolioCommon


@freeze_time("2026-06-15")
@tagged("post_install", "-at_install")
class TestLifeEvents(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 30 years old on the frozen date
        cls.client_a.write({"birthdate": "1996-01-10", "marital_status": "single"})
        cls.address_type = cls.env.ref(
            "customer_portfolio.mail_activity_type_address_update"
        )

    def _event(self, event_type, date="2026-01-01", partner=None):
        return (partner or self.client_a).record_life_event(event_type, date)

    def assertHousehold(self, partner, marital_status, children, stage):
        self.assertEqual(
            (partner.marital_status, partner.children_count, partner.lifecycle_stage),
            (marital_status, children, stage),
        )

    def test_marriage_birth_divorce(self):
        self.assertHousehold(self.client_a, "single", 0, "young_single")
        self._event("marriage", "2024-05-01")
        self.assertHousehold(self.client_a, "married", 0, "couple")
        self._event("birth_of_child", "2025-02-01")
        self.assertHousehold(self.client_a, "married", 1, "young_family")
        self._event("birth_of_child", "2026-03-01")
        self.assertHousehold(self.client_a, "married", 2, "young_family")
        self._event("divorce", "2026-05-01")
        self.assertHousehold(self.client_a, "divorced", 2, "young_family")

    def test_divorce_without_children_then_single_stage(self):
        self._event("marriage", "2020-05-01")
        self._event("divorce", "2025-05-01")
        self.assertHousehold(self.client_a, "divorced", 0, "young_single")

    def test_age_moves_families_along(self):
        self.client_a.write({"birthdate": "1980-01-10", "children_count": 2})
        self.assertEqual(self.client_a.lifecycle_stage, "mature_family")
        self.client_a.birthdate = "1970-01-10"
        self.assertEqual(self.client_a.lifecycle_stage, "empty_nest")
        self.client_a.birthdate = "1960-01-10"
        self.assertEqual(self.client_a.lifecycle_stage, "retired")

    def test_retirement_event(self):
        self.client_a.birthdate = "1965-01-10"
        self.assertEqual(self.client_a.lifecycle_stage, "empty_nest")
        event = self._event("retirement")
        self.assertTrue(self.client_a.is_retired)
        self.assertEqual(self.client_a.lifecycle_stage, "retired")
        with self.assertRaisesMessage(UserError, "retirement event"):
            self.client_a.is_retired = False
        event.unlink()
        self.assertFalse(self.client_a.is_retired)
        self.assertEqual(self.client_a.lifecycle_stage, "empty_nest")

    def test_retired_by_hand(self):
        self.client_a.is_retired = True
        self.assertEqual(self.client_a.lifecycle_stage, "retired")
        self.client_a.is_retired = False
        self.assertEqual(self.client_a.lifecycle_stage, "young_single")

    def test_events_without_household_effect(self):
        self.client_a.write({"marital_status": "married", "children_count": 1})
        for event_type in (
            "new_job",
            "job_loss",
            "relocation",
            "vehicle_purchase",
            "home_purchase",
            "other",
        ):
            self._event(event_type)
        self.assertHousehold(self.client_a, "married", 1, "young_family")
        self.assertFalse(self.client_a.is_retired)

    def test_no_data_no_stage(self):
        self.assertFalse(self.client_b.lifecycle_stage)
        self.client_b.marital_status = "partnership"
        self.assertEqual(self.client_b.lifecycle_stage, "couple")

    def test_event_never_applied_twice(self):
        births = self._event("birth_of_child", "2026-03-01")
        again = self._event("birth_of_child", "2026-03-01")
        self.assertEqual(len(births), 1)
        self.assertFalse(again)
        self.assertEqual(len(self.client_a.life_event_ids), 1)
        self.assertEqual(self.client_a.children_count, 1)
        # writing a field of the event does not apply it again
        births.note = "Twins? No, one daughter."
        self.assertEqual(self.client_a.children_count, 1)

    def test_deleting_or_retyping_events_reverts_household(self):
        self.client_a.children_count = 1
        marriage = self._event("marriage", "2024-05-01")
        birth = self._event("birth_of_child", "2025-02-01")
        self.assertHousehold(self.client_a, "married", 2, "young_family")
        birth.event_type = "new_job"
        self.assertHousehold(self.client_a, "married", 1, "young_family")
        birth.event_type = "birth_of_child"
        birth.unlink()
        self.assertHousehold(self.client_a, "married", 1, "young_family")
        marriage.unlink()
        self.assertHousehold(self.client_a, "single", 1, "young_family")
        self.client_a.children_count = 0
        self.assertHousehold(self.client_a, "single", 0, "young_single")

    def test_editing_event_dates_reorders_marital_status(self):
        marriage = self._event("marriage", "2024-05-01")
        divorce = self._event("divorce", "2025-05-01")
        self.assertEqual(self.client_a.marital_status, "divorced")
        marriage.date = "2026-01-01"
        self.assertEqual(self.client_a.marital_status, "married")
        divorce.event_type = "marriage"
        self.assertEqual(self.client_a.marital_status, "married")
        marriage.event_type = "divorce"
        self.assertEqual(self.client_a.marital_status, "divorced")

    def test_marital_status_set_by_hand_after_events(self):
        self._event("marriage", "2020-05-01")
        self.client_a.marital_status = "widowed"
        self.assertEqual(self.client_a.marital_status, "widowed")
        # an older event recorded later does not undo the hand edit
        self._event("divorce", "2010-05-01")
        self.assertEqual(self.client_a.marital_status, "widowed")
        # a newer event does
        marriage = self._event("marriage", "2026-05-01")
        self.assertEqual(self.client_a.marital_status, "married")
        marriage.unlink()
        self.assertEqual(self.client_a.marital_status, "widowed")

    def test_children_cannot_go_below_births(self):
        self._event("birth_of_child", "2025-02-01")
        with self.assertRaisesMessage(ValidationError, "births on their timeline"):
            self.client_a.children_count = 0
        self.assertEqual(self.client_a.children_count, 1)

    def test_relocation_asks_agent_to_update_address(self):
        def address_updates():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.client_a.id),
                    ("activity_type_id", "=", self.address_type.id),
                ]
            )

        self._event("relocation", "2026-05-01")
        activity = address_updates()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent_a)
        self._event("relocation", "2026-06-01")
        self.assertEqual(address_updates(), activity)
        self.assertEqual(self.client_a.marital_status, "single")

    def test_manual_stage_override(self):
        self.client_a.lifecycle_stage = "couple"
        self.assertTrue(self.client_a.lifecycle_stage_manual)
        self.assertEqual(self.client_a.lifecycle_stage_derived, "young_single")
        Message = self.env["mail.message"]
        domain = [("model", "=", "res.partner"), ("res_id", "=", self.client_a.id)]
        messages = Message.search(domain)
        self._event("birth_of_child", "2026-03-01")
        self.assertEqual(self.client_a.lifecycle_stage, "couple")
        self.assertEqual(self.client_a.lifecycle_stage_derived, "young_family")
        note = Message.search(domain) - messages
        self.assertEqual(len(note), 1)
        self.assertIn("set by hand", note.body)
        # told to the agent alone, never in the contact's chatter
        self.assertEqual(note.message_type, "user_notification")
        self.assertEqual(note.partner_ids, self.agent_a.partner_id)
        self.assertNotIn(note, self.client_a.message_ids)
        self.client_a.lifecycle_stage_manual = False
        self.assertEqual(self.client_a.lifecycle_stage, "young_family")

    def test_consumption_events_for_many_partners(self):
        clients = self.client_a | self.client_b
        events = clients.record_life_event("vehicle_purchase", note="Dealer sale")
        self.assertEqual(events.partner_id, clients)
        self.assertEqual(set(events.mapped("event_type")), {"vehicle_purchase"})
        self.assertEqual(set(events.mapped("date")), {events[0].date})
        self.assertEqual(str(events[0].date), "2026-06-15")
        home = self.client_a.record_life_event("home_purchase", "2026-06-01")
        # newest first on the timeline
        self.assertEqual(
            self.client_a.life_event_ids.mapped("event_type"),
            ["vehicle_purchase", "home_purchase"],
        )
        self.assertEqual(self.client_a.life_event_ids[-1], home)

    def test_stage_refreshed_on_birthdays(self):
        self.client_a.write({"birthdate": "1986-06-16", "children_count": 1})
        self.assertEqual(self.client_a.lifecycle_stage, "young_family")
        with freeze_time("2026-06-16"):
            self.env["res.partner"]._cron_refresh_lifecycle_stage()
            self.assertEqual(self.client_a.lifecycle_stage, "mature_family")

    def test_agent_access_to_events(self):
        client_b = self.client_b.with_user(self.agent_a)
        with self.assertRaises(AccessError):
            client_b.record_life_event("home_purchase")
        with self.assertRaises(AccessError):
            client_b.read(["lifecycle_stage"])
        self.assertFalse(self.client_b.life_event_ids)
        event = self.client_a.with_user(self.agent_a).record_life_event("marriage")
        self.assertEqual(event.partner_id, self.client_a)
        self.assertEqual(self.client_a.marital_status, "married")

    def test_quick_add_in_the_form_stays_revertible(self):
        client = self.client_a.with_user(self.agent_a)
        with Form(client) as form:
            with form.life_event_ids.new() as line:
                line.event_type = "marriage"
                line.date = "2026-05-01"
            with form.life_event_ids.new() as line:
                line.event_type = "retirement"
                line.date = "2026-05-02"
            self.assertEqual(form.marital_status, "married")
        self.assertEqual(self.client_a.marital_status, "married")
        self.assertEqual(self.client_a.lifecycle_stage, "retired")
        self.assertEqual(self.client_a.marital_status_manual, "single")
        self.client_a.life_event_ids.unlink()
        self.assertEqual(self.client_a.marital_status, "single")
        self.assertFalse(self.client_a.is_retired)
        self.assertEqual(self.client_a.lifecycle_stage, "young_single")
