import logging
import secrets
from collections import defaultdict
from datetime import datetime, time, timedelta

import psycopg2.errors
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.access import is_portfolio_manager
from .customer_offer_template import DATE_TRIGGERS
from .ir_qweb import QWEB_CACHE_KEY

_logger = logging.getLogger(__name__)

# unambiguous characters for coupon codes: 32 symbols, 12 of them = 60 bits
COUPON_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BATCH_SIZE = 500
OPEN_STATES = ("draft", "sent")
# set by the system: from the client, the template, the engine and the actions
SYSTEM_FIELDS = {
    "occasion_key",
    "coupon_code",
    "portfolio_id",
    "agent_id",
    "segment_id",
    "company_id",
    "offer_category",
    "acceptance_rate",
    "state",
}
# an offer leaving its open states closes its activities: the agent's contact
# led to an answer (marked done) or became pointless (removed)
ANSWERED_STATES = ("accepted", "declined")
MOOT_STATES = ("cancelled", "expired")


# the last day a complete offer run served (ir.config_parameter)
SERVED_THROUGH = "customer_portfolio.offers_served_through"


def new_coupon_code():
    """A random, unguessable coupon code such as ``K7QX-M2PD-9HWT``."""
    code = "".join(secrets.choice(COUPON_ALPHABET) for _i in range(12))
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


OFFER_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


