"""The offer engine: no occasion missed, collisions, offers' activities."""

import threading
from datetime import date, datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import OfferCommon, delete_clients, forget_offer_runs

ENGINE = "odoo.addons.customer_portfolio.models.customer_offer"


@tagged("post_install", "-at_install")
class TestNoMissedOccasion(OfferCommon):
    def test_missed_high_spend_run_caught_up(self):
        """The 1 December run did not happen: the 2nd makes the month's offers,
        valid until the day they would have ended."""
        december = self._template(
            "December",
            "high_spend_month",
            month_ids=[
                Command.set(self.env.ref("customer_portfolio.offer_month_12").ids)
            ],
            validity_days=30,
        )
        clients = self.client_a | self.client_b
        self.assertFalse(self._made(date(2026, 11, 30), clients))
        offers = self._made(date(2026, 12, 2), clients)
        self.assertEqual(offers.partner_id, self.client_a | self.client_b)
        self.assertEqual(offers.template_id, december)
        self.assertEqual(set(offers.mapped("occasion_key")), {"month-2026-12"})
        self.assertEqual(
            {(o.date_start, o.date_end) for o in offers},
            {(date(2026, 12, 2), date(2026, 12, 30))},
        )
        self.assertEqual(offers.mapped("state"), ["sent", "sent"])
        self.assertFalse(self._made(date(2026, 12, 3), clients))

    def test_complete_run_is_not_looked_back_over(self):
        """The days a complete run served are not searched again (the month's
        clients are not read every day of the month); a client a run left out
        is caught up the next day."""
        self._template(
            "December",
            "high_spend_month",
            month_ids=[
                Command.set(self.env.ref("customer_portfolio.offer_month_12").ids)
            ],
            validity_days=30,
        )
        clients = self.client_a | self.client_b
        insert_offers = type(self.Offer)._insert_offers

        def fail_for_client_b(offers, template, occasion, partners):
            if self.client_b in partners:
                raise ValueError("client B's offer cannot be made today")
            return insert_offers(offers, template, occasion, partners)

        def month_jobs(day):
            return [
                job
                for job in self.Offer._get_offer_jobs(day)
                if job["key"] == "month-2026-12"
            ]

        with (
            patch.object(type(self.Offer), "_insert_offers", fail_for_client_b),
            mute_logger(ENGINE),
        ):
            self.assertEqual(
                self._made(date(2026, 12, 1), clients).partner_id, self.client_a
            )
        self.assertFalse(self.Offer._get_served_through())
        # the run of the 1st left client B out: the 2nd looks back and catches up
        self.assertTrue(month_jobs(date(2026, 12, 2)))
        self.assertEqual(
            self._made(date(2026, 12, 2), clients).partner_id, self.client_b
        )
        self.assertEqual(self.Offer._get_served_through(), date(2026, 12, 2))
        # complete: the 3rd searches its own occasions only
        self.assertFalse(month_jobs(date(2026, 12, 3)))
        # a manager's run of a later day records nothing beyond tomorrow
        self.Offer.generate_offers(date(2031, 12, 11))
        self.assertEqual(self.Offer._get_served_through(), date(2026, 12, 2))

    def test_agent_run_records_no_served_day(self):
        """An agent's run serves their own book only: the other clients' days
        are still to serve."""
        self.Offer.with_user(self.agent_a).generate_offers()
        self.assertFalse(self.Offer._get_served_through())
        self.Offer.generate_offers()
        self.assertTrue(self.Offer._get_served_through())

    def test_missed_month_past_its_validity_is_not_offered(self):
        self._template(
            "December",
            "high_spend_month",
            month_ids=[
                Command.set(self.env.ref("customer_portfolio.offer_month_12").ids)
            ],
            validity_days=30,
        )
        self.assertFalse(self._made(date(2026, 12, 31), self.client_a))

    def test_one_day_credit_not_offered_late(self):
        """A one-day birthday credit is over the day after; a two-day one is not."""
        two_days = self._template("Birthday week-end", "birthday", validity_days=2)
        offers = self._made(date(2026, 5, 11), self.client_a | self.client_b)
        self.assertEqual(offers.template_id, two_days)
        self.assertEqual(offers.partner_id, self.client_a | self.client_b)
        self.assertEqual(
            {(o.date_start, o.date_end) for o in offers},
            {(date(2026, 5, 11), date(2026, 5, 11))},
        )
        self.assertFalse(self._offers(self.birthday))

    def test_daylight_saving_jump_loses_no_day(self):
        """A daily run at 22:30 UTC: Berlin's local date goes from 28 March
        (23:30 CET) to 30 March (00:30 CEST); the 29th is served on the 30th by
        the offers still valid then."""
        two_days = self._template("Birthday week-end", "birthday", validity_days=2)
        berlin = self._create_client(
            "Berlin", self.portfolio_a, tz="Europe/Berlin", birthdate="1980-03-29"
        )
        with self.mock_datetime_and_now(datetime(2026, 3, 28, 22, 30)):
            self.assertFalse(self._made(None, berlin))
        with self.mock_datetime_and_now(datetime(2026, 3, 29, 22, 30)):
            offers = self._made(None, berlin)
        self.assertEqual((offers.template_id, offers.partner_id), (two_days, berlin))
        self.assertEqual(
            (offers.occasion_key, offers.date_start, offers.date_end),
            ("birthday-2026", date(2026, 3, 30), date(2026, 3, 30)),
        )
        # the one-day credit ended with the 29th: not offered a day late
        self.assertFalse(self._offers(self.birthday, berlin))

    def test_feb_29_client_anniversary(self):
        """A client since 29 February is celebrated on 28 February in common
        years, as a birthday is."""
        anniversary = self._template("Anniversary", "client_anniversary")
        leapling = self._create_client(
            "Leap client", self.portfolio_a, client_since="2024-02-29"
        )
        self.assertFalse(self._offers_on(anniversary, leapling, date(2024, 2, 29)))
        self.assertTrue(self._offers_on(anniversary, leapling, date(2025, 2, 28)))
        self.assertFalse(self._offers_on(anniversary, leapling, date(2025, 3, 1)))
        self.assertTrue(self._offers_on(anniversary, leapling, date(2028, 2, 29)))
        self.assertEqual(
            self._offers(anniversary, leapling).mapped("occasion_key"),
            ["anniversary-2028", "anniversary-2025"],
        )

    def _offers_on(self, template, partner, day):
        return self._made(day, partner).filtered(lambda o: o.template_id == template)

    def _made(self, day, partners):
        """The offers a run makes to ``partners`` (demo clients left aside)."""
        return self.Offer.generate_offers(day).filtered(
            lambda o: o.partner_id in partners
        )


