from contextlib import contextmanager

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

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
