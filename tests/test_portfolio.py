from odoo.tests import tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestPortfolio(PortfolioCommon):
    def test_client_count_and_target_share(self):
        extra = self._create_client("Second", self.portfolio_a, is_target_client=True)
        self._create_client("Third", self.portfolio_a, is_target_client=True)
        self.assertEqual(self.portfolio_a.client_count, 3)
        self.assertEqual(self.portfolio_a.target_client_count, 2)
        self.assertAlmostEqual(self.portfolio_a.target_share, 66.7, places=1)
        self.assertEqual(self.portfolio_a.target_share_status, "below")
        extra.portfolio_id = self.portfolio_b
        self.assertEqual(self.portfolio_a.client_count, 2)
        self.assertEqual(self.portfolio_b.client_count, 2)

    def test_empty_portfolio(self):
        empty = self.env["customer.portfolio"].create(
            {"name": "Empty", "agent_id": self.agent_a.id}
        )
        self.assertEqual(empty.client_count, 0)
        self.assertEqual(empty.target_share, 0)
        self.assertEqual(empty.target_share_status, "below")

    def test_agent_follows_portfolio(self):
        self.assertEqual(self.client_a.portfolio_agent_id, self.agent_a)
        self.portfolio_a.agent_id = self.agent_b
        self.assertEqual(self.client_a.portfolio_agent_id, self.agent_b)

    def test_open_clients_action(self):
        action = self.portfolio_a.action_open_clients()
        clients = self.env["res.partner"].search(action["domain"])
        self.assertEqual(clients, self.client_a)
        self.assertEqual(action["context"]["default_portfolio_id"], self.portfolio_a.id)
