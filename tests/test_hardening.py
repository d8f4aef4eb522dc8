"""Bad input and markup injection."""

from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PortfolioCommon

INJECTION = "<script>alert(1)</script>{{ 7*7 }}<t t-out=\"'x'\"/>"


@tagged("post_install", "-at_install")
class TestBadInput(PortfolioCommon):
    def _load(self, model, header, rows):
        return self.env[model].with_user(self.agent_a).load(header, rows)

    def test_import_with_bad_rows_writes_nothing(self):
        client = self.client_a.with_user(self.agent_a).display_name
        Income = self.env["customer.income.record"]
        before = Income.search_count([])
        result = self._load(
            "customer.income.record",
            ["partner_id", "date", "amount"],
            [
                [client, "2024-01-01", "1000"],
                [client, "2099-01-01", "1200"],
                [client, "2024-02-01", "-5"],
                [client, "not a date", "10"],
                ["Nobody at all", "2024-03-01", "10"],
                [client, "2024-04-01", "ten"],
            ],
        )
        self.assertFalse(result["ids"])
        messages = " ".join(m["message"] for m in result["messages"])
        for text in ("in the future", "cannot be negative", "Nobody at all"):
            self.assertIn(text, messages)
        self.assertEqual(Income.search_count([]), before)
        self.assertEqual(self.client_a.income_trend, "unknown")
        self.assertFalse(self.client_a.income_amount)

    def test_import_of_life_events_and_clients(self):
        result = self._load(
            "customer.life.event",
            ["partner_id", "date", "event_type"],
            [[self.client_a.display_name, "2024-01-01", "lottery_win"]],
        )
        self.assertFalse(result["ids"])
        self.assertFalse(self.client_a.life_event_ids)
        result = self._load(
            "res.partner",
            ["name", "birthdate", "children_count"],
            [["Future baby", "2999-01-01", "0"], ["Minus", "1990-01-01", "-1"]],
        )
        self.assertFalse(result["ids"])
        self.assertFalse(
            self.env["res.partner"].search([("name", "in", ["Future baby", "Minus"])])
        )

    def test_segment_domains_are_literals_on_client_fields(self):
        Segment = self.env["customer.segment"].with_user(self.manager)
        for domain in (
            "__import__('os').system('true')",
            "[('password', '=', 'x')]",
            "[('no_such_field', '=', 1)]",
            "[('client_tier', '=', 'vip'",
            "{'a': 1}",
            "[('birthdate', '>', 'not a date')]",
        ):
            with self.assertRaisesMessage(ValidationError, "not a valid client domain"):
                Segment.create({"name": "Bad", "domain": domain})
        self.assertFalse(Segment.search([("name", "=", "Bad")]))

    def test_required_fields_and_ranges(self):
        Portfolio = self.env["customer.portfolio"].with_user(self.manager)
        with self.assertRaisesMessage(ValidationError, "0 ≤ minimum ≤ maximum ≤ 100"):
            Portfolio.create({"name": "Band", "target_share_max": 120})
        area = self.env["customer.location.risk"].with_user(self.manager)
        with self.assertRaisesMessage(ValidationError, "out of range"):
            area.create({"name": "Far", "latitude": 95, "longitude": 1, "radius_km": 5})
        with self.assertRaisesMessage(ValidationError, "covers no place"):
            area.create({"name": "Nowhere"})
        settings = self.env["res.config.settings"].create(
            {"portfolio_income_stable_band": 150}
        )
        with self.assertRaisesMessage(ValidationError, "between 0 and 100"):
            settings.execute()


@tagged("post_install", "-at_install")
class TestNoMarkupInjection(PortfolioCommon):
    def test_offer_email_escapes_client_text(self):
        self.client_a.write({"name": INJECTION, "email": "inject@example.com"})
        template = self.env["customer.offer.template"].create(
            {"name": "Plain offer", "trigger": "manual", "offer_category": "gift"}
        )
        offer = self.env["customer.offer"].create(
            {"partner_id": self.client_a.id, "template_id": template.id}
        )
        mail = self.env.ref("customer_portfolio.mail_template_offer")
        body = mail._render_field("body_html", offer.ids)[offer.id]
        subject = mail._render_field("subject", offer.ids)[offer.id]
        self.assertNotIn("<script>", body)
        self.assertIn("&lt;script&gt;", body)
        # the expression is shown as typed, never evaluated (the body's
        # unsubscribe link may hold any digits: only the name is checked)
        self.assertIn("{{ 7*7 }}", body)
        self.assertIn("{{ 7*7 }}", subject)
        self.assertNotIn("49", subject)
        self.assertIn("&lt;t t-out=", body)

    def test_activity_notes_escape_client_names(self):
        self.client_a.write({"name": "<b>Bold</b>", "city": "Quake Town"})
        area = self.env["customer.location.risk"].create(
            {"name": "<i>Area</i>", "city": "Quake Town", "date_start": date.today()}
        )
        activity = self.env["mail.activity"].search(
            [("res_model", "=", area._name), ("res_id", "=", area.id)]
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt;", activity.note)
        self.assertNotIn("<b>Bold", activity.note)


@tagged("post_install", "-at_install")
class TestOffersSeenAtOnce(PortfolioCommon):
    def test_offer_made_by_sql_is_seen_in_the_same_transaction(self):
        template = self.env["customer.offer.template"].create(
            {
                "name": "Home cover",
                "trigger": "life_event",
                "life_event_type": "home_purchase",
                "offer_category": "insurance",
                "validity_days": 30,
            }
        )
        self.assertFalse(self.client_a.offer_ids)
        self.assertEqual((self.client_a.offer_count, template.offer_count), (0, 0))
        self.client_a.record_life_event("home_purchase")
        offers = self.client_a.offer_ids
        self.assertIn(template, offers.template_id)
        self.assertEqual(self.client_a.offer_count, len(offers))
        self.assertEqual(template.offer_count, 1)
