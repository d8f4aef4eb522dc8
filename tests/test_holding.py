from contextlib import ExitStack
from datetime import date, datetime, timedelta
from http import HTTPStatus
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import (
    Form,
    HttpCase,
    freeze_time,
    get_db_name,
    new_test_user,
    tagged,
)
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MockEmail

from .common import AGENT_GROUPS, MANAGER_GROUPS, PortfolioCommon, PortfolioTourCase


class HoldingCommon(PortfolioCommon):
    """Two product lines, and a home insurance held by client A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Holding = cls.env["customer.holding"]
        Line = cls.env["customer.product.line"]
        cls.home = Line.create(
            {
                "name": "Home",
                "category": "insurance",
                "renewal_notice_days": 30,
                "term_months": 12,
            }
        )
        cls.card = Line.create(
            {"name": "Card", "category": "card", "renewal_notice_days": 10}
        )
        cls.holding_a = cls.Holding.create(
            {
                "partner_id": cls.client_a.id,
                "product_line_id": cls.home.id,
                "name": "POL-1",
                "date_start": "2025-06-01",
                "date_end": "2026-06-01",
                "amount": 420,
            }
        )


@tagged("post_install", "-at_install")
class TestHolding(HoldingCommon):
    def test_follows_the_client_book(self):
        """Portfolio and agent are the client's, and follow a transfer."""
        self.assertEqual(self.holding_a.portfolio_id, self.portfolio_a)
        self.assertEqual(self.holding_a.agent_id, self.agent_a)
        self.assertEqual(self.holding_a.company_id, self.portfolio_a.company_id)
        self.assertEqual(self.holding_a.display_name, "Home - POL-1")
        self.client_a.portfolio_id = self.portfolio_b
        self.assertEqual(self.holding_a.agent_id, self.agent_b)

    def test_defaults_from_the_form(self):
        """Only client and line are needed: active from today, company currency."""
        with freeze_time("2026-03-10"):
            form = Form(self.Holding)
            form.partner_id = self.client_b
            form.product_line_id = self.card
            holding = form.save()
        self.assertEqual(holding.state, "active")
        self.assertEqual(holding.date_start, date(2026, 3, 10))
        self.assertEqual(holding.currency_id, self.env.company.currency_id)
        self.assertFalse(holding.date_end)

    def test_constraints(self):
        with self.assertRaisesMessage(ValidationError, "ends before it starts"):
            self.holding_a.date_end = "2025-01-01"
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            self.holding_a.amount = -1

    def test_product_line_codes_are_unique(self):
        """An import matching lines by code finds one line per code, shared
        lines (no company) included."""
        Line = self.env["customer.product.line"]
        for company in (self.env.company, self.env["res.company"]):
            Line.create(
                {"name": "Home A", "category": "insurance", "code": "HOME-X",
                 "company_id": company.id}
            )  # fmt: skip
            with (
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                Line.create(
                    {"name": "Home B", "category": "insurance", "code": "HOME-X",
                     "company_id": company.id}
                )  # fmt: skip

    def test_renew_moves_end_date_and_logs_it(self):
        self.holding_a.action_renew()
        self.assertEqual(self.holding_a.date_end, date(2027, 6, 1))
        self.assertIn("06/01/2027", self.holding_a.message_ids[0].body)

    def test_renew_refused_without_end_or_when_ended(self):
        open_ended = self.Holding.create(
            {"partner_id": self.client_a.id, "product_line_id": self.card.id}
        )
        with self.assertRaisesMessage(UserError, "cannot be renewed"):
            open_ended.action_renew()
        self.holding_a.action_end()
        self.assertEqual(self.holding_a.state, "ended")
        with self.assertRaisesMessage(UserError, "cannot be renewed"):
            self.holding_a.action_renew()
        self.assertEqual(self.holding_a.date_end, date(2026, 6, 1))

    @freeze_time("2026-06-02")
    def test_lapsed_is_searchable(self):
        ended = self.Holding.create(
            {
                "partner_id": self.client_a.id,
                "product_line_id": self.card.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "state": "ended",
            }
        )
        current = self.Holding.create(
            {
                "partner_id": self.client_a.id,
                "product_line_id": self.card.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        mine = self.Holding.search([("partner_id", "=", self.client_a.id)])
        self.assertTrue(self.holding_a.is_lapsed)
        self.assertFalse(ended.is_lapsed or current.is_lapsed)
        self.assertEqual(
            mine.filtered_domain([("is_lapsed", "=", True)]), self.holding_a
        )
        self.assertEqual(
            self.Holding.search([("id", "in", mine.ids), ("is_lapsed", "=", True)]),
            self.holding_a,
        )
        self.assertEqual(
            self.Holding.search([("id", "in", mine.ids), ("is_lapsed", "=", False)]),
            ended | current,
        )

    def test_renewal_due_uses_each_line_notice(self):
        card_soon = self.Holding.create(
            {
                "partner_id": self.client_a.id,
                "product_line_id": self.card.id,
                "date_start": "2025-05-20",
                "date_end": "2026-05-20",
            }
        )
        mine = [("partner_id", "=", self.client_a.id), ("is_renewal_due", "=", True)]
        with freeze_time("2026-05-05"):
            # home: 27 days to go, notice 30; card: 15 days to go, notice 10
            self.assertEqual(self.Holding.search(mine), self.holding_a)
            self.assertFalse(card_soon.is_renewal_due)
        with freeze_time("2026-05-12"):
            self.assertEqual(self.Holding.search(mine), self.holding_a | card_soon)
            # each agent's Today: their own renewals due, soonest first
            Today = self.env["customer.portfolio.today"]
            renewals = self._today_renewals(Today.with_user(self.agent_a))
            self.assertEqual(renewals["count"], 2)
            self.assertEqual(
                [line["res_id"] for line in renewals["lines"]],
                (card_soon | self.holding_a).ids,
            )
            self.assertEqual(
                self._today_renewals(Today.with_user(self.agent_b))["count"], 0
            )

    def _today_renewals(self, Today):
        sections = Today.get_dashboard()["sections"]
        return next(s for s in sections if s["name"] == "renewals")

    def test_import(self):
        """The standard import fills a holding from names."""
        result = self.Holding.load(
            [
                "partner_id",
                "product_line_id",
                "name",
                "date_start",
                "date_end",
                "amount",
            ],
            [["Client B", "Card", "CARD-9", "2026-01-01", "2028-12-31", "5000"]],
        )
        self.assertFalse(result["messages"], result["messages"])
        holding = self.Holding.browse(result["ids"])
        self.assertEqual(holding.partner_id, self.client_b)
        self.assertEqual(holding.product_line_id, self.card)
        self.assertEqual(holding.state, "active")


@tagged("post_install", "-at_install")
class TestHoldingAccess(HoldingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.holding_b = cls.Holding.create(
            {"partner_id": cls.client_b.id, "product_line_id": cls.card.id}
        )

    def test_agent_sees_own_book_only(self):
        as_a = self.Holding.with_user(self.agent_a)
        both = (self.holding_a | self.holding_b).ids
        self.assertEqual(as_a.search([("id", "in", both)]), self.holding_a)
        with self.assertRaises(AccessError):
            self.holding_b.with_user(self.agent_a).read(["amount"])
        with self.assertRaises(AccessError):
            self.holding_b.with_user(self.agent_a).write({"amount": 1})
        with self.assertRaises(AccessError):
            as_a.create(
                {"partner_id": self.client_b.id, "product_line_id": self.card.id}
            )
        with self.assertRaises(AccessError):
            self.holding_a.with_user(self.agent_a).unlink()
        # the values written are checked too: no holding moved into another
        # agent's book, no reminder switched off, no offer linked by hand
        for vals in (
            {"partner_id": self.client_b.id},
            {"renewal_reminded_end": "2026-06-01"},
            {"offer_id": False if self.holding_a.offer_id else 1},
        ):
            with self.assertRaises(AccessError):
                self.holding_a.with_user(self.agent_a).write(vals)
        self.assertEqual(self.holding_a.partner_id, self.client_a)
        self.holding_a.with_user(self.agent_a).action_renew()
        self.assertEqual(self.holding_a.date_end, date(2027, 6, 1))

    def test_manager_sees_all(self):
        as_manager = self.Holding.with_user(self.manager)
        both = (self.holding_a | self.holding_b).ids
        self.assertEqual(len(as_manager.search([("id", "in", both)])), 2)
        self.holding_b.with_user(self.manager).unlink()

    def test_agents_read_product_lines_managers_configure_them(self):
        self.assertEqual(self.card.with_user(self.agent_a).name, "Card")
        with self.assertRaises(AccessError):
            self.card.with_user(self.agent_a).write({"term_months": 24})
        self.card.with_user(self.manager).write({"term_months": 24})


@tagged("post_install", "-at_install")
class TestPackageGaps(HoldingCommon):
    """The segment's package: home insurance and a card; client A holds home."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment = cls.env["customer.segment"].create(
            {
                "name": "Our two books",
                "sequence": 0,
                "domain": repr(
                    [("portfolio_id", "in", [cls.portfolio_a.id, cls.portfolio_b.id])]
                ),
                "product_line_ids": [(6, 0, (cls.home | cls.card).ids)],
            }
        )
        cls.clients = cls.client_a | cls.client_b
        cls.Partner = cls.env["res.partner"]

    def _lacking(self, line_ids):
        return self.Partner.search(
            [("id", "in", self.clients.ids), ("cross_sell_line_ids", "in", line_ids)]
        )

    def test_gaps_are_package_lines_not_held(self):
        self.assertEqual(self.client_a.segment_id, self.segment)
        self.assertEqual(self.client_a.cross_sell_line_ids, self.card)
        self.assertEqual(self.client_a.cross_sell_count, 1)
        self.assertEqual(self.client_b.cross_sell_line_ids, self.home | self.card)
        self.assertEqual(self.client_a.holding_count, 1)
        self.holding_a.action_end()
        self.assertEqual(self.client_a.cross_sell_line_ids, self.home | self.card)

    def test_gap_search(self):
        self.assertEqual(self._lacking(self.home.ids), self.client_b)
        self.assertEqual(self._lacking(self.card.ids), self.clients)
        has_gaps = [
            ("id", "in", self.clients.ids),
            ("cross_sell_line_ids", "!=", False),
        ]
        no_gaps = [("id", "in", self.clients.ids), ("cross_sell_line_ids", "=", False)]
        self.assertEqual(self.Partner.search(has_gaps), self.clients)
        self.Holding.create(
            {"partner_id": self.client_a.id, "product_line_id": self.card.id}
        )
        self.assertEqual(self.Partner.search(has_gaps), self.client_b)
        self.assertEqual(self.Partner.search(no_gaps), self.client_a)
        self.assertEqual(self.clients.filtered_domain(has_gaps), self.client_b)
        self.assertEqual(
            self.Partner.search(
                [
                    ("id", "in", self.clients.ids),
                    ("cross_sell_line_ids.category", "=", "insurance"),
                ]
            ),
            self.client_b,
        )
        # an archived line is no gap any more
        self.home.action_archive()
        self.assertFalse(self._lacking(self.home.ids))
        self.assertEqual(self.client_b.cross_sell_line_ids, self.card)

    def test_has_gaps_filter_for_an_agent(self):
        """The "Has Gaps" filter of the clients' search view, as agent A."""
        view = self.env.ref("customer_portfolio.view_res_partner_filter_holdings")
        self.assertIn('name="has_gaps"', view.arch)
        as_a = self.Partner.with_user(self.agent_a)
        self.assertEqual(
            as_a.search([("cross_sell_line_ids", "!=", False)]) & self.clients,
            self.client_a,
        )
        self.assertEqual(
            self.client_a.with_user(self.agent_a).cross_sell_line_ids, self.card
        )

    def test_coverage_report_by_line_and_agent(self):
        Report = self.env["customer.cross.sell.report"]
        mine = [("partner_id", "in", self.clients.ids)]
        gaps = dict(
            Report._read_group(
                [*mine, ("is_gap", "=", True)], ["product_line_id"], ["__count"]
            )
        )
        self.assertEqual(gaps, {self.home: 1, self.card: 2})
        coverage = dict(Report._read_group(mine, ["agent_id"], ["coverage:avg"]))
        self.assertEqual(coverage, {self.agent_a: 50.0, self.agent_b: 0.0})
        as_b = Report.with_user(self.agent_b).search(mine)
        self.assertEqual(as_b.partner_id, self.client_b)
        self.assertEqual(len(Report.with_user(self.manager).search(mine)), 4)

    def test_portfolio_report_shows_holdings_and_gaps(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_portfolio.action_report_customer_portfolio",
                self.portfolio_a.ids,
            )[0]
            .decode()
        )
        self.assertIn("Active holdings", html)
        self.assertIn("Package gaps", html)
        self.assertIn("Card", html)


@tagged("post_install", "-at_install")
class TestHoldingFromOffers(HoldingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Template = cls.env["customer.offer.template"]
        cls.env["customer.offer.template"].search([]).action_archive()
        cls.segment = cls.env["customer.segment"].create(
            {
                "name": "Our two books",
                "sequence": 0,
                "domain": repr(
                    [("portfolio_id", "in", [cls.portfolio_a.id, cls.portfolio_b.id])]
                ),
                "product_line_ids": [(6, 0, (cls.home | cls.card).ids)],
            }
        )

    def test_accepting_gives_the_holding(self):
        template = self.Template.create(
            {
                "name": "A card",
                "offer_category": "gift",
                "product_line_id": self.card.id,
            }
        )
        offer = self.env["customer.offer"].create(
            {"partner_id": self.client_a.id, "template_id": template.id}
        )
        with freeze_time("2026-03-10"):
            offer.with_user(self.agent_a).action_accept()
        holding = self.Holding.search([("offer_id", "=", offer.id)])
        self.assertEqual(holding.partner_id, self.client_a)
        self.assertEqual(holding.product_line_id, self.card)
        self.assertEqual(holding.state, "active")
        self.assertEqual(holding.date_start, date(2026, 3, 10))
        self.assertEqual(holding.date_end, date(2027, 3, 10))
        self.assertFalse(self.client_a.cross_sell_line_ids)

    def test_accepting_without_product_line_gives_nothing(self):
        template = self.Template.create({"name": "A gift", "offer_category": "gift"})
        offer = self.env["customer.offer"].create(
            {"partner_id": self.client_a.id, "template_id": template.id}
        )
        offer.action_accept()
        self.assertFalse(self.Holding.search([("offer_id", "=", offer.id)]))

    def test_insurance_lines_are_insurance_offers(self):
        with self.assertRaisesMessage(ValidationError, "must be Insurance"):
            self.Template.create(
                {
                    "name": "Home cover",
                    "offer_category": "gift",
                    "product_line_id": self.home.id,
                }
            )
        form = Form(self.Template)
        form.name = "Home cover"
        form.product_line_id = self.home
        self.assertEqual(form.offer_category, "insurance")

    def test_template_targets_clients_with_the_gap(self):
        """Only clients lacking the line get it; risk areas still gate insurance."""
        template = self.Template.create(
            {
                "name": "Home cover for your birthday",
                "trigger": "birthday",
                "offer_category": "insurance",
                "product_line_id": self.home.id,
                "gap_product_line_id": self.home.id,
            }
        )
        prospect = self._create_client("Client C", self.portfolio_b)
        (self.client_a | self.client_b | prospect).birthdate = "1990-05-10"
        eligible = self.env["res.partner"].search(template._get_partner_domain())
        self.assertIn(self.client_b, eligible)
        self.assertNotIn(self.client_a, eligible)
        with freeze_time("2026-03-10"):
            self.env["customer.location.risk"].create(
                {"name": "Flood", "city": "Lyon", "date_start": "2026-03-10"}
            )
            prospect.city = "Lyon"
        offers = self.env["customer.offer"].generate_offers(date(2026, 5, 10))
        self.assertEqual(
            offers.filtered(lambda o: o.template_id == template).partner_id,
            self.client_b,
        )


@tagged("post_install", "-at_install")
class TestRenewalReminders(HoldingCommon, MockEmail):
    """Home: notice 30 days, ends 2026-06-01, so reminded from 2026-05-02."""

    def _run_cron(self, day):
        cron = self.env.ref("customer_portfolio.ir_cron_renewal_reminders").sudo()
        with ExitStack() as stack:
            stack.enter_context(self.mock_datetime_and_now(day))
            stack.enter_context(self.enter_registry_test_mode())
            cron.method_direct_trigger()

    def _renewal_activities(self, holdings=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "customer.holding"),
                ("res_id", "in", (holdings or self.holding_a).ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("customer_portfolio.mail_activity_type_renewal").id,
                ),
            ]
        )

    def test_one_reminder_per_holding_and_end_date(self):
        self._run_cron(datetime(2026, 5, 1, 8))
        self.assertFalse(self._renewal_activities())
        self._run_cron(datetime(2026, 5, 2, 8))
        activity = self._renewal_activities()
        self.assertEqual(activity.user_id, self.agent_a)
        self.assertEqual(activity.date_deadline, date(2026, 6, 1))
        self.assertEqual(self.holding_a.renewal_reminded_end, date(2026, 6, 1))
        self._run_cron(datetime(2026, 5, 3, 8))
        self.assertEqual(self._renewal_activities(), activity)
        # renewed: the activity is done, the next end date gets its own reminder
        with freeze_time("2026-05-04"):
            self.holding_a.action_renew()
        self.assertFalse(self._renewal_activities())
        self._run_cron(datetime(2026, 5, 5, 8))
        self.assertFalse(self._renewal_activities())
        self._run_cron(datetime(2027, 5, 2, 8))
        self.assertEqual(self._renewal_activities().date_deadline, date(2027, 6, 1))

    def test_reminder_follows_the_client_to_another_agent(self):
        self._run_cron(datetime(2026, 5, 2, 8))
        self.client_a.portfolio_id = self.portfolio_b
        self.assertEqual(self._renewal_activities().user_id, self.agent_b)
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.agent_b)
            .search([("id", "=", self._renewal_activities().id)])
            .res_id,
            self.holding_a.id,
        )

    def test_no_reminder_when_ended_past_or_open_ended(self):
        self.Holding.create(
            {
                "partner_id": self.client_b.id,
                "product_line_id": self.home.id,
                "date_start": "2020-01-01",
            }
        )
        lapsed = self.Holding.create(
            {
                "partner_id": self.client_b.id,
                "product_line_id": self.home.id,
                "date_start": "2020-01-01",
                "date_end": "2026-05-01",
            }
        )
        self.holding_a.action_end()
        self._run_cron(datetime(2026, 5, 10, 8))
        self.assertFalse(self._renewal_activities(self.Holding.search([])))
        self.assertTrue(lapsed.is_lapsed)

    def test_batches_survive_a_bad_holding(self):
        holdings = self.holding_a | self.Holding.create(
            [
                {
                    "partner_id": client.id,
                    "product_line_id": self.home.id,
                    "date_start": "2025-06-01",
                    "date_end": "2026-06-01",
                }
                for client in (self.client_a, self.client_b, self.client_b)
            ]
        )
        bad = holdings[1]
        remind = type(self.Holding)._remind_renewal

        def remind_or_fail(records):
            if bad in records:
                raise ValueError("broken holding")
            return remind(records)

        with (
            patch(
                "odoo.addons.customer_portfolio.models.customer_holding."
                "RENEWAL_BATCH_SIZE",
                2,
            ),
            patch.object(type(self.Holding), "_remind_renewal", remind_or_fail),
            mute_logger("odoo.addons.customer_portfolio.models.customer_holding"),
        ):
            self._run_cron(datetime(2026, 5, 10, 8))
        self.assertEqual(
            self._renewal_activities(holdings).mapped("res_id"), (holdings - bad).ids
        )
        self.assertFalse(bad.renewal_reminded_end)
        # the next run reminds the one that failed, and only it
        self._run_cron(datetime(2026, 5, 11, 8))
        self.assertEqual(len(self._renewal_activities(holdings)), 4)


