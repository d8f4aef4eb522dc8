"""The agent's hot paths cost a fixed number of queries, whatever the book's size."""

from datetime import date

from odoo.tests import tagged, users, warmup

from .common import PortfolioCommon

# what the client form and list show of the register
REGISTER_SPEC = {
    "portfolio_id": {"fields": {"display_name": {}}},
    "portfolio_agent_id": {"fields": {"display_name": {}}},
    "client_tier": {},
    "birthdate": {},
    "age": {},
    "days_to_birthday": {},
    "client_since": {},
    "marital_status": {},
    "children_count": {},
    "is_retired": {},
    "lifecycle_stage": {},
    "lifecycle_stage_derived": {},
    "income_amount": {},
    "income_currency_id": {"fields": {"display_name": {}}},
    "income_trend": {},
    "income_trend_pct": {},
    "location_risk_level": {},
    "segment_id": {"fields": {"display_name": {}}},
    "is_target_client": {},
    "offer_count": {},
}
FORM_SPEC = {
    **REGISTER_SPEC,
    "income_record_ids": {"fields": {"date": {}, "amount": {}}},
    "life_event_ids": {"fields": {"date": {}, "event_type": {}}},
    "location_risk_ids": {"fields": {"display_name": {}, "severity": {}}},
}


@tagged("post_install", "-at_install")
class TestQueryCounts(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clients = cls.client_a | cls.env["res.partner"].create(
            [
                {
                    "name": f"Client A{index}",
                    "portfolio_id": cls.portfolio_a.id,
                    "birthdate": f"19{50 + index}-0{1 + index % 9}-1{index % 9}",
                    "client_since": "2015-06-01",
                }
                for index in range(30)
            ]
        )
        cls.env["customer.income.record"].create(
            [
                {"partner_id": client.id, "date": date, "amount": amount}
                for client in cls.clients
                for date, amount in (("2024-01-01", 1000), ("2025-01-01", 900))
            ]
        )
        cls.env["customer.life.event"].create(
            [
                {"partner_id": client.id, "date": "2020-05-01", "event_type": kind}
                for client in cls.clients
                for kind in ("marriage", "birth_of_child")
            ]
        )

    @users("agent_a", "portfolio_manager")
    @warmup
    def test_client_form_load(self):
        client = self.client_a.with_env(self.env)
        with self.assertQueryCount(agent_a=13, portfolio_manager=14):
            client.web_read(FORM_SPEC)

    @users("agent_a", "portfolio_manager")
    @warmup
    def test_client_list_does_not_grow_with_the_book(self):
        """Reading 31 clients costs what reading 3 does: no query per client."""
        Partner = self.env["res.partner"]
        domain = [("portfolio_id", "=", self.portfolio_a.id)]
        self.env.invalidate_all()
        # a full first page also counts the clients
        with self.assertQueryCount(agent_a=11, portfolio_manager=12):
            page = Partner.web_search_read(domain, REGISTER_SPEC, limit=3)
        self.assertEqual(page["length"], 31)
        self.env.invalidate_all()
        with self.assertQueryCount(agent_a=10, portfolio_manager=11):
            page = Partner.web_search_read(domain, REGISTER_SPEC, limit=40)
        self.assertEqual(len(page["records"]), 31)


@tagged("post_install", "-at_install")
class TestOfferBatchQueries(PortfolioCommon):
    """A day's offers cost the same queries for a few clients as for many."""

    def _birthday_run(self, count, day):
        self.env["res.partner"].create(
            [
                {
                    "name": f"Birthday {day} {index}",
                    "email": f"b{day}.{index}@example.com",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": f"1980-03-{day:02d}",
                }
                for index in range(count)
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        offers = self.env["customer.offer"].generate_offers(date(2026, 3, day))
        self.env.flush_all()
        return len(offers), self.env.cr.sql_log_count - before

    def test_a_day_of_offers_does_not_query_per_client(self):
        self._birthday_run(3, 5)  # warms the caches (templates, followers...)
        # five days apart: each run looks back over the 4 days since the last
        few, few_queries = self._birthday_run(3, 10)
        many, many_queries = self._birthday_run(30, 15)
        self.assertEqual((few, many), (9, 90))  # 3 birthday templates a client
        self.assertLessEqual(many_queries, few_queries)
