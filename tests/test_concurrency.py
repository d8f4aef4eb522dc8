"""Concurrent transactions on the same clients, on real cursors."""

from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import delete_clients


def superuser_env(cr):
    """An environment on ``cr``, one of the concurrent transactions."""
    return api.Environment(cr, SUPERUSER_ID, {})


@tagged("post_install", "-at_install")
class TestIncomeTrendConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            partner = env["res.partner"].create({"name": "Two editors"})
            records = env["customer.income.record"].create(
                [
                    {"partner_id": partner.id, "date": day, "amount": 100}
                    for day in ("2020-01-01", "2022-01-01", "2025-01-01")
                ]
            )
            self.assertEqual(partner.income_trend, "stable")
            self.partner_id, self.record_ids = partner.id, records.ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            delete_clients(superuser_env(cr), [self.partner_id])

    def test_no_trend_from_a_stale_snapshot(self):
        """One user moves a record, another adds one at the same time: the
        second cannot commit a trend that ignores the first one's change."""
        with self.registry.cursor() as cr2:
            env2 = superuser_env(cr2)
            env2.cr.execute("SELECT 1")  # the second transaction's snapshot
            with self.registry.cursor() as cr1:
                # still the previous record: the trend does not change
                superuser_env(cr1)["customer.income.record"].browse(
                    self.record_ids[1]
                ).date = "2021-01-01"
            Income = env2["customer.income.record"]
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                Income.create(
                    {"partner_id": self.partner_id, "date": "2021-06-01", "amount": 200}
                )
            cr2.rollback()
            # retried, as Odoo retries a request failing this way
            env2 = superuser_env(cr2)
            env2["customer.income.record"].create(
                {"partner_id": self.partner_id, "date": "2021-06-01", "amount": 200}
            )
            partner = env2["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.income_trend, "decreasing")
            self.assertEqual(partner.income_trend_pct, -50)


@tagged("post_install", "-at_install")
class TestDailyJobsConcurrency(TransactionCase):
    """A daily job runs while a user saves the records it rewrites."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            portfolio = env["customer.portfolio"].create(
                {"name": "Busy book", "agent_id": env.ref("base.user_admin").id}
            )
            partner = env["res.partner"].create(
                {
                    "name": "Busy client",
                    "portfolio_id": portfolio.id,
                    "client_tier": "vip",
                    "city": "Shaky Town",
                }
            )
            area = env["customer.location.risk"].create(
                {
                    "name": "Quake",
                    "city": "Shaky Town",
                    "date_start": fields.Date.context_today(partner),
                }
            )
            self.assertEqual(partner.location_risk_ids, area)
            self.portfolio_id, self.partner_id, self.area_id = (
                portfolio.id,
                partner.id,
                area.id,
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = superuser_env(cr)
            env["customer.location.risk"].browse(self.area_id).unlink()
            delete_clients(env, [self.partner_id])
            env["customer.portfolio"].browse(self.portfolio_id).unlink()

    def test_segment_job_retries_after_a_concurrent_save(self):
        with self.registry.cursor() as cr:
            # a segment left stale, e.g. by a tier imported in SQL
            cr.execute(
                "UPDATE res_partner SET segment_id = NULL WHERE id = %s",
                [self.partner_id],
            )
        with self.registry.cursor() as job_cr:
            job_cr.execute("SELECT 1")  # the job's snapshot
            with self.registry.cursor() as user_cr:
                superuser_env(user_cr)["res.partner"].browse(
                    self.partner_id
                ).phone = "+1"
            env = superuser_env(job_cr)
            with mute_logger("odoo.service.model"):
                env["customer.segment"]._cron_recompute_segments()
            partner = env["res.partner"].browse(self.partner_id)
            self.assertEqual(
                partner.segment_id, env.ref("customer_portfolio.customer_segment_vip")
            )
            self.assertEqual(partner.phone, "+1")
            job_cr.rollback()

    def test_risk_job_retries_after_a_concurrent_edit(self):
        with self.registry.cursor() as cr:
            # an area whose period starts today, not started yet
            cr.execute(
                "UPDATE customer_location_risk SET is_current = FALSE WHERE id = %s",
                [self.area_id],
            )
            cr.execute(
                "DELETE FROM customer_location_risk_partner_rel WHERE risk_id = %s",
                [self.area_id],
            )
        Risk = self.registry["customer.location.risk"]
        update_coverage = Risk._update_coverage
        edits = []

        def update_during_an_edit(areas, *args, **kwargs):
            # the job commits its progress between areas: a manager renames
            # the area just after the job took its snapshot for this one
            if not edits:
                areas.env.cr.execute("SELECT 1")
                with self.registry.cursor() as user_cr:
                    superuser_env(user_cr)["customer.location.risk"].browse(
                        self.area_id
                    ).name = "Quake, confirmed"
                edits.append(areas.id)
            return update_coverage(areas, *args, **kwargs)

        with (
            self.registry.cursor() as job_cr,
            patch.object(Risk, "_update_coverage", update_during_an_edit),
            mute_logger("odoo.service.model"),
        ):
            env = superuser_env(job_cr)
            env["customer.location.risk"]._cron_update_location_risks()
            area = env["customer.location.risk"].browse(self.area_id)
            self.assertEqual(edits, [area.id])
            self.assertTrue(area.is_current)
            self.assertEqual(area.name, "Quake, confirmed")
            partner = env["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.location_risk_ids, area)
