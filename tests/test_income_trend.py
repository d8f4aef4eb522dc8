from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import PortfolioCommon

BAND_PARAM = "customer_portfolio.income_stable_band"


@tagged("post_install", "-at_install")
class TestIncomeTrend(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review_type = cls.env.ref(
            "customer_portfolio.mail_activity_type_income_review"
        )

    def _income(self, partner, date, amount, **values):
        return self.env["customer.income.record"].create(
            {"partner_id": partner.id, "date": date, "amount": amount, **values}
        )

    def _reviews(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.review_type.id),
            ]
        )

    def assertTrend(self, partner, trend, pct=None):
        self.assertEqual(partner.income_trend, trend)
        if pct is not None:
            self.assertAlmostEqual(partner.income_trend_pct, pct, places=2)

    def test_no_or_one_record_is_unknown(self):
        self.assertTrend(self.client_a, "unknown")
        self.assertFalse(self.client_a.income_amount)
        self._income(self.client_a, "2024-01-01", 1000)
        self.assertTrend(self.client_a, "unknown")
        self.assertEqual(self.client_a.income_amount, 1000)
        self.assertEqual(self.client_a.income_currency_id, self.env.company.currency_id)

    def test_exactly_plus_band_is_stable(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 1050)
        self.assertTrend(self.client_a, "stable", 5.0)
        self.assertEqual(self.client_a.income_amount, 1050)

    def test_just_above_plus_band_is_increasing(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 1050.01)
        self.assertTrend(self.client_a, "increasing", 5.0)

    def test_exactly_minus_band_is_stable(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 950)
        self.assertTrend(self.client_a, "stable", -5.0)
        self.assertFalse(self._reviews(self.client_a))

    def test_just_below_minus_band_is_decreasing(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 949.99)
        self.assertTrend(self.client_a, "decreasing", -5.0)

    def test_only_the_two_latest_records_count(self):
        self._income(self.client_a, "2023-01-01", 100)
        self._income(self.client_a, "2025-01-01", 2200)
        self._income(self.client_a, "2024-01-01", 2000)
        self.assertTrend(self.client_a, "increasing", 10.0)
        self.assertEqual(self.client_a.income_amount, 2200)

    def test_zero_previous_income_is_unknown(self):
        self._income(self.client_a, "2024-01-01", 0)
        self._income(self.client_a, "2025-01-01", 3000)
        self.assertTrend(self.client_a, "unknown", 0.0)
        self.assertEqual(self.client_a.income_amount, 3000)

    def test_different_currencies_are_unknown(self):
        other = self.env.ref("base.EUR")
        if other == self.env.company.currency_id:
            other = self.env.ref("base.USD")
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 500, currency_id=other.id)
        self.assertTrend(self.client_a, "unknown")
        self.assertEqual(self.client_a.income_currency_id, other)

    def test_two_records_on_the_same_date(self):
        self._income(self.client_a, "2025-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 1200)
        # the one recorded last is the latest
        self.assertTrend(self.client_a, "increasing", 20.0)
        self.assertEqual(self.client_a.income_amount, 1200)

    def test_records_deleted(self):
        first = self._income(self.client_a, "2023-01-01", 1000)
        second = self._income(self.client_a, "2024-01-01", 1500)
        third = self._income(self.client_a, "2025-01-01", 1000)
        self.assertTrend(self.client_a, "decreasing", -33.33)
        third.unlink()
        self.assertTrend(self.client_a, "increasing", 50.0)
        self.assertEqual(self.client_a.income_amount, 1500)
        second.unlink()
        self.assertTrend(self.client_a, "unknown", 0.0)
        self.assertEqual(self.client_a.income_amount, 1000)
        first.unlink()
        self.assertTrend(self.client_a, "unknown")
        self.assertFalse(self.client_a.income_amount)
        self.assertFalse(self.client_a.income_currency_id)

    def test_records_changed_or_moved(self):
        self._income(self.client_a, "2024-01-01", 1000)
        latest = self._income(self.client_a, "2025-01-01", 1000)
        self.assertTrend(self.client_a, "stable", 0.0)
        latest.amount = 1300
        self.assertTrend(self.client_a, "increasing", 30.0)
        latest.date = "2023-01-01"
        self.assertTrend(self.client_a, "decreasing", -23.08)
        self._income(self.client_b, "2024-06-01", 100)
        latest.partner_id = self.client_b
        self.assertTrend(self.client_a, "unknown")
        self.assertEqual(self.client_a.income_amount, 1000)
        self.assertTrend(self.client_b, "decreasing", -92.31)

    def test_income_falling_filter(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 800)
        self._income(self.client_b, "2024-01-01", 1000)
        self._income(self.client_b, "2025-01-01", 1000)
        falling = self.env["res.partner"].search(
            [
                ("id", "in", (self.client_a | self.client_b).ids),
                ("income_trend", "=", "decreasing"),
            ]
        )
        self.assertEqual(falling, self.client_a)

    def test_stable_band_setting(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 920)
        self.assertTrend(self.client_a, "decreasing")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.portfolio_income_stable_band, 5.0)
        settings.portfolio_income_stable_band = 10.0
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param(BAND_PARAM), "10.0")
        self.assertTrend(self.client_a, "stable", -8.0)
        with self.assertRaisesMessage(ValidationError, "between 0 and 100"):
            self.env["res.config.settings"].create(
                {"portfolio_income_stable_band": -1}
            ).execute()

    def test_decreasing_trend_schedules_one_review(self):
        self._income(self.client_a, "2023-01-01", 1000)
        self._income(self.client_a, "2024-01-01", 800)
        review = self._reviews(self.client_a)
        self.assertEqual(len(review), 1)
        self.assertEqual(review.user_id, self.agent_a)
        # still the same drop, or a deeper one: no second review while one is open
        self._income(self.client_a, "2024-06-01", 600)
        self.assertEqual(self._reviews(self.client_a), review)
        review.action_feedback(feedback="Called the client")
        self.assertFalse(self._reviews(self.client_a))
        # editing a record while the trend stays decreasing is no new drop
        self.client_a.income_record_ids.sorted("date")[-1].amount = 500
        self.assertFalse(self._reviews(self.client_a))
        # recovering, then falling again is a new drop
        self._income(self.client_a, "2025-01-01", 900)
        self.assertTrend(self.client_a, "increasing")
        self._income(self.client_a, "2025-06-01", 700)
        self.assertEqual(len(self._reviews(self.client_a)), 1)

    def test_review_goes_to_the_portfolio_agent(self):
        record = (
            self.env["customer.income.record"]
            .with_user(self.manager)
            .create(
                [
                    {
                        "partner_id": self.client_b.id,
                        "date": "2024-01-01",
                        "amount": 10,
                    },
                    {"partner_id": self.client_b.id, "date": "2025-01-01", "amount": 5},
                ]
            )
        )
        self.assertEqual(len(record), 2)
        self.assertEqual(self._reviews(self.client_b).user_id, self.agent_b)
        prospect = self.env["res.partner"].create({"name": "No portfolio"})
        self._income(prospect, "2024-01-01", 10)
        self._income(prospect, "2025-01-01", 5)
        self.assertTrend(prospect, "decreasing")
        self.assertFalse(self._reviews(prospect))

    def test_recompute_is_set_based(self):
        """Recomputing all trends costs the same queries for 3 or 30 clients."""
        Partner = self.env["res.partner"]

        def queries_to_recompute(count):
            clients = Partner.create(
                [
                    {"name": f"Bulk {i}", "portfolio_id": self.portfolio_a.id}
                    for i in range(count)
                ]
            )
            self.env["customer.income.record"].create(
                [
                    {"partner_id": client.id, "date": date, "amount": amount}
                    for client in clients
                    for date, amount in (("2024-01-01", 100), ("2025-01-01", 104))
                ]
            )
            self.assertEqual(set(clients.mapped("income_trend")), {"stable"})
            self.env["ir.config_parameter"].set_param(BAND_PARAM, "3")
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env["customer.income.trend"]._recompute_all()
            spent = self.env.cr.sql_log_count - before
            self.assertEqual(set(clients.mapped("income_trend")), {"increasing"})
            self.env["ir.config_parameter"].set_param(BAND_PARAM, "5")
            # a client's history is kept: out of the way for the next run
            clients.income_record_ids.unlink()
            clients.unlink()
            return spent

        self.assertEqual(queries_to_recompute(3), queries_to_recompute(30))

    def test_figures_stay_off_the_client_row(self):
        """Recording an income writes the narrow trend row, not res_partner."""

        def partner_row_version():
            self.env.flush_all()
            return self.env.execute_query(
                SQL(
                    "SELECT xmin::text FROM res_partner WHERE id = %s", self.client_a.id
                )
            )

        before = partner_row_version()
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 800)
        self.assertTrend(self.client_a, "decreasing", -20.0)
        self.assertEqual(partner_row_version(), before)
        trend = self.env["customer.income.trend"].search(
            [("partner_id", "=", self.client_a.id)]
        )
        self.assertEqual(
            (trend.amount, trend.previous_amount, trend.trend),
            (800, 1000, "decreasing"),
        )

    def test_band_change_reclassifies_from_the_trend_rows(self):
        """A new band reclassifies from the stored amounts, without reading the
        income records again, and asks for no review."""
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 1080)
        self._income(self.client_b, "2024-01-01", 1000)
        self._income(self.client_b, "2025-01-01", 930)
        self.assertTrend(self.client_a, "increasing", 8.0)
        self.assertTrend(self.client_b, "decreasing", -7.0)
        self.env.flush_all()
        # records gone behind the ORM's back: a recompute would see no income
        self.env.execute_query(
            SQL(
                "DELETE FROM customer_income_record WHERE partner_id IN %s",
                (self.client_a.id, self.client_b.id),
            )
        )
        self.env["mail.activity"].search([]).unlink()
        settings = self.env["res.config.settings"].create({})
        settings.portfolio_income_stable_band = 7.0
        settings.execute()
        self.assertTrend(self.client_a, "increasing", 8.0)
        self.assertTrend(self.client_b, "stable", -7.0)
        self.assertEqual(self.client_b.income_amount, 930)
        settings.portfolio_income_stable_band = 10.0
        settings.execute()
        self.assertTrend(self.client_a, "stable", 8.0)
        self.assertFalse(self._reviews(self.client_b))
        # the full recompute reads the records: none left, unknown
        self.env["customer.income.trend"]._recompute_all()
        self.assertTrend(self.client_a, "unknown")
        self.assertFalse(self.client_a.income_amount)

    def test_search_group_and_sort_by_the_income_fields(self):
        self._income(self.client_a, "2024-01-01", 1000)
        self._income(self.client_a, "2025-01-01", 800)
        self._income(self.client_b, "2025-01-01", 2000)
        no_income = self.env["res.partner"].create({"name": "No income"})
        clients = self.client_a | self.client_b | no_income
        Partner = self.env["res.partner"].with_context(active_test=False)
        scope = [("id", "in", clients.ids)]

        def found(domain, order=None):
            return Partner.search(scope + domain, order=order)

        self.assertEqual(found([("income_trend", "=", "decreasing")]), self.client_a)
        self.assertEqual(
            found([("income_trend", "=", "unknown")]), self.client_b | no_income
        )
        self.assertEqual(found([("income_trend", "!=", "unknown")]), self.client_a)
        self.assertEqual(found([("income_amount", ">", 900)]), self.client_b)
        self.assertEqual(found([("income_amount", "=", False)]), no_income)
        self.assertEqual(found([("income_trend_pct", "<", -10)]), self.client_a)
        self.assertEqual(
            found([("income_currency_id", "=", self.env.company.currency_id.id)]),
            self.client_a | self.client_b,
        )
        self.assertEqual(
            list(found([], order="income_amount desc nulls last, id")),
            [self.client_b, self.client_a, no_income],
        )
        groups = Partner._read_group(
            scope, ["income_trend"], ["__count", "income_amount:sum"]
        )
        self.assertEqual(
            sorted(groups), [("decreasing", 1, 800.0), ("unknown", 2, 2000.0)]
        )
        # a segment on the trend is matched in SQL like any other
        segment = self.env["customer.segment"].create(
            {
                "name": "Falling income",
                "sequence": 0,
                "domain": "[('income_trend', '=', 'decreasing')]",
            }
        )
        self.assertEqual(self.client_a.segment_id, segment)
        self.assertNotEqual(self.client_b.segment_id, segment)

    def test_trend_rows_follow_the_income_record_rules(self):
        self._income(self.client_a, "2025-01-01", 1000)
        self._income(self.client_b, "2025-01-01", 1000)
        Trend = self.env["customer.income.trend"]
        self.assertEqual(
            Trend.with_user(self.agent_a).search([]).partner_id, self.client_a
        )
        self.assertEqual(
            Trend.with_user(self.manager).search([]).partner_id,
            self.client_a | self.client_b,
        )
        with self.assertRaises(AccessError):
            Trend.with_user(self.agent_a).search([]).write({"amount": 1})
        plain = new_test_user(self.env, login="plain_trend", groups="base.group_user")
        with self.assertRaises(AccessError):
            Trend.with_user(plain).search([])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(plain).search([("income_amount", ">", 0)])