class CommittedClientsCase(TransactionCase):
    """Clients with a birthday on 10 May and a birthday template, committed,
    for concurrent transactions on real cursors."""

    clients = 3

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            template = env["customer.offer.template"].create(
                {"name": "Collision", "trigger": "birthday", "offer_category": "gift"}
            )
            portfolio = env["customer.portfolio"].create(
                {"name": "Collisions", "agent_id": env.ref("base.user_admin").id}
            )
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Collision {i}",
                        "portfolio_id": portfolio.id,
                        "birthdate": "1990-05-10",
                    }
                    for i in range(self.clients)
                ]
            )
            self.ids = (template.id, portfolio.id, partners.ids)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        template_id, portfolio_id, partner_ids = self.ids
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            delete_clients(env, partner_ids)
            env["customer.portfolio"].browse(portfolio_id).unlink()
            env["customer.offer.template"].browse(template_id).unlink()
            cr.execute("DELETE FROM customer_offer_batch")
            forget_offer_runs(env)

    def _counts(self, cr):
        """The number of offers of the template made to each client."""
        cr.execute(
            "SELECT partner_id, count(*) FROM customer_offer WHERE template_id = %s "
            "GROUP BY partner_id",
            [self.ids[0]],
        )
        return dict(cr.fetchall())


