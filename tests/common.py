import unittest
from contextlib import ExitStack, contextmanager

from odoo.tests import HttpCase, new_test_user

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.mail.tests.common import MockEmail

from ..models.customer_offer import SERVED_THROUGH
from ..models.customer_offer_batch import PLAN_DAY
from ..models.res_partner import HISTORY_FIELDS

AGENT_GROUPS = "base.group_user,customer_portfolio.group_portfolio_agent"
MANAGER_GROUPS = "base.group_user,customer_portfolio.group_portfolio_manager"
# the languages the module ships, and English
LANGS = ["en_US", "fr_FR", "de_DE", "pt_BR", "pt_PT", "ro_RO", "fi_FI"]


class PortfolioCommon(BaseCommon):
    """Two agents with a portfolio and a client each, and a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_a = new_test_user(cls.env, login="agent_a", groups=AGENT_GROUPS)
        cls.agent_b = new_test_user(cls.env, login="agent_b", groups=AGENT_GROUPS)
        cls.manager = new_test_user(
            cls.env, login="portfolio_manager", groups=MANAGER_GROUPS
        )
        Portfolio = cls.env["customer.portfolio"]
        cls.portfolio_a = Portfolio.create(
            {"name": "Book A", "agent_id": cls.agent_a.id, "hotline_phone": "+1 555"}
        )
        cls.portfolio_b = Portfolio.create(
            {"name": "Book B", "agent_id": cls.agent_b.id}
        )
        cls.client_a = cls._create_client("Client A", cls.portfolio_a)
        cls.client_b = cls._create_client("Client B", cls.portfolio_b)

    @contextmanager
    def assertRaisesMessage(self, exception, text):
        """Like assertRaisesRegex, but rolled back to a savepoint like assertRaises."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    @classmethod
    def _create_client(cls, name, portfolio, **values):
        return cls.env["res.partner"].create(
            {"name": name, "portfolio_id": portfolio.id, **values}
        )


class SegmentCommon(PortfolioCommon):
    """Two segments of our own instead of the shipped examples."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Segment = cls.env["customer.segment"]
        Segment.search([]).action_archive()
        cls.segment_vip = Segment.create(
            {
                "name": "VIP",
                "sequence": 5,
                "domain": "[('client_tier', '=', 'vip')]",
                "is_target": True,
            }
        )
        cls.segment_family = Segment.create(
            {
                "name": "Families",
                "sequence": 10,
                "domain": "[('children_count', '>=', 1)]",
                "is_target": False,
            }
        )

    @classmethod
    def _create_clients(cls, portfolio, count, **values):
        return cls.env["res.partner"].create(
            [
                {"name": f"Client {i}", "portfolio_id": portfolio.id, **values}
                for i in range(count)
            ]
        )


def delete_clients(env, partner_ids):
    """Delete committed test clients with their history (a deliberate cleanup:
    the module itself refuses to delete a client that has one)."""
    for model, fname in HISTORY_FIELDS:
        env[model].with_context(active_test=False).search(
            [(fname, "in", partner_ids)]
        ).unlink()
    env["res.partner"].browse(partner_ids).unlink()


def forget_offer_runs(env):
    """Forget the days committed offer runs recorded as served, so that the
    next tests look back as on a new database."""
    env["ir.config_parameter"].search(
        [("key", "in", [SERVED_THROUGH, PLAN_DAY])]
    ).unlink()


class OfferCommon(PortfolioCommon, MockEmail):
    """Clients with birthdays, and the shipped templates out of the way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Offer = cls.env["customer.offer"]
        cls.Template = cls.env["customer.offer.template"]
        cls.shipped = cls.Template.search([])
        cls.shipped.action_archive()
        cls.mail_template = cls.env.ref("customer_portfolio.mail_template_offer")
        cls.agent_a.tz = "Europe/Brussels"
        cls.agent_b.tz = "Europe/Brussels"
        cls.client_a.write(
            {
                "email": "client.a@example.com",
                "birthdate": "1990-05-10",
                "client_since": "2020-06-01",
            }
        )
        cls.client_b.write({"email": "client.b@example.com", "birthdate": "1985-05-10"})
        cls.birthday = cls._template("Birthday credit", "birthday", interest_rate=2)

    @classmethod
    def _template(cls, name, trigger, **values):
        return cls.Template.create(
            {
                "name": name,
                "trigger": trigger,
                "offer_category": "credit",
                "mail_template_id": cls.mail_template.id,
                **values,
            }
        )

    def _offers(self, template, partners=None):
        domain = [("template_id", "=", template.id)]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        return self.Offer.search(domain)

    def _run_cron(self, xmlid, now):
        cron = self.env.ref(xmlid).sudo()
        with ExitStack() as stack:
            stack.enter_context(self.mock_datetime_and_now(now))
            stack.enter_context(self.enter_registry_test_mode())
            cron.method_direct_trigger()
        return cron


class PortfolioTourCase(HttpCase):
    """Tours that fail, instead of being skipped, when they cannot run."""

    # The browser's requests queue up on the test cursor: on a loaded machine
    # one of them (the first assets build, a save) may hold it past Odoo's 20 s.
    test_cursor_lock_timeout = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, login="tour_agent", name="Tour Agent", groups=AGENT_GROUPS
        )
        cls.manager = new_test_user(
            cls.env, login="tour_manager", name="Tour Manager", groups=MANAGER_GROUPS
        )
        cls.portfolio = cls.env["customer.portfolio"].create(
            {"name": "Tour Book", "agent_id": cls.agent.id}
        )

    def browser_js(self, *args, **kwargs):
        # Odoo skips browser tests without Chrome or websocket-client: here a
        # browser test that cannot run is a failure.
        self.assertTrue(self.http_port(), "The HTTP server is not running.")
        try:
            return super().browser_js(*args, **kwargs)
        except unittest.SkipTest as skipped:
            raise AssertionError(f"The browser test could not run: {skipped}") from None

    def _client(self, name, **values):
        return self.env["res.partner"].create(
            {"name": name, "portfolio_id": self.portfolio.id, **values}
        )
