from datetime import date

from odoo.tests import tagged

from .common import SegmentCommon


@tagged("post_install", "-at_install")
class TestTargetShare(SegmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.book = cls.env["customer.portfolio"].create(
            {"name": "Band book", "agent_id": cls.agent_a.id}
        )
        cls.vips = cls._create_clients(cls.book, 8, client_tier="vip")
        cls.others = cls._create_clients(cls.book, 2)

    def test_band_boundaries_are_within(self):
        book = self.book
        self.assertEqual(book.client_count, 10)
        self.assertEqual(book.target_client_count, 8)
        self.assertEqual(book.target_share, 80.0)
        self.assertEqual(book.target_share_status, "within")
        self.vips[:1].client_tier = "standard"
        self.assertEqual(book.target_share, 70.0)
        self.assertEqual(book.target_share_status, "within")
        self.vips[1:2].client_tier = "standard"
        self.assertEqual(book.target_share, 60.0)
        self.assertEqual(book.target_share_status, "below")
        (self.vips[:2] | self.others).client_tier = "vip"
        self.assertEqual(book.target_share, 100.0)
        self.assertEqual(book.target_share_status, "above")

    def test_band_of_the_portfolio(self):
        self.book.write({"target_share_min": 85.0, "target_share_max": 95.0})
        self.assertEqual(self.book.target_share_status, "below")
        self.book.target_share_min = 80.0
        self.assertEqual(self.book.target_share_status, "within")

    def test_empty_portfolio(self):
        empty = self.env["customer.portfolio"].create(
            {"name": "Empty", "agent_id": self.agent_b.id}
        )
        self.assertEqual(empty.client_count, 0)
        self.assertEqual(empty.target_client_count, 0)
        self.assertEqual(empty.target_share, 0.0)
        self.assertEqual(empty.target_share_status, "below")
        Snapshot = self.env["customer.portfolio.snapshot"]
        Snapshot._take_snapshot(date(2026, 1, 1))
        snapshot = Snapshot.search([("portfolio_id", "=", empty.id)])
        self.assertEqual(
            (snapshot.client_count, snapshot.target_share, snapshot.non_target_share),
            (0, 0.0, 0.0),
        )
        self.assertFalse(empty.non_target_growing)

    def test_non_target_share_growing_flagged(self):
        Snapshot = self.env["customer.portfolio.snapshot"]
        Snapshot._take_snapshot(date(2026, 1, 1))
        self.assertFalse(self.book.non_target_growing)
        # more non-target clients a month later
        self._create_clients(self.book, 6)
        Snapshot._take_snapshot(date(2026, 2, 1))
        self.assertTrue(self.book.non_target_growing)
        self.assertAlmostEqual(self.book.non_target_share_trend, 30.0, places=1)
        self.assertFalse(self.portfolio_b.non_target_growing)
        self.assertIn(
            self.book,
            self.env["customer.portfolio"].search([("non_target_growing", "=", True)]),
        )
        # taken twice the same day: updated, not duplicated
        self.others.client_tier = "vip"
        self.vips.client_tier = "vip"
        Snapshot._take_snapshot(date(2026, 2, 1))
        snapshots = Snapshot.search([("portfolio_id", "=", self.book.id)])
        self.assertEqual(len(snapshots), 2)
        self.assertEqual(snapshots[0].target_client_count, 10)
        self.assertTrue(self.book.non_target_growing)
        # the reference is the snapshot about 30 days old, not the day before
        self.env["res.partner"].search(
            [("portfolio_id", "=", self.book.id), ("client_tier", "=", "standard")]
        ).client_tier = "vip"
        Snapshot._take_snapshot(date(2026, 2, 2))
        self.assertFalse(self.book.non_target_growing)
        self.assertAlmostEqual(self.book.non_target_share_trend, -20.0, places=1)

    def test_agent_sees_own_history_only(self):
        self.env["customer.portfolio.snapshot"]._take_snapshot(date(2026, 1, 1))
        history = self.env["customer.portfolio.snapshot"].with_user(self.agent_b)
        self.assertEqual(history.search([]).portfolio_id, self.portfolio_b)
        action = self.book.action_open_snapshots()
        self.assertEqual(
            self.env["customer.portfolio.snapshot"]
            .search(action["domain"])
            .portfolio_id,
            self.book,
        )


@tagged("post_install", "-at_install")
class TestTargetReports(SegmentCommon):
    def test_clients_by_agent_and_segment(self):
        self._create_clients(self.portfolio_a, 3, client_tier="vip")
        self._create_clients(self.portfolio_b, 1, client_tier="vip")
        self._create_clients(self.portfolio_b, 2, children_count=1)
        Report = self.env["customer.portfolio.report"].with_user(self.manager)
        rows = Report._read_group(
            [("agent_id", "in", (self.agent_a | self.agent_b).ids)],
            ["agent_id", "segment_id"],
            ["client_count:sum", "target_client_count:sum"],
        )
        self.assertEqual(
            {(agent.login, segment.name, *counts) for agent, segment, *counts in rows},
            {
                ("agent_a", "VIP", 3, 3),
                ("agent_a", False, 1, 0),
                ("agent_b", "VIP", 1, 1),
                ("agent_b", "Families", 2, 0),
                ("agent_b", False, 1, 0),
            },
        )
        shares = dict(
            Report._read_group(
                [("agent_id", "in", (self.agent_a | self.agent_b).ids)],
                ["agent_id"],
                ["target_share:avg"],
            )
        )
        self.assertEqual(shares[self.agent_a], 75.0)
        self.assertEqual(shares[self.agent_b], 25.0)

    def test_offers_to_non_target_clients(self):
        template = self.env["customer.offer.template"].create({"name": "Gift"})
        vip = self._create_client("VIP", self.portfolio_a, client_tier="vip")
        Offer = self.env["customer.offer"]
        for partner, key in [
            (vip, "a"),
            (self.client_a, "a"),
            (self.client_a, "b"),
            (self.client_b, "a"),
        ]:
            Offer.create(
                {
                    "partner_id": partner.id,
                    "template_id": template.id,
                    "occasion_key": key,
                    "portfolio_id": partner.portfolio_id.id,
                }
            )
        Report = self.env["customer.offer.target.report"].with_user(self.manager)
        rows = Report._read_group(
            [("template_id", "=", template.id)],
            ["agent_id", "is_target_client"],
            ["offer_count:sum", "non_target_offer_count:sum"],
        )
        self.assertEqual(
            {(agent.login, target, *counts) for agent, target, *counts in rows},
            {
                ("agent_a", True, 1, 0),
                ("agent_a", False, 2, 2),
                ("agent_b", False, 1, 1),
            },
        )