@tagged("post_install", "-at_install")
class TestOfferCollision(CommittedClientsCase):
    """A generate_offers call beside the cron."""

    def _offer_first_client_concurrently(self):
        template_id, _portfolio_id, partner_ids = self.ids
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["customer.offer"].create(
                {
                    "partner_id": partner_ids[0],
                    "template_id": template_id,
                    "occasion_key": "birthday-2026",
                }
            )

    def _run(self, commit_progress):
        Offer = self.registry["customer.offer"]
        insert_offers = Offer._insert_offers
        collided = []

        def insert_beside_a_concurrent_call(offers, template, occasion, partners):
            # the job selected its batch; another call offers its first client now
            if template.id == self.ids[0] and not collided:
                self._offer_first_client_concurrently()
                collided.append(partners.ids)
            return insert_offers(offers, template, occasion, partners)

        with (
            patch(f"{ENGINE}.BATCH_SIZE", 2),
            patch.object(Offer, "_insert_offers", insert_beside_a_concurrent_call),
            self.registry.cursor() as job_cr,
            mute_logger(ENGINE),
        ):
            env = api.Environment(job_cr, SUPERUSER_ID, {})
            if commit_progress:
                env["customer.offer.batch"]._run(date(2026, 5, 10))
            else:
                env["customer.offer"]._generate_offers(date(2026, 5, 10))
            job_cr.commit()
            self.assertEqual(collided, [self.ids[2][:2]])
            return self._counts(job_cr)

    def test_collision_skips_that_batch_only(self):
        """In one transaction, the batch holding the client offered meanwhile
        is skipped; the next batch is still made."""
        partner_ids = self.ids[2]
        counts = self._run(commit_progress=False)
        self.assertEqual(counts, {partner_ids[0]: 1, partner_ids[2]: 1})

    def test_cron_retries_the_colliding_batch(self):
        """The cron rolls back and retries the colliding batch on a fresh snapshot:
        every client is offered, once."""
        counts = self._run(commit_progress=True)
        self.assertEqual(counts, dict.fromkeys(self.ids[2], 1))


