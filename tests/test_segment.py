from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models import customer_segment
from .common import AGENT_GROUPS, SegmentCommon


@tagged("post_install", "-at_install")
class TestSegmentAssignment(SegmentCommon):
    def test_first_matching_segment_by_sequence(self):
        vip_parent = self._create_client(
            "VIP parent", self.portfolio_a, client_tier="vip", children_count=2
        )
        parent = self._create_client("Parent", self.portfolio_a, children_count=1)
        self.assertEqual(vip_parent.segment_id, self.segment_vip)
        self.assertTrue(vip_parent.is_target_client)
        self.assertEqual(parent.segment_id, self.segment_family)
        self.assertFalse(parent.is_target_client)
        self.assertFalse(self.client_a.segment_id)
        self.assertFalse(self.client_a.is_target_client)
        # the order of the segments decides overlapping clients
        self.segment_family.sequence = 1
        self.assertEqual(vip_parent.segment_id, self.segment_family)
        self.assertFalse(vip_parent.is_target_client)
        self.assertEqual(self.segment_family.partner_count, 2)
        self.assertEqual(self.segment_vip.partner_count, 0)

    def test_target_flag_follows_segment(self):
        vip = self._create_client("VIP", self.portfolio_a, client_tier="vip")
        self.assertTrue(vip.is_target_client)
        self.segment_vip.is_target = False
        self.assertFalse(vip.is_target_client)
        self.segment_vip.action_archive()
        self.assertFalse(vip.segment_id)
        self.segment_vip.action_unarchive()
        self.assertEqual(vip.segment_id, self.segment_vip)
        self.segment_vip.unlink()
        self.assertFalse(vip.segment_id)

    def test_recompute_after_client_changes(self):
        client = self.client_a
        client.client_tier = "vip"
        self.assertEqual(client.segment_id, self.segment_vip)
        self.assertTrue(client.is_target_client)
        client.client_tier = "standard"
        self.assertFalse(client.segment_id)
        self.assertFalse(client.is_target_client)
        client.children_count = 3
        self.assertEqual(client.segment_id, self.segment_family)
        # leaving the portfolio clears the segment: only clients are segmented
        client.portfolio_id = False
        self.assertFalse(client.segment_id)

    def test_recompute_on_demand_catches_indirect_changes(self):
        """A change outside the client (here its portfolio's name) is caught by
        the daily job or the Recompute button."""
        north = self.env["customer.segment"].create(
            {
                "name": "North",
                "sequence": 1,
                "domain": "[('portfolio_id.name', '=', 'North')]",
                "is_target": True,
            }
        )
        self.assertFalse(self.client_a.segment_id)
        self.portfolio_a.name = "North"
        self.assertFalse(self.client_a.segment_id)
        action = self.segment_vip.with_user(self.manager).action_recompute_segments()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.client_a.segment_id, north)
        self.portfolio_a.name = "South"
        self.patch(self.env.registry, "ready", True)
        cron = self.env.ref("customer_portfolio.ir_cron_recompute_segments")
        with self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.assertFalse(self.client_a.segment_id)

    def test_large_base_reassigned_in_the_background(self):
        """On a large base, a segment change starts the segment job instead of
        holding the manager's request, and says so."""
        self.patch(customer_segment, "SYNC_RECOMPUTE_LIMIT", 1)
        self.patch(self.env.registry, "ready", True)
        cron = self.env.ref("customer_portfolio.ir_cron_recompute_segments")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search([("cron_id", "=", cron.id)])
        north = (
            self.env["customer.segment"]
            .with_user(self.manager)
            .create(
                {
                    "name": "North",
                    "sequence": 1,
                    "domain": f"[('portfolio_id', '=', {self.portfolio_a.id})]",
                    "is_target": True,
                }
            )
        )
        self.assertFalse(self.client_a.segment_id)
        self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]) - triggers)
        self.env.cr.precommit.run()  # the bus sends on commit
        self.assertTrue(
            self.env["bus.bus"].search(
                [
                    ("channel", "like", f'"res.partner",{self.manager.partner_id.id}]'),
                    ("message", "like", "simple_notification"),
                ]
            )
        )
        action = north.with_user(self.manager).action_recompute_segments()
        self.assertEqual(action["params"]["type"], "info")
        self.assertFalse(self.client_a.segment_id)
        with self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.assertEqual(self.client_a.segment_id, north)

    def test_new_client_from_portfolio_segmented(self):
        client = (
            self.env["res.partner"]
            .with_user(self.agent_a)
            .with_context(default_portfolio_id=self.portfolio_a.id)
            .create({"name": "New VIP", "client_tier": "vip"})
        )
        self.assertEqual(client.segment_id, self.segment_vip)
        self.assertTrue(client.is_target_client)

    def test_explicit_values_kept_until_recompute(self):
        client = self._create_client(
            "Imported", self.portfolio_a, is_target_client=True
        )
        self.assertTrue(client.is_target_client)
        self.env["customer.segment"]._recompute_segments()
        self.assertFalse(client.is_target_client)

    def test_segments_per_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_agent = new_test_user(
            self.env,
            login="other_agent",
            groups=AGENT_GROUPS,
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        other_book = self.env["customer.portfolio"].create(
            {
                "name": "Other book",
                "agent_id": other_agent.id,
                "company_id": other_company.id,
            }
        )
        other_client = self._create_client("Other", other_book, client_tier="vip")
        self.assertFalse(other_client.segment_id)
        other_vip = self.segment_vip.copy({"company_id": other_company.id})
        self.assertEqual(other_client.segment_id, other_vip)
        # a portfolio moving to the other company takes its clients along
        self.client_a.client_tier = "vip"
        self.assertEqual(self.client_a.segment_id, self.segment_vip)
        self.agent_a.company_ids = [Command.link(other_company.id)]
        self.portfolio_a.company_id = other_company
        self.assertEqual(self.client_a.segment_id, other_vip)

    def test_recompute_is_set_based(self):
        """The number of queries does not grow with the number of clients."""

        def count_queries(clients):
            clients.write({"client_tier": "vip"})
            clients.invalidate_recordset()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env["customer.segment"]._recompute_segments()
            return self.env.cr.sql_log_count - before

        few = count_queries(self._create_clients(self.portfolio_a, 2))
        many = count_queries(self._create_clients(self.portfolio_b, 40))
        self.assertEqual(few, many)

    def test_shipped_example_segments(self):
        vip = self.env.ref("customer_portfolio.customer_segment_vip")
        self.assertEqual(vip.domain, '[("client_tier", "=", "vip")]')
        self.assertTrue(vip.is_target)
        self.assertTrue(self.env.ref("customer_portfolio.ir_cron_recompute_segments"))


@tagged("post_install", "-at_install")
class TestSegmentDomainValidation(SegmentCommon):
    def assertDomainRejected(self, domain, text):
        with self.assertRaisesMessage(ValidationError, text):
            self.segment_vip.domain = domain
        self.assertEqual(self.segment_vip.domain, "[('client_tier', '=', 'vip')]")

    def test_invalid_domains_rejected(self):
        self.assertDomainRejected("[('client_tier', '=', ", "not well-formed")
        self.assertDomainRejected("[('no_such_field', '=', 1)]", "no_such_field")
        self.assertDomainRejected("{'client_tier': 'vip'}", "list of conditions")
        self.assertDomainRejected("[('client_tier', 'like like', 'vip')]", "like like")
        self.assertDomainRejected("[('children_count', '>', 'many')]", "not a valid")

    def test_unsafe_domains_rejected(self):
        self.assertDomainRejected(
            "[('name', '=', __import__('os').system('touch /tmp/pwned'))]",
            "code, names and function calls are not allowed",
        )
        self.assertDomainRejected(
            "[('id', '=', uid)]", "code, names and function calls are not allowed"
        )
        self.assertDomainRejected(
            "().__class__.__bases__[0].__subclasses__()",
            "code, names and function calls are not allowed",
        )

    def test_broken_segment_skipped(self):
        """A domain broken after validation (e.g. a field removed) never blocks
        the clients' edition; the other segments still apply."""
        self.env.cr.execute(
            SQL(
                "UPDATE customer_segment SET domain = %s WHERE id = %s",
                "[('gone', '=', 1)]",
                self.segment_family.id,
            )
        )
        self.segment_family.invalidate_recordset()
        self.env.registry.clear_cache()
        with self.assertLogs("odoo.addons.customer_portfolio", "ERROR"):
            self.client_a.write({"client_tier": "vip", "children_count": 1})
        self.assertEqual(self.client_a.segment_id, self.segment_vip)

    def test_valid_domains_accepted(self):
        self.segment_vip.domain = (
            "['|', ('client_tier', 'in', ['vip', 'premium']), "
            "('portfolio_id.agent_id.login', '=', 'agent_a')]"
        )
        self.segment_vip.domain = "[('age', '>=', 60)]"
        # a condition on the age is refreshed when the birthdate changes
        self.client_a.birthdate = date(1950, 1, 1)
        self.assertEqual(self.client_a.segment_id, self.segment_vip)


@tagged("post_install", "-at_install")
class TestSegmentAccess(SegmentCommon):
    def test_agent_reads_but_cannot_edit_segments(self):
        segment = self.segment_vip.with_user(self.agent_a)
        self.assertEqual(segment.name, "VIP")
        with self.assertRaises(AccessError):
            segment.write({"domain": "[]"})
        with self.assertRaises(AccessError):
            self.env["customer.segment"].with_user(self.agent_a).create(
                {"name": "Mine", "domain": "[]"}
            )
        with self.assertRaises(AccessError):
            segment.unlink()
        with self.assertRaises(AccessError):
            segment.action_recompute_segments()
        # the dashboards are for managers
        with self.assertRaises(AccessError):
            self.env["customer.portfolio.report"].with_user(self.agent_a).search([])
        with self.assertRaises(AccessError):
            self.env["customer.offer.target.report"].with_user(self.agent_a).search([])

    def test_agent_sees_only_own_clients(self):
        self.client_a.client_tier = "vip"
        self.client_b.client_tier = "vip"
        self.assertEqual(self.segment_vip.partner_count, 2)
        self.assertEqual(self.segment_vip.with_user(self.agent_a).partner_count, 1)
        clients = (
            self.env["res.partner"]
            .with_user(self.agent_a)
            .search([("segment_id", "=", self.segment_vip.id)])
        )
        self.assertEqual(clients, self.client_a)

    def test_manager_edits_segments(self):
        segment = self.segment_family.with_user(self.manager)
        segment.write({"domain": "[('children_count', '>=', 2)]"})
        self.client_a.children_count = 1
        self.assertFalse(self.client_a.segment_id)
        self.client_a.children_count = 2
        self.assertEqual(self.client_a.segment_id, self.segment_family)
