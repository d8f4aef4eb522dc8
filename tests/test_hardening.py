"""Bad input, markup injection and property tests of the register's rules."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PortfolioCommon

HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
INJECTION = "<script>alert(1)</script>{{ 7*7 }}<t t-out=\"'x'\"/>"


def reference_trend(records, band=Decimal(5)):
    """The income rule of README.md, written independently of the SQL.

    ``records`` are (date, amount, currency) in the order they were recorded.
    """
    if not records:
        return False, "unknown", 0.0
    ordered = sorted(enumerate(records), key=lambda r: (r[1][0], r[0]), reverse=True)
    latest = ordered[0][1]
    if len(ordered) < 2:
        return latest[1], "unknown", 0.0
    previous = ordered[1][1]
    if previous[1] == 0 or previous[2] != latest[2]:
        return latest[1], "unknown", 0.0
    delta = latest[1] - previous[1]
    pct = (100 * delta / previous[1]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if 100 * delta > band * previous[1]:
        trend = "increasing"
    elif 100 * delta < -band * previous[1]:
        trend = "decreasing"
    else:
        trend = "stable"
    return latest[1], trend, float(pct)


def reference_stage(age, marital_status, children, retired):
    """The life-cycle rule of README.md (first rule that applies)."""
    if retired or (age is not None and age >= 65):
        return "retired"
    if age is not None and age >= 55:
        return "empty_nest"
    if children and (age is None or age < 40):
        return "young_family"
    if children:
        return "mature_family"
    if marital_status in ("married", "partnership"):
        return "couple"
    if marital_status or age is not None:
        return "young_single"
    return False


@tagged("post_install", "-at_install")
class TestRegisterProperties(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.company.currency_id
        cls.eur = cls.env.ref("base.EUR") if cls.usd.name != "EUR" else cls.usd
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    @HYPOTHESIS
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 20),
                st.integers(0, 500_000).map(lambda cents: Decimal(cents) / 100),
                st.sampled_from(["usd", "usd", "usd", "eur"]),
            ),
            max_size=5,
        )
    )
    def test_income_trend_matches_the_rule(self, records):
        partner = self.env["res.partner"].create({"name": "Income"})
        Income = self.env["customer.income.record"]
        for days_ago, amount, currency in records:
            Income.create(
                {
                    "partner_id": partner.id,
                    "date": self.today - timedelta(days=days_ago),
                    "amount": float(amount),
                    "currency_id": getattr(self, currency).id,
                }
            )
        amount, trend, pct = reference_trend(
            [(-days_ago, amount, currency) for days_ago, amount, currency in records]
        )
        self.assertEqual(partner.income_trend, trend, records)
        self.assertAlmostEqual(partner.income_trend_pct, pct, places=2, msg=records)
        self.assertAlmostEqual(partner.income_amount, float(amount or 0), places=2)

    @HYPOTHESIS
    @given(
        st.one_of(st.none(), st.integers(0, 90)),
        st.sampled_from([False, "single", "married", "partnership", "divorced"]),
        st.integers(0, 4),
        st.booleans(),
    )
    def test_lifecycle_stage_matches_the_rule(self, age, marital, children, retired):
        birthdate = age is not None and self.today - relativedelta(years=age, days=1)
        partner = self.env["res.partner"].create(
            {
                "name": "Stage",
                "birthdate": birthdate,
                "marital_status": marital,
                "children_count": children,
                "is_retired": retired,
            }
        )
        self.assertEqual(
            partner.lifecycle_stage,
            reference_stage(age, marital, children, retired),
            (age, marital, children, retired),
        )


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
        self.assertNotIn("49", body + subject)
        self.assertIn("{{ 7*7 }}", subject)
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
