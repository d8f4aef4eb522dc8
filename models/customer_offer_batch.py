import logging
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

from . import customer_offer
from .ir_qweb import QWEB_CACHE_KEY

_logger = logging.getLogger(__name__)

# a plan left by a run killed yesterday is not resumed: its dates are past, and
# the look-back of the next plan selects those clients again while still valid
STALE_AFTER = timedelta(hours=20)
# the day the planned batches serve (ir.config_parameter)
PLAN_DAY = "customer_portfolio.offer_plan_day"


class CustomerOfferBatch(models.Model):
    """A batch of clients due for an occasion's offer, waiting for a worker.

    The offer cron plans a run into these rows, then any number of workers
    (the offer cron itself and the *offer worker* crons, on one server or
    several on the same database) claim them one at a time with ``SELECT ...
    FOR UPDATE SKIP LOCKED``, make their offers and delete them in the same
    transaction: no batch is done twice, and the rows of a run killed midway
    are still there for the next worker. Technical: superuser only.
    """

    _name = "customer.offer.batch"
    _description = "Offer Batch"
    _order = "id"
    _log_access = False

    template_id = fields.Many2one(
        "customer.offer.template", required=True, ondelete="cascade"
    )
    occasion_key = fields.Char(required=True)
    date_start = fields.Date(required=True)
    date_end = fields.Date(required=True)
    partner_ids = fields.Json(required=True, help="The ids of the batch's clients.")
    planned_at = fields.Datetime(required=True)
    # done, but some clients were left out: the run is not complete, and the
    # next one looks back over its days
    failed = fields.Boolean()

    @api.model
    def _plan(self, on_date=None, batch_size=500):
        """Split the day's offer jobs into batches of clients, unless another
        worker's plan is still being processed.

        The table is locked before the transaction's snapshot is taken (the
        first query), so that two planners run one after the other, the second
        one seeing the first one's rows.

        :return: the number of clients planned
        """
        self.env["ir.cron"]._commit_progress()
        self.env.execute_query(
            SQL("LOCK TABLE customer_offer_batch IN SHARE ROW EXCLUSIVE MODE")
        )
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                "DELETE FROM customer_offer_batch WHERE planned_at < %s",
                now - STALE_AFTER,
            )
        )
        if self.env.execute_query(
            SQL("SELECT 1 FROM customer_offer_batch WHERE failed IS NOT TRUE LIMIT 1")
        ):
            self.env["ir.cron"]._commit_progress()
            return 0
        # the previous plan is over, but incomplete: this one looks back over it
        self.env.execute_query(SQL("DELETE FROM customer_offer_batch WHERE failed"))
        Partner = self.env["res.partner"]
        Offer = self.env["customer.offer"]
        planned = 0
        jobs = Offer._get_offer_jobs(on_date)
        for job in jobs:
            clients = Partner._search(job["domain"])
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_offer_batch (
                        template_id, occasion_key, date_start, date_end,
                        partner_ids, planned_at)
                    SELECT %(template)s, %(key)s, %(start)s, %(end)s,
                           to_jsonb(array_agg(id ORDER BY id)), %(now)s
                      FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1)
                                       / %(size)s AS chunk
                              FROM res_partner WHERE id IN %(clients)s) AS t
                     GROUP BY chunk
                 RETURNING jsonb_array_length(partner_ids)
                    """,
                    template=job["template"].id,
                    key=job["key"],
                    start=job["date_start"],
                    end=job["date_end"],
                    now=now,
                    size=batch_size,
                    clients=clients.subselect(),
                )
            )
            planned += sum(count for (count,) in rows)
        if jobs:
            day = min(job["day"] for job in jobs)
            if planned:
                # the day the plan serves, once every batch is done
                Offer._set_run_day(PLAN_DAY, day)
            else:
                Offer._set_served_through(day)
        self.env["ir.cron"]._commit_progress()
        return planned

    @api.model
    def _claim(self):
        """Lock and return one batch no other worker holds (empty if none).

        :raise SerializationFailure: when a worker deleted the first free
            batch after this transaction's snapshot (claim again in a new one)
        """
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM customer_offer_batch WHERE failed IS NOT TRUE
                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                """
            )
        )
        return self.browse([batch_id for (batch_id,) in rows])

    def _process(self):
        """Make the offers of this claimed batch and delete it (or mark it
        failed if some of its clients were left out).

        :return: the new offers
        :raise SerializationFailure: when a concurrent run made some of them
            since this transaction's snapshot (the batch stays, to be retried)
        """
        self.ensure_one()
        occasion = {
            "key": self.occasion_key,
            "date_start": self.date_start,
            "date_end": self.date_end,
        }
        partners = self.env["res.partner"].browse(self.partner_ids).exists()
        failed = []
        offers = self.env["customer.offer"]._generate_batch(
            self.template_id, occasion, partners, digest=False, failed=failed
        )
        if failed:
            self._mark_failed()
        else:
            self.env.execute_query(
                SQL("DELETE FROM customer_offer_batch WHERE id = %s", self.id)
            )
        return offers

    def _mark_failed(self):
        """Keep this claimed batch out of the run, which is thus not complete."""
        self.env.execute_query(
            SQL(
                "UPDATE customer_offer_batch SET failed = TRUE WHERE id IN %s",
                self._ids,
            )
        )

    @api.model
    def _pending_clients(self):
        """How many clients the planned batches hold."""
        [(total,)] = self.env.execute_query(
            SQL(
                "SELECT sum(jsonb_array_length(partner_ids)) FROM customer_offer_batch "
                "WHERE failed IS NOT TRUE"
            )
        )
        return total or 0

    @api.model
    def _complete_plan(self):
        """Once the last batch of a plan is done and none failed, record the
        day the plan served (``customer.offer._set_served_through``)."""
        if self.env.execute_query(SQL("SELECT 1 FROM customer_offer_batch LIMIT 1")):
            return
        Offer = self.env["customer.offer"]
        day = Offer._get_run_day(PLAN_DAY)
        if not day:
            return
        try:
            with self.env.cr.savepoint():
                Offer._set_served_through(day)
        except psycopg2.errors.SerializationFailure:
            return  # another worker finishing at the same time recorded it
        self.env["ir.cron"]._commit_progress()

    @api.model
    def _run(self, on_date=None, plan=True):
        """Work through the planned batches, each in its own transaction,
        until none is left or the cron's time is up; with ``plan``, plan the
        day's run once the pending batches are done (and go through it).

        A batch that collides with a concurrent ``generate_offers`` call is
        rolled back and retried once on a fresh snapshot, then left out (the
        run is then not complete: the next one looks back over its days).

        :return: the representative offers of the digest (one per agent)
        """
        # the email templates are compiled once for all the batches
        return self.with_context(**{QWEB_CACHE_KEY: {}})._run_batches(on_date, plan)

    @api.model
    def _run_batches(self, on_date, plan):
        Cron = self.env["ir.cron"]
        Offer = self.env["customer.offer"]
        digest = {}
        collided = set()
        planned = not plan
        Cron._commit_progress(remaining=self._pending_clients())
        while True:
            try:
                batch = self._claim()
            except psycopg2.errors.SerializationFailure:
                # a worker finished a batch between this snapshot and its lock
                self.env.cr.rollback()
                continue
            if not batch:
                if planned:
                    self._complete_plan()
                    break
                planned = True
                if self._plan(on_date, batch_size=customer_offer.BATCH_SIZE):
                    self._trigger_workers()
                    Cron._commit_progress(remaining=self._pending_clients())
                continue
            size = len(batch.partner_ids)
            try:
                with self.env.cr.savepoint():
                    offers = batch._process()
            except psycopg2.errors.SerializationFailure:
                self.env.cr.rollback()
                self.env.invalidate_all()
                if batch.id in collided:
                    _logger.info(
                        "Offer batch %s collided again with a concurrent run: "
                        "left to the next run",
                        batch.id,
                    )
                    batch._mark_failed()
                    self.env["ir.cron"]._commit_progress()
                collided.add(batch.id)
                continue
            for offer in offers.filtered(
                lambda o: o.agent_id and not o.template_id.activity_type_id
            ):
                digest.setdefault(offer.agent_id.id, offer.id)
            if not Cron._commit_progress(processed=size):
                break
            self.env.invalidate_all()
        return Offer.browse(list(digest.values()))

    @api.model
    def _trigger_workers(self):
        """Wake the offer worker crons up to share the planned batches."""
        self.env["ir.cron"].sudo().search(
            [("code", "=", "model._cron_offer_worker()")]
        )._trigger()