@tagged("post_install", "-at_install")
class TestOfferWorkers(CommittedClientsCase):
    """The cron's run split into batches that several workers share."""

    clients = 6

    def test_two_workers_share_the_batches(self):
        Batch = self.registry["customer.offer.batch"]
        process = Batch._process
        barrier = threading.Barrier(2, timeout=30)
        seen = {}

        def process_beside_the_other(batch):
            # each worker's first batch waits until the other one holds one too
            name = threading.current_thread().name
            if name not in seen:
                barrier.wait()
            seen.setdefault(name, []).append(batch.id)
            return process(batch)

        def worker():
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["customer.offer.batch"]._run(
                    date(2026, 5, 10)
                )

        with (
            patch(f"{ENGINE}.BATCH_SIZE", 2),
            patch.object(Batch, "_process", process_beside_the_other),
        ):
            threads = [
                threading.Thread(target=worker, name=f"worker {i}") for i in (1, 2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertFalse(barrier.broken, "both workers held a batch at once")
        self.assertEqual(len(seen), 2)
        done = [batch for batches in seen.values() for batch in batches]
        self.assertEqual(len(done), len(set(done)), "no batch done twice")
        with self.registry.cursor() as cr:
            self.assertEqual(self._counts(cr), dict.fromkeys(self.ids[2], 1))
            cr.execute("SELECT count(*) FROM customer_offer_batch")
            self.assertEqual(cr.fetchone()[0], 0)
            # the worker that finished the plan recorded the day it served
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["customer.offer"]._get_served_through(), date(2026, 5, 10)
            )

    def test_claim_beside_a_worker_finishing_a_batch(self):
        """A batch another worker finished between this worker's snapshot and
        its lock does not stop this worker: it claims the next one."""
        Batch = self.registry["customer.offer.batch"]
        claim = Batch._claim
        finished = []

        def claim_after_the_other_worker(batches):
            if not finished:
                # this transaction's snapshot, then the other worker's commit
                batches.env.cr.execute("SELECT 1 FROM customer_offer_batch")
                with self.registry.cursor() as other:
                    other.execute(
                        "DELETE FROM customer_offer_batch WHERE id = "
                        "(SELECT min(id) FROM customer_offer_batch) "
                        "RETURNING template_id, partner_ids"
                    )
                    finished.append(other.fetchone())
            return claim(batches)

        day = date(2026, 5, 10)
        with (
            patch(f"{ENGINE}.BATCH_SIZE", 2),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertTrue(env["customer.offer.batch"]._plan(day, batch_size=2))
            with (
                patch.object(Batch, "_claim", claim_after_the_other_worker),
                mute_logger("odoo.sql_db"),
            ):
                env["customer.offer.batch"]._run(day, plan=False)
            self.assertEqual(env["customer.offer.batch"]._pending_clients(), 0)
            # every batch is done but the other worker's (which made nothing here)
            [(template_id, finished_ids)] = finished
            expected = [
                partner_id
                for partner_id in self.ids[2]
                if template_id != self.ids[0] or partner_id not in finished_ids
            ]
            self.assertEqual(self._counts(cr), dict.fromkeys(expected, 1))

    def test_client_left_out_keeps_the_day_unserved(self):
        """A client the cron's run left out (an error) keeps the run from
        recording its day: the next day's run looks back and offers them."""
        template_id, _portfolio_id, partner_ids = self.ids
        Offer = self.registry["customer.offer"]
        insert_offers = Offer._insert_offers

        def fail_for_first_client(offers, template, occasion, partners):
            if partner_ids[0] in partners.ids:
                raise ValueError("this client cannot be offered today")
            return insert_offers(offers, template, occasion, partners)

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["customer.offer.template"].browse(template_id).validity_days = 3
            Batch = env["customer.offer.batch"]
            with (
                patch(f"{ENGINE}.BATCH_SIZE", 2),
                patch.object(Offer, "_insert_offers", fail_for_first_client),
                mute_logger(ENGINE),
            ):
                Batch._run(date(2026, 5, 10))
            self.assertEqual(self._counts(cr), dict.fromkeys(partner_ids[1:], 1))
            self.assertFalse(env["customer.offer"]._get_served_through())
            Batch._run(date(2026, 5, 11))
            self.assertEqual(self._counts(cr), dict.fromkeys(partner_ids, 1))
            self.assertEqual(
                env["customer.offer"]._get_served_through(), date(2026, 5, 11)
            )
            cr.execute("SELECT count(*) FROM customer_offer_batch")
            self.assertEqual(cr.fetchone()[0], 0)

    def test_planner_leaves_a_plan_in_progress_alone(self):
        """A planner that finds another worker's batches in progress plans
        nothing and keeps that plan's failed batches: once the last batch is
        done, the plan is over but not complete."""
        day = date(2026, 5, 10)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Batch = env["customer.offer.batch"]
            self.assertTrue(Batch._plan(day, batch_size=2))
            cr.execute(
                "UPDATE customer_offer_batch SET failed = TRUE "
                "WHERE id = (SELECT min(id) FROM customer_offer_batch)"
            )
            self.assertEqual(Batch._plan(day, batch_size=2), 0)
            # the other worker finishes the batches it was making
            cr.execute("DELETE FROM customer_offer_batch WHERE NOT failed")
            Batch._complete_plan()
            cr.execute("SELECT count(*) FROM customer_offer_batch WHERE failed")
            self.assertEqual(cr.fetchone()[0], 1)
            self.assertFalse(env["customer.offer"]._get_served_through())

    def test_killed_run_resumes_where_it_stopped(self):
        Cron = type(self.env["ir.cron"])
        commit = Cron._commit_progress
        Batch = self.registry["customer.offer.batch"]
        plan = Batch._plan
        plans = []

        def commit_then_die(cron, processed=0, **kwargs):
            # killed once the first batch of the template is committed
            remaining = commit(cron, processed, **kwargs)
            if processed and self._counts(cron.env.cr):
                raise KeyboardInterrupt("worker killed")
            return remaining

        def count_plans(batches, *args, **kwargs):
            plans.append(plan(batches, *args, **kwargs))
            return plans[-1]

        day = date(2026, 5, 10)
        with (
            patch(f"{ENGINE}.BATCH_SIZE", 2),
            patch.object(Batch, "_plan", count_plans),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            # not self.assertRaises: it would roll back what the run committed
            with patch.object(Cron, "_commit_progress", commit_then_die):
                try:
                    env["customer.offer.batch"]._run(day)
                except KeyboardInterrupt:
                    cr.rollback()
            self.assertEqual(len(plans), 1)
            self.assertEqual(len(self._counts(cr)), 2)
            pending = env["customer.offer.batch"]._pending_clients()
            self.assertTrue(pending)
            env["customer.offer.batch"]._run(day)
            # the second run finished the first one's batches, then found
            # nothing left to plan
            self.assertEqual(plans[1:], [0])
            self.assertEqual(self._counts(cr), dict.fromkeys(self.ids[2], 1))


@tagged("post_install", "-at_install")
class TestOfferActivities(OfferCommon):
    """An offer that is no longer open leaves no call in *Calls due*."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls._template(
            "Birthday call",
            "birthday",
            offer_category="greeting_call",
            mail_template_id=False,
            activity_type_id=cls.env.ref("mail.mail_activity_data_call").id,
            validity_days=3,
        )

    def _calls(self):
        """The two birthday calls of 10 May 2026, by client."""
        offers = self._offers(self.call, self.client_a | self.client_b)
        self.assertEqual(len(offers), 2)
        self.assertEqual(len(offers.activity_ids), 2)
        return offers.sorted(lambda o: o.partner_id.id)

    def setUp(self):
        super().setUp()
        self.Offer.generate_offers(date(2026, 5, 10))

    def _open_calls(self, offers):
        return self.env["mail.activity"].search(
            [("res_model", "=", "customer.offer"), ("res_id", "in", offers.ids)]
        )

    def test_answered_offer_call_marked_done(self):
        offers = self._calls()
        offers[0].with_user(self.agent_a).action_accept()
        offers[1].action_decline()
        self.assertFalse(self._open_calls(offers))
        done = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [("res_model", "=", "customer.offer"), ("res_id", "in", offers.ids)]
            )
        )
        self.assertEqual(len(done), 2)
        self.assertEqual(done.mapped("state"), ["done", "done"])
        self.assertIn(
            "The client accepted the offer.",
            str(offers[0].message_ids.filtered("mail_activity_type_id").body),
        )

    def test_cancelled_and_expired_offer_call_removed(self):
        offers = self._calls()
        offers[0].action_cancel()
        self.assertEqual(len(self._open_calls(offers)), 1)
        self._run_cron(
            "customer_portfolio.ir_cron_expire_offers", datetime(2026, 5, 13, 13)
        )
        self.assertEqual(offers.mapped("state"), ["cancelled", "expired"])
        self.assertFalse(
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [("res_model", "=", "customer.offer"), ("res_id", "in", offers.ids)]
            )
        )

    def test_expiry_logged_in_chatter_in_batches(self):
        """Expiry is tracked like any state change, batch by batch."""
        offers = self._calls()
        commit = type(self.env["ir.cron"])._commit_progress
        batches = []

        def count_batches(cron, processed=0, **kwargs):
            if processed:
                batches.append(processed)
            return commit(cron, processed, **kwargs)

        with (
            patch(f"{ENGINE}.BATCH_SIZE", 1),
            patch.object(type(self.env["ir.cron"]), "_commit_progress", count_batches),
        ):
            self._run_cron(
                "customer_portfolio.ir_cron_expire_offers", datetime(2026, 5, 13, 13)
            )
        self.assertEqual(offers.mapped("state"), ["expired", "expired"])
        self.assertGreaterEqual(len(batches), 2)
        self.assertEqual(set(batches), {1})
        for offer in offers:
            tracked = offer.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "state"
            )
            self.assertEqual(tracked.new_value_char, "Expired")