class CustomerOffer(models.Model):
    """One offer to one client for one occasion."""

    _name = "customer.offer"
    _description = "Client Offer"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.client.record"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(related="template_id.name")
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('portfolio_id', '!=', False)]",
    )
    template_id = fields.Many2one(
        "customer.offer.template",
        string="Offer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    trigger = fields.Selection(related="template_id.trigger")
    offer_category = fields.Selection(related="template_id.offer_category", store=True)
    description = fields.Html(related="template_id.description")
    affiliate_partner_id = fields.Many2one(related="template_id.affiliate_partner_id")
    portfolio_id = fields.Many2one(
        "customer.portfolio",
        index=True,
        compute="_compute_from_partner",
        compute_sudo=False,
        store=True,
        readonly=True,
        precompute=True,
    )
    # indexed with the creation date below
    agent_id = fields.Many2one(
        "res.users",
        compute="_compute_from_partner",
        compute_sudo=False,
        store=True,
        readonly=True,
        precompute=True,
    )
    segment_id = fields.Many2one(
        "customer.segment",
        index="btree_not_null",
        compute="_compute_from_partner",
        compute_sudo=False,
        store=True,
        readonly=True,
        precompute=True,
        help="The client's segment when the offer was made.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        compute="_compute_from_partner",
        compute_sudo=False,
        store=True,
        readonly=True,
        precompute=True,
    )
    hotline_phone = fields.Char(related="portfolio_id.hotline_phone")
    occasion_key = fields.Char(
        required=True,
        readonly=True,
        default=lambda self: f"manual-{secrets.token_hex(6)}",
        help="What the offer celebrates (e.g. birthday-2026): a client gets an "
        "offer only once per template and occasion.",
    )
    state = fields.Selection(
        OFFER_STATES,
        string="Status",
        required=True,
        default="draft",
        tracking=True,
        index=True,
        group_expand=True,
    )
    date_start = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(
        string="Valid Until",
        index=True,
        compute="_compute_from_template",
        store=True,
        readonly=False,
        precompute=True,
    )
    interest_rate = fields.Float(
        string="Interest Rate (%)",
        digits=(5, 2),
        compute="_compute_from_template",
        store=True,
        readonly=False,
        precompute=True,
    )
    coupon_code = fields.Char(
        compute="_compute_coupon_code",
        store=True,
        precompute=True,
        copy=False,
        readonly=True,
    )
    acceptance_rate = fields.Float(
        string="Acceptance Rate (%)",
        compute="_compute_acceptance_rate",
        store=True,
        aggregator="avg",
        digits=(5, 1),
        help="100 for an accepted offer, 0 otherwise: its average is the share of "
        "offers accepted.",
    )

    _unique_occasion = models.UniqueIndex("(partner_id, template_id, occasion_key)")
    _unique_coupon_code = models.UniqueIndex(
        "(coupon_code) WHERE coupon_code IS NOT NULL"
    )
    _open_date_end_idx = models.Index("(date_end) WHERE state IN ('draft', 'sent')")
    # the agents' digest counts the offers of their day: as many rows as that
    # day's offers, whatever the history
    _agent_day_idx = models.Index("(agent_id, create_date)")

    @api.depends("partner_id")
    def _compute_from_partner(self):
        # with the user's rights (compute_sudo=False): an onchange on another
        # agent's client is refused instead of telling its portfolio and agent
        for offer in self:
            partner = offer.partner_id
            offer.portfolio_id = partner.portfolio_id
            offer.agent_id = partner.portfolio_id.agent_id
            offer.segment_id = partner.segment_id
            offer.company_id = partner.portfolio_id.company_id or self.env.company

    @api.depends("template_id", "date_start")
    def _compute_from_template(self):
        for offer in self:
            template = offer.template_id
            offer.interest_rate = template.interest_rate
            offer.date_end = offer.date_start and (
                offer.date_start + timedelta(days=max(template.validity_days, 1) - 1)
            )

    @api.depends("template_id")
    def _compute_coupon_code(self):
        """A coupon's offer gets a code of its own when made, and keeps it."""
        for offer in self:
            if not offer.coupon_code and offer.template_id.offer_category == "coupon":
                offer.coupon_code = new_coupon_code()

    @api.depends("state")
    def _compute_acceptance_rate(self):
        for offer in self:
            offer.acceptance_rate = 100.0 if offer.state == "accepted" else 0.0

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for offer in self:
            if offer.date_end and offer.date_end < offer.date_start:
                raise ValidationError(
                    self.env._(
                        "The offer %(offer)s to %(client)s ends before it starts.",
                        offer=offer.name,
                        client=offer.partner_id.display_name,
                    )
                )

    def _get_manager_fields(self, vals):
        if self:
            # an agent cannot move an offer to another client or template (a
            # manager's correction keeps its occasion); the state moves by the
            # actions
            return SYSTEM_FIELDS | {"partner_id", "template_id"}
        # every offer starts as a draft
        return (
            SYSTEM_FIELDS - {"state"} if vals.get("state") == "draft" else SYSTEM_FIELDS
        )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ANSWERED_STATES + MOOT_STATES:
            self._close_activities(vals["state"])
        return res

    def _close_activities(self, state):
        """Close the activities of offers that left their open states.

        As Odoo does for an approval (``hr_holidays``): an answered offer's
        activities are marked done, with the answer as feedback, so that the
        chatter keeps what the agent's call led to; those of a cancelled or
        expired offer are removed (``activity_unlink``), which leaves no dead
        call in *Calls due* and costs no message per offer at expiry. The
        state change itself is in the chatter through tracking. Done as
        superuser: the offer's own access rights were checked by the write.
        """
        activities = self.sudo().activity_ids
        if not activities:
            return
        if state in ANSWERED_STATES:
            feedback = {
                "accepted": self.env._("The client accepted the offer."),
                "declined": self.env._("The client declined the offer."),
            }[state]
            activities.action_feedback(feedback=feedback)
        else:
            activities.unlink()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _set_state(self, state):
        """Move the offers to ``state`` once the action checked the transition:
        the state is a system field, written as such for the user allowed to
        change these offers."""
        self.check_access("write")
        self.sudo().write({"state": state})

    def _check_state(self, allowed):
        wrong = self.filtered(lambda o: o.state not in allowed)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "The offer %(offer)s to %(client)s is %(state)s: this action "
                    "is not possible any more.",
                    offer=wrong[0].name,
                    client=wrong[0].partner_id.display_name,
                    state=states[wrong[0].state],
                )
            )

    def action_send(self):
        """Email the draft offers to their clients."""
        self._check_state(("draft",))
        self._check_email_channel()
        self._send_emails()
        self._set_state("sent")

    def action_accept(self):
        self._check_state(OPEN_STATES)
        self._set_state("accepted")
        self.env["customer.holding"]._create_from_offers(self)

    def action_decline(self):
        self._check_state(OPEN_STATES)
        self._set_state("declined")

    def action_cancel(self):
        self._check_state(OPEN_STATES)
        self._set_state("cancelled")

    def action_reset_draft(self):
        self._check_state(("cancelled",))
        self._set_state("draft")

    # ------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------

    @api.model
    def generate_offers(self, on_date=None):
        """Run every date-driven trigger for a day and return the new offers.

        Without ``on_date``, each client is served on their own local date (see
        ``_get_local_date_domains``); with it, ``on_date`` is the day for everyone.
        """
        on_date = on_date and fields.Date.to_date(on_date)
        today = fields.Date.context_today(self)
        if on_date and on_date != today and not is_portfolio_manager(self.env):
            raise AccessError(
                self.env._(
                    "Only a portfolio manager can run the offers of another "
                    "day than today (%(date)s).",
                    date=on_date,
                )
            )
        return self._generate_offers(on_date)

    def _generate_offers(self, on_date=None):
        """Create the offers of every date-driven trigger, batch by batch, in
        the current transaction (the cron goes through ``customer.offer.batch``
        instead, committing each batch).

        A batch colliding with a concurrent run (REPEATABLE READ: that run
        inserted some of these offers since our snapshot) is left to it or to
        the next run; the other batches go on.
        """
        self.check_access("create")
        Partner = self.env["res.partner"]
        offers = self.browse()
        jobs = self._get_offer_jobs(on_date)
        failed = []
        for job in jobs:
            last_id = 0
            while partners := Partner.search(
                job["domain"] & Domain("id", ">", last_id),
                order="id",
                limit=BATCH_SIZE,
            ):
                last_id = partners[-1].id
                try:
                    offers |= self._generate_batch(
                        job["template"], job, partners, digest=False, failed=failed
                    )
                except psycopg2.errors.SerializationFailure:
                    failed.extend(partners.ids)
                    _logger.info(
                        "Offer %s (%s): batch from client %s collided with a "
                        "concurrent run, skipped",
                        job["template"].name,
                        job["key"],
                        partners[0].id,
                    )
        if jobs and not failed:
            self._set_served_through(min(job["day"] for job in jobs))
        offers._schedule_digest()
        return offers

    @api.model
    def _get_served_through(self):
        """The last (local) day a complete run served: every occasion due until
        then was offered, so later runs do not look back over it. A run missed,
        or one that left a client out, leaves it behind: the next run catches
        up."""
        return self._get_run_day(SERVED_THROUGH)

    @api.model
    def _set_served_through(self, day):
        """Record that a complete run served ``day``: only a run that sees every
        client (the superuser's: the scheduled actions; an agent's run serves
        their book), never moved back, nor on to a future day (a manager's run
        of another day serves that day's occasions only)."""
        if self.env.su and day <= fields.Date.today() + timedelta(days=1):
            self._set_run_day(SERVED_THROUGH, day, forward_only=True)

    @api.model
    def _get_run_day(self, key):
        """The day the offer runs recorded under the system parameter ``key``."""
        rows = self.env.execute_query(
            SQL("SELECT value FROM ir_config_parameter WHERE key = %s", key)
        )
        return fields.Date.to_date(rows[0][0]) if rows else None

    @api.model
    def _set_run_day(self, key, day, forward_only=False):
        """Record ``day`` under the system parameter ``key``, in SQL: through
        the ORM a parameter's change clears every cache of the registry, on
        every server, at every run. With ``forward_only``, a later day only."""
        self.env.execute_query(
            SQL(
                """
                INSERT INTO ir_config_parameter (
                    key, value, create_uid, create_date, write_uid, write_date)
                VALUES (%(key)s, %(day)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (key) DO UPDATE
                   SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 WHERE NOT %(forward_only)s
                    OR ir_config_parameter.value < EXCLUDED.value
                """,
                key=key,
                day=fields.Date.to_string(day),
                uid=self.env.uid,
                now=fields.Datetime.now(),
                forward_only=forward_only,
            )
        )

    def _get_offer_jobs(self, on_date=None):
        """The (template, occasion, clients) to process for a day.

        Each job's ``domain`` selects the eligible clients of the occasion who
        are on that day locally and who do not have the offer yet.
        """
        if on_date:
            local_domains = {on_date: Domain.TRUE}
        else:
            local_domains = self._get_local_date_domains(fields.Datetime.now())
        if not local_domains:
            return []
        templates = self.env["customer.offer.template"].search(
            [("trigger", "in", DATE_TRIGGERS)]
        )
        areas = self.env["customer.location.risk"].search(
            [
                ("date_start", "<=", max(local_domains)),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", min(local_domains)),
                ("promoted_template_ids", "in", templates.ids),
            ]
        )
        served_through = self._get_served_through()
        jobs = []
        for day, local_domain in local_domains.items():
            day_areas = areas.filtered(
                lambda a, d=day: (
                    a.date_start <= d and (not a.date_end or a.date_end >= d)
                )
            )
            for template in templates:
                base_domain = local_domain & template._get_partner_domain()
                for occasion in template._get_occasions(day, day_areas, served_through):
                    occasion["template"] = template
                    occasion["day"] = day
                    occasion["domain"] = (
                        base_domain
                        & occasion["domain"]
                        & Domain(
                            "offer_ids",
                            "not any",
                            [
                                ("template_id", "=", template.id),
                                ("occasion_key", "=", occasion["key"]),
                            ],
                        )
                    )
                    jobs.append(occasion)
        return jobs

    @api.model
    def _get_local_date_domains(self, now):
        """Map each date that is "today" for some client at ``now`` (UTC) to the
        domain of the clients whose local date it is.

        A client's timezone is theirs, else their agent's, else the agent's
        company's, else the administrator's, else UTC. Run hourly or daily, the
        cron thus reaches each client on their own date; the unique occasion key
        makes reruns harmless.
        """
        utc_now = pytz.utc.localize(now)

        def local_date(tz_name):
            return utc_now.astimezone(pytz.timezone(tz_name)).date()

        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        admin_tz = admin and admin.tz
        tzs_by_date = defaultdict(list)
        for (tz,) in self.env["res.partner"]._read_group(
            [("portfolio_id", "!=", False), ("tz", "!=", False)], ["tz"]
        ):
            tzs_by_date[local_date(tz)].append(tz)
        agents_by_date = defaultdict(list)
        for (agent,) in self.env["customer.portfolio"]._read_group([], ["agent_id"]):
            tz = agent.tz or agent.company_id.partner_id.tz or admin_tz or "UTC"
            agents_by_date[local_date(tz)].append(agent.id)
        return {
            day: Domain("tz", "in", tzs_by_date[day])
            | (
                Domain("tz", "=", False)
                & Domain("portfolio_agent_id", "in", agents_by_date[day])
            )
            for day in set(tzs_by_date) | set(agents_by_date)
        }

    def _generate_batch(self, template, occasion, partners, digest=True, failed=None):
        """Create and deliver the offers of a batch of clients.

        The whole batch is tried at once; if anything fails, it is retried client
        by client, so that one failing client is logged and skipped (and its id
        added to the ``failed`` list, if given). Clients whose risk areas
        suppress the template's category are left out. With ``digest=False``
        the caller updates the agents' digests itself, once for all its batches.

        :raise SerializationFailure: when a concurrent worker made these offers
        """
        suppressed = partners._get_offer_suppressed_categories()
        partners = partners.filtered(
            lambda p: template.offer_category not in suppressed[p.id]
        )
        if not partners:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                offers = self._insert_offers(template, occasion, partners)
                offers._deliver(digest=digest)
                return offers
        except psycopg2.errors.SerializationFailure:
            raise
        except Exception:
            _logger.warning(
                "Offer %s (%s): batch of %s clients failed, retrying one by one",
                template.name,
                occasion["key"],
                len(partners),
                exc_info=True,
            )
        offers = self.browse()
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    new_offers = self._insert_offers(template, occasion, partner)
                    new_offers._deliver(digest=digest)
                offers |= new_offers
            except psycopg2.errors.SerializationFailure:
                if failed is not None:
                    failed.append(partner.id)
                _logger.info(
                    "Offer %s (%s) to client %s: made by a concurrent worker",
                    template.name,
                    occasion["key"],
                    partner.id,
                )
            except Exception:
                if failed is not None:
                    failed.append(partner.id)
                _logger.exception(
                    "Offer %s (%s) to client %s failed, skipped",
                    template.name,
                    occasion["key"],
                    partner.id,
                )
        return offers

    def _insert_offers(self, template, occasion, partners):
        """Insert the offers of one occasion in one query, skipping the clients
        who already have it: the unique index decides, even against a concurrent
        worker (``ON CONFLICT DO NOTHING``).
        """
        codes = [
            new_coupon_code() if template.offer_category == "coupon" else None
            for _partner in partners
        ]
        self.env.flush_all()
        now = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_offer (
                    partner_id, template_id, occasion_key, offer_category,
                    portfolio_id, agent_id, segment_id, company_id, state,
                    date_start, date_end, interest_rate, coupon_code,
                    acceptance_rate, create_uid, create_date, write_uid, write_date)
                SELECT p.id, %(template)s, %(key)s, %(category)s,
                       p.portfolio_id, pf.agent_id, p.segment_id, pf.company_id,
                       'draft',
                       %(date_start)s, %(date_end)s, %(rate)s, v.code,
                       0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(partner_ids)s::int[], %(codes)s::varchar[])
                       AS v(partner_id, code)
                  JOIN res_partner p ON p.id = v.partner_id
                  JOIN customer_portfolio pf ON pf.id = p.portfolio_id
                ON CONFLICT (partner_id, template_id, occasion_key) DO NOTHING
                RETURNING id
                """,
                template=template.id,
                key=occasion["key"],
                category=template.offer_category,
                date_start=occasion["date_start"],
                date_end=occasion["date_end"],
                rate=template.interest_rate,
                uid=self.env.uid,
                now=now,
                partner_ids=partners.ids,
                codes=codes,
            )
        )
        # inserted in SQL: what the ORM holds about the clients' offers is stale
        partners.invalidate_recordset(["offer_ids", "offer_count"])
        template.invalidate_recordset(["offer_count"])
        return self.browse([row[0] for row in rows])

    def _generate_life_event_offers(self, events):
        """Offer the templates triggered by these freshly recorded life events.

        Events older than a template's validity are history, not news: they
        trigger nothing.
        """
        templates = self.env["customer.offer.template"].search(
            [
                ("trigger", "=", "life_event"),
                ("life_event_type", "in", events.mapped("event_type")),
            ]
        )
        today = fields.Date.context_today(self)
        offers = self.browse()
        for template in templates:
            since = today - timedelta(days=template.validity_days)
            template_events = events.filtered(
                lambda e, t=template, s=since: (
                    e.event_type == t.life_event_type and e.date >= s
                )
            )
            eligible = self.env["res.partner"].search(
                template._get_partner_domain()
                & Domain("id", "in", template_events.partner_id.ids)
            )
            for event in template_events:
                if event.partner_id not in eligible:
                    continue
                occasion = {
                    "key": f"event-{event.id}",
                    "date_start": today,
                    "date_end": today + timedelta(days=template.validity_days - 1),
                }
                offers |= self._generate_batch(
                    template, occasion, event.partner_id, digest=False
                )
        offers._schedule_digest()
        return offers

    # ------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------

    def _deliver(self, digest=True):
        """Email the new offers, schedule the agents' activities (and, with
        ``digest``, update their digest)."""
        # consent and preferred channel: the others are called, not emailed
        emailed = self._filter_email_channel(schedule_calls=True)
        to_send = emailed.filtered("template_id.mail_template_id")
        to_send._send_emails()
        to_send.sudo().with_context(tracking_disable=True).state = "sent"
        with_activity = emailed.filtered("template_id.activity_type_id")
        # one notification per activity is what the digest avoids: no assignment mail
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        Activity.create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": offer.id,
                    "activity_type_id": offer.template_id.activity_type_id.id,
                    "summary": offer.name,
                    "user_id": offer.agent_id.id,
                    "date_deadline": offer.date_end,
                }
                for offer in with_activity
                if offer.agent_id
            ]
        )
        if digest:
            self._schedule_digest()

    def _send_emails(self):
        """Queue one email per offer, rendered in its client's language.

        Each email template is compiled once for the whole batch, not once per
        offer (see ``ir.qweb._compile``), or once for all the batches of a
        worker's run when it passes its cache in the context.
        """
        # a run's workers pass one cache for all their batches
        cache = self.env.context.get(QWEB_CACHE_KEY)
        cache = {} if cache is None else cache
        for template, offers in self.grouped("template_id").items():
            if template.mail_template_id:
                template.mail_template_id.with_context(
                    **{QWEB_CACHE_KEY: cache}
                ).send_mail_batch(offers.ids, force_send=False)

    def _schedule_digest(self):
        """Sum the new offers up in one activity per agent and (agent's) day.

        Offers with an activity of their own are not in the digest. The
        missing digests are created in one go, then each agent's note is
        rewritten from all the offers of their day.
        """
        activity_type = self.env.ref(
            "customer_portfolio.mail_activity_type_offer_digest",
            raise_if_not_found=False,
        )
        offers = self.filtered(
            lambda o: o.agent_id and not o.template_id.activity_type_id
        )
        if not activity_type or not offers:
            return
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        utc_now = pytz.utc.localize(fields.Datetime.now())
        offers_by_agent = offers.grouped("agent_id")
        today = {
            agent: utc_now.astimezone(pytz.timezone(agent.tz or "UTC")).date()
            for agent in offers_by_agent
        }
        digests = {
            activity.user_id: activity
            for activity in Activity.search(
                [
                    ("res_model", "=", "customer.portfolio"),
                    ("activity_type_id", "=", activity_type.id),
                    ("user_id", "in", [agent.id for agent in today]),
                    ("date_deadline", "in", list(set(today.values()))),
                ]
            )
            if activity.date_deadline == today[activity.user_id]
        }
        missing = [agent for agent in offers_by_agent if agent not in digests]
        model_id = self.env["ir.model"]._get_id("customer.portfolio")
        created = Activity.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": offers_by_agent[agent][0].portfolio_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": agent.id,
                    "date_deadline": today[agent],
                    "summary": self.with_context(lang=agent.lang).env._(
                        "New offers for your clients"
                    ),
                }
                for agent in missing
            ]
        )
        digests.update(zip(missing, created, strict=True))
        for agent, activity in digests.items():
            agent_tz = pytz.timezone(agent.tz or "UTC")
            start = agent_tz.localize(datetime.combine(today[agent], time.min))
            activity.note = self.with_context(lang=agent.lang)._get_digest_note(
                agent, start.astimezone(pytz.utc).replace(tzinfo=None)
            )

    def _get_digest_note(self, agent, start):
        """The HTML summary of the offers made to an agent's clients over the
        day starting at ``start`` (naive UTC)."""
        counts = self._read_group(
            [
                ("agent_id", "=", agent.id),
                ("create_date", ">=", start),
                ("create_date", "<", start + timedelta(days=1)),
                ("template_id.activity_type_id", "=", False),
            ],
            ["template_id"],
            ["__count"],
        )
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (template.name, count)
            for template, count in counts
        )
        return Markup("<p>%s</p><ul>%s</ul>%s") % (
            self.env._("New offers were made to your clients today:"),
            lines,
            self._get_digest_calls_note(agent, start),
        )

    # ------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------

    @api.model
    def _cron_generate_offers(self):
        """CRON job making the day's offers: plans the run into batches, then
        processes them with the offer worker crons, each batch committed."""
        self.env["customer.offer.batch"]._run()._schedule_run_digest()

    @api.model
    def _cron_offer_worker(self):
        """CRON job helping the offer cron through its planned batches."""
        self.env["customer.offer.batch"]._run(plan=False)._schedule_run_digest()

    def _schedule_run_digest(self):
        """Update the agents' digests at the end of a worker's run, one worker
        at a time (the batch table's lock), so that two workers finishing
        together do not both create an agent's digest."""
        if not self:
            return
        self.env["ir.cron"]._commit_progress()
        self.env.execute_query(
            SQL("LOCK TABLE customer_offer_batch IN SHARE ROW EXCLUSIVE MODE")
        )
        self._schedule_digest()
        self.env["ir.cron"]._commit_progress()

    @api.model
    def _cron_expire_offers(self):
        """CRON job expiring the open offers whose validity is over."""
        self._expire_offers(commit_progress=True)

    def _expire_offers(self, commit_progress=False):
        """Expire the open offers whose last day is over everywhere, batch by
        batch through the ORM: the state change is tracked in each offer's
        chatter and its activities are removed, as for any state change.

        ``date_end`` is a client's local date: it is over once it is over in
        the last timezone (UTC-12). With ``commit_progress`` (the cron) each
        batch is committed and the memory it held released; a run out of time
        stops, the next one goes on.

        :return: the number of offers expired
        """
        last_day = (fields.Datetime.now() - timedelta(hours=12)).date()
        domain = Domain("state", "in", OPEN_STATES) & Domain("date_end", "<", last_day)
        Cron = self.env["ir.cron"]
        if commit_progress:
            Cron._commit_progress(remaining=self.search_count(domain))
        expired = 0
        while offers := self.search(domain, order="id", limit=BATCH_SIZE):
            offers.state = "expired"
            expired += len(offers)
            if commit_progress:
                if not Cron._commit_progress(processed=len(offers)):
                    break
                self.env.invalidate_all()
        return expired