@tagged("post_install", "-at_install")
class TestHoldingRpc(HttpCase):
    """Holdings and gaps through the real web server (JSON-2, API keys)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = {
            "hold_agent_a": AGENT_GROUPS,
            "hold_agent_b": AGENT_GROUPS,
            "hold_manager": MANAGER_GROUPS,
            "hold_plain": "base.group_user",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, groups=groups)
            for login, groups in users.items()
        }
        Portfolio = cls.env["customer.portfolio"]
        line = cls.env["customer.product.line"].create({"name": "RPC line"})
        cls.holdings = cls.env["customer.holding"]
        for login in ("hold_agent_a", "hold_agent_b"):
            book = Portfolio.create({"name": login, "agent_id": cls.users[login].id})
            client = cls.env["res.partner"].create(
                {"name": f"Client of {login}", "portfolio_id": book.id}
            )
            cls.holdings |= cls.env["customer.holding"].create(
                {
                    "partner_id": client.id,
                    "product_line_id": line.id,
                    "date_start": "2025-01-01",
                    "date_end": "2026-01-01",
                }
            )
        cls.keys = {
            login: user.with_user(user)
            .env["res.users.apikeys"]
            ._generate(
                scope="rpc",
                name="test",
                expiration_date=datetime.now() + timedelta(days=1),
            )
            for login, user in cls.users.items()
        }

    def json2(self, login, model, method, **params):
        headers = {
            "X-Odoo-Database": get_db_name(),
            "Authorization": f"Bearer {self.keys[login]}",
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/json/2/{model}/{method}", json=params, headers=headers
            )
        return response.status_code, response.json()

    def assertDenied(self, status, body):
        self.assertNotEqual(status, HTTPStatus.OK, body)
        self.assertIn(
            body["name"], ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")
        )

    def test_holdings_stay_in_the_book(self):
        mine, other = self.holdings
        domain = [("id", "in", self.holdings.ids)]
        status, rows = self.json2(
            "hold_agent_a", "customer.holding", "search_read",
            domain=domain, fields=["amount", "is_lapsed"],
        )  # fmt: skip
        self.assertEqual(status, HTTPStatus.OK, rows)
        self.assertEqual([row["id"] for row in rows], mine.ids)
        self.assertTrue(rows[0]["is_lapsed"])
        self.assertDenied(
            *self.json2(
                "hold_agent_a", "customer.holding", "read",
                ids=other.ids, fields=["amount"],
            )
        )  # fmt: skip
        self.assertDenied(
            *self.json2(
                "hold_agent_a", "customer.holding", "action_renew", ids=other.ids
            )
        )
        status, rows = self.json2(
            "hold_manager", "customer.holding", "search_read",
            domain=domain, fields=["amount"],
        )  # fmt: skip
        self.assertEqual(len(rows), 2, rows)
        self.assertDenied(
            *self.json2(
                "hold_plain", "customer.holding", "search_read",
                domain=domain, fields=["amount"],
            )
        )  # fmt: skip

    def test_gaps_are_private(self):
        self.assertDenied(
            *self.json2(
                "hold_plain", "res.partner", "search_read",
                domain=[("cross_sell_line_ids", "!=", False)], fields=["name"],
            )
        )  # fmt: skip
        self.assertDenied(
            *self.json2(
                "hold_plain", "res.partner", "read",
                ids=self.holdings.partner_id.ids, fields=["holding_ids"],
            )
        )  # fmt: skip


@tagged("post_install", "-at_install")
class TestHoldingTour(PortfolioTourCase):
    def test_agent_renews_a_holding(self):
        """Agent: renew a holding due for renewal from the holdings list."""
        home = self.env["customer.product.line"].create(
            {"name": "Home cover", "category": "insurance"}
        )
        client = self._client("Hana Holder")
        today = date.today()
        holding = self.env["customer.holding"].create(
            {
                "partner_id": client.id,
                "product_line_id": home.id,
                "date_start": today - timedelta(days=350),
                "date_end": today + timedelta(days=15),
            }
        )
        self.start_tour(
            "/odoo/portfolio-holdings",
            "customer_portfolio_holding_tour",
            login="tour_agent",
        )
        self.assertEqual(
            holding.date_end, today + timedelta(days=15) + relativedelta(months=12)
        )
