from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.yearly_dates import month_day_domain, next_occurrence
from .customer_offer import OPEN_STATES

OCCASION_DAYS = 7
OFFER_EXPIRY_DAYS = 3
NEWS_DAYS = 30
NEW_RISK_DAYS = 7


class CustomerPortfolioToday(models.TransientModel):
    """What an agent has to do today: occasions, calls, expiring offers, news."""

    _name = "customer.portfolio.today"
    _description = "Agent's Day"

    agent_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    is_manager = fields.Boolean(compute="_compute_is_manager")
    date = fields.Date(string="Today", compute="_compute_lists")
    birthday_partner_ids = fields.Many2many(
        "res.partner",
        string="Birthdays",
        compute="_compute_lists",
        help="Clients whose birthday is today or in the next 7 days.",
    )
    anniversary_partner_ids = fields.Many2many(
        "res.partner",
        string="Client Anniversaries",
        compute="_compute_lists",
        help="Clients whose client anniversary is today or in the next 7 days.",
    )
    activity_ids = fields.Many2many(
        "mail.activity",
        string="Calls Due",
        compute="_compute_lists",
        help="The agent's activities on clients and offers due today or overdue.",
    )
    expiring_offer_ids = fields.Many2many(
        "customer.offer",
        string="Offers Expiring Soon",
        compute="_compute_lists",
        help="Open offers whose validity ends within 3 days.",
    )
    income_down_partner_ids = fields.Many2many(
        "res.partner",
        string="Income Down",
        compute="_compute_lists",
        help="Clients whose income decreased, recorded in the last 30 days.",
    )
    risk_partner_ids = fields.Many2many(
        "res.partner",
        string="In a New Risk Area",
        compute="_compute_lists",
        help="Clients covered by a risk area that started or was recorded in the "
        "last 7 days.",
    )

    def _compute_is_manager(self):
        self.is_manager = self.env.user.has_group(
            "customer_portfolio.group_portfolio_manager"
        )

    @api.depends("agent_id")
    def _compute_lists(self):
        for today in self:
            lists = today._get_lists(today.agent_id)
            today.update(lists)

    def _get_lists(self, agent):
        """The lists of an agent's day, one search each, on their local date."""
        date = fields.Date.context_today(self.with_context(tz=agent.tz or "UTC"))
        Partner = self.env["res.partner"]
        clients = Domain("portfolio_agent_id", "=", agent.id)
        week_end = date + timedelta(days=OCCASION_DAYS)
        birthdays = Partner.search(
            clients & month_day_domain("birthday_month", "birthday_day", date, week_end)
        )
        anniversaries = Partner.search(
            clients
            & Domain("client_since", "<", date)
            & month_day_domain("client_since_month", "client_since_day", date, week_end)
        )
        news_since = date - timedelta(days=NEWS_DAYS)
        risk_since = date - timedelta(days=NEW_RISK_DAYS)
        return {
            "date": date,
            "birthday_partner_ids": birthdays.sorted(
                lambda p: next_occurrence(p.birthdate, date)
            ),
            "anniversary_partner_ids": anniversaries.sorted(
                lambda p: next_occurrence(p.client_since, date)
            ),
            "activity_ids": self.env["mail.activity"].search(
                [
                    ("user_id", "=", agent.id),
                    ("res_model", "in", ("res.partner", "customer.offer")),
                    ("date_deadline", "<=", date),
                ],
                order="date_deadline, id",
            ),
            "expiring_offer_ids": self.env["customer.offer"].search(
                [
                    ("agent_id", "=", agent.id),
                    ("state", "in", OPEN_STATES),
                    ("date_end", ">=", date),
                    ("date_end", "<=", date + timedelta(days=OFFER_EXPIRY_DAYS)),
                ],
                order="date_end, id",
            ),
            "income_down_partner_ids": Partner.search(
                clients
                & Domain("income_trend", "=", "decreasing")
                & Domain("income_record_ids.date", ">=", news_since)
            ),
            "risk_partner_ids": Partner.search(
                clients
                & Domain(
                    "location_risk_ids",
                    "any",
                    Domain("date_start", ">=", risk_since)
                    | Domain("create_date", ">=", risk_since),
                )
            ),
        }

    @api.model
    def action_open(self):
        """Open the current user's day."""
        today = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Today"),
            "res_model": self._name,
            "res_id": today.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_refresh(self):
        """Recompute the lists (the form reloads them)."""
        return True
