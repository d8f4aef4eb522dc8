import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_date

_logger = logging.getLogger(__name__)

HOLDING_STATES = [("active", "Active"), ("ended", "Ended")]
RENEWAL_BATCH_SIZE = 1000
# set by the system (from the client, an accepted offer, the renewal job)
SYSTEM_FIELDS = {
    "offer_id",
    "renewal_reminded_end",
    "portfolio_id",
    "agent_id",
    "segment_id",
    "company_id",
}


class CustomerHolding(models.Model):
    """A product a client holds: a contract, a policy, an account, a card."""

    _name = "customer.holding"
    _description = "Client Holding"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.client.record"]
    _order = "date_end, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        tracking=True,
        help="The contract, policy or account number.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('portfolio_id', '!=', False)]",
    )
    product_line_id = fields.Many2one(
        "customer.product.line",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(
        string="End Date",
        tracking=True,
        help="The renewal or maturity date. Leave empty for an open-ended holding.",
    )
    amount = fields.Monetary(
        currency_field="currency_id", help="The premium, balance or limit."
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    state = fields.Selection(
        HOLDING_STATES,
        string="Status",
        required=True,
        default="active",
        index=True,
        tracking=True,
    )
    offer_id = fields.Many2one(
        "customer.offer",
        string="From Offer",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The accepted offer this holding came from.",
    )
    portfolio_id = fields.Many2one(
        related="partner_id.portfolio_id", store=True, index=True
    )
    agent_id = fields.Many2one(
        related="partner_id.portfolio_agent_id", string="Agent", store=True, index=True
    )
    segment_id = fields.Many2one(related="partner_id.segment_id", string="Segment")
    company_id = fields.Many2one(
        related="partner_id.portfolio_id.company_id", store=True, index=True
    )
    is_lapsed = fields.Boolean(
        string="Lapsed",
        compute="_compute_is_lapsed",
        search="_search_is_lapsed",
        help="Active, but its end date is past: renew it or end it.",
    )
    is_renewal_due = fields.Boolean(
        string="Renewal Due",
        compute="_compute_is_renewal_due",
        search="_search_is_renewal_due",
        help="Active, and its end date is within its line's renewal notice.",
    )
    renewal_reminded_end = fields.Date(
        readonly=True,
        copy=False,
        help="The end date the agent was last reminded to renew: one reminder per "
        "end date.",
    )

    # the package gaps: does the client hold an active holding of the line?
    _partner_line_active_idx = models.Index(
        "(partner_id, product_line_id) WHERE state = 'active'"
    )
    # what the renewal job selects: active holdings not reminded of their end
    _renewal_due_idx = models.Index(
        "(date_end) WHERE state = 'active'"
        " AND renewal_reminded_end IS DISTINCT FROM date_end"
    )

    @api.depends("product_line_id.name", "name")
    def _compute_display_name(self):
        for holding in self:
            holding.display_name = " - ".join(
                part for part in (holding.product_line_id.name, holding.name) if part
            )

    @api.depends("state", "date_end")
    @api.depends_context("tz")
    def _compute_is_lapsed(self):
        today = fields.Date.context_today(self)
        for holding in self:
            holding.is_lapsed = bool(
                holding.state == "active"
                and holding.date_end
                and holding.date_end < today
            )

    def _search_is_lapsed(self, operator, value):
        if operator != "in":
            return NotImplemented
        return Domain("state", "=", "active") & Domain(
            "date_end", "<", fields.Date.context_today(self)
        )

    @api.depends("state", "date_end", "product_line_id.renewal_notice_days")
    @api.depends_context("tz")
    def _compute_is_renewal_due(self):
        today = fields.Date.context_today(self)
        for holding in self:
            notice = holding.product_line_id.renewal_notice_days
            holding.is_renewal_due = bool(
                holding.state == "active"
                and holding.date_end
                and today <= holding.date_end <= today + relativedelta(days=notice)
            )

    def _search_is_renewal_due(self, operator, value):
        """One condition per notice length: the date index does the work."""
        if operator != "in":
            return NotImplemented
        today = fields.Date.context_today(self)
        lines = (
            self.env["customer.product.line"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([], ["renewal_notice_days"])
        )
        return (
            Domain("state", "=", "active")
            & Domain("date_end", ">=", today)
            & Domain.OR(
                Domain("product_line_id", "in", group.ids)
                & Domain("date_end", "<=", today + relativedelta(days=notice))
                for notice, group in lines.grouped("renewal_notice_days").items()
            )
        )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for holding in self:
            if holding.date_end and holding.date_end < holding.date_start:
                raise ValidationError(
                    self.env._(
                        "The holding %(holding)s of %(client)s ends before it starts.",
                        holding=holding.display_name,
                        client=holding.partner_id.display_name,
                    )
                )

    @api.constrains("amount")
    def _check_amount_positive(self):
        for holding in self:
            if holding.amount < 0:
                raise ValidationError(
                    self.env._(
                        "The amount of the holding %(holding)s of %(client)s "
                        "cannot be negative.",
                        holding=holding.display_name,
                        client=holding.partner_id.display_name,
                    )
                )

    def _get_manager_fields(self, vals):
        return SYSTEM_FIELDS

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_renew(self):
        """Move the end date on by the line's term, and say so in the chatter."""
        for holding in self:
            if holding.state != "active" or not holding.date_end:
                raise UserError(
                    self.env._(
                        "The holding %(holding)s of %(client)s cannot be renewed: "
                        "only an active holding with an end date can.",
                        holding=holding.display_name,
                        client=holding.partner_id.display_name,
                    )
                )
        for holding in self:
            old_end = holding.date_end
            holding.date_end = old_end + relativedelta(
                months=holding.product_line_id.term_months
            )
            holding.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Renewed for %(months)s months: now ends on %(new)s (was %(old)s).",
                    months=holding.product_line_id.term_months,
                    new=format_date(self.env, holding.date_end),
                    old=format_date(self.env, old_end),
                ),
            )
            holding.activity_feedback(
                ["customer_portfolio.mail_activity_type_renewal"],
                only_automated=False,
            )
        return True

    def action_end(self):
        """End the holding (the client no longer holds it)."""
        self.filtered(lambda h: h.state == "active").state = "ended"
        self.activity_unlink(
            ["customer_portfolio.mail_activity_type_renewal"], only_automated=False
        )
        return True

    def action_reactivate(self):
        self.filtered(lambda h: h.state == "ended").state = "active"
        return True

    @api.model
    def _create_from_offers(self, offers):
        """Create the holdings that accepting these offers gives: active from
        today, for the line's term, linked to the offer."""
        today = fields.Date.context_today(self)
        # the offer's answer was checked by its action: the link is the system's
        return self.sudo().create(
            [
                {
                    "partner_id": offer.partner_id.id,
                    "product_line_id": offer.template_id.product_line_id.id,
                    "offer_id": offer.id,
                    "date_start": today,
                    "date_end": today
                    + relativedelta(
                        months=offer.template_id.product_line_id.term_months
                    ),
                }
                for offer in offers
                if offer.template_id.product_line_id
            ]
        )

    # ------------------------------------------------------------
    # Renewals
    # ------------------------------------------------------------

    @api.model
    def _cron_renewal_reminders(self):
        """CRON job giving the agents their renewal activities, in batches."""
        self._schedule_renewal_reminders(commit_progress=True)

    def _renewal_reminder_query(self, today, after_id=0, limit=None):
        """The ids of the holdings to remind (SQL: the notice is per line)."""
        return SQL(
            """
            SELECT h.id
              FROM customer_holding h
              JOIN customer_product_line line ON line.id = h.product_line_id
              JOIN res_partner client ON client.id = h.partner_id
             WHERE h.state = 'active' AND client.active
               AND h.renewal_reminded_end IS DISTINCT FROM h.date_end
               AND h.date_end >= %(today)s
               AND h.date_end - line.renewal_notice_days <= %(today)s
               AND h.agent_id IS NOT NULL
               AND h.id > %(after_id)s
             ORDER BY h.id
             %(limit)s
            """,
            today=today,
            after_id=after_id,
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )

    def _schedule_renewal_reminders(self, commit_progress=False):
        """Give the agent one renewal activity per holding entering its notice
        period, once per holding and end date.

        Set-based: the holdings are selected in SQL, batch by batch; each batch
        creates its activities and marks its holdings as reminded in the same
        transaction, so a rerun (or a run resumed after a crash) reminds
        nobody twice. A batch that fails is retried holding by holding, and a
        failing holding is logged and skipped (it is retried on the next run).
        """
        today = fields.Date.context_today(self)
        Cron = self.env["ir.cron"]
        if commit_progress:
            (remaining,) = self.env.execute_query(
                SQL(
                    "SELECT COUNT(*) FROM (%s) AS due",
                    self._renewal_reminder_query(today),
                )
            )[0]
            Cron._commit_progress(remaining=remaining)
        reminded = self.browse()
        last_id = 0
        while True:
            self.env.flush_all()
            ids = [
                row[0]
                for row in self.env.execute_query(
                    self._renewal_reminder_query(today, last_id, RENEWAL_BATCH_SIZE)
                )
            ]
            if not ids:
                break
            last_id = ids[-1]
            batch = self.browse(ids)
            reminded |= batch._remind_renewal_batch()
            if commit_progress and not Cron._commit_progress(processed=len(ids)):
                return reminded
        if commit_progress:
            Cron._commit_progress(remaining=0)
        return reminded

    def _remind_renewal_batch(self):
        """Remind the holdings of a batch; retried one by one if it fails."""
        try:
            with self.env.cr.savepoint():
                self._remind_renewal()
                return self
        except Exception:
            _logger.warning(
                "Renewal reminders: batch of %s holdings failed, retrying one by one",
                len(self),
                exc_info=True,
            )
        done = self.browse()
        for holding in self:
            try:
                with self.env.cr.savepoint():
                    holding._remind_renewal()
                done |= holding
            except Exception:
                _logger.exception(
                    "Renewal reminder of holding %s failed, skipped", holding.id
                )
        return done

    def _remind_renewal(self):
        """Schedule the renewal activities and mark the holdings as reminded."""
        activity_type = self.env.ref("customer_portfolio.mail_activity_type_renewal")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for holding in self:
            agent_env = self.with_context(lang=holding.agent_id.lang).env
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": holding.id,
                    "activity_type_id": activity_type.id,
                    "summary": agent_env._(
                        "Renew %(holding)s before %(date)s",
                        holding=holding.with_env(agent_env).display_name,
                        date=format_date(agent_env, holding.date_end),
                    ),
                    "user_id": holding.agent_id.id,
                    "date_deadline": holding.date_end,
                    "automated": True,
                }
            )
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE customer_holding SET renewal_reminded_end = date_end,"
                " write_uid = %s, write_date = %s WHERE id = ANY(%s)",
                self.env.uid,
                self.env.cr.now(),
                self.ids,
            )
        )
        self.invalidate_recordset(["renewal_reminded_end", "write_uid", "write_date"])
