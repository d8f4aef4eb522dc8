import calendar
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

PORTFOLIO_GROUP = "customer_portfolio.group_portfolio_agent"


def occasion_date(month, day, year):
    """Return the date a yearly occasion falls on in ``year``.

    A 29 February occasion is kept on 28 February in non-leap years.
    """
    try:
        return fields.Date.to_date(f"{year:04d}-{month:02d}-{day:02d}")
    except ValueError:
        return fields.Date.to_date(f"{year:04d}-{month:02d}-28")


def month_day_domain(month_field, day_field, date_from, date_to):
    """Domain matching a yearly (month, day) that falls between two dates.

    Feb 29 is matched on Feb 28 of non-leap years, so that it is never missed.
    """
    days_by_month = defaultdict(set)
    day = date_from
    while day <= min(date_to, date_from + timedelta(days=365)):
        days_by_month[day.month].add(day.day)
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            days_by_month[2].add(29)
        day += timedelta(days=1)
    return Domain.OR(
        Domain(month_field, "=", month) & Domain(day_field, "in", sorted(days))
        for month, days in days_by_month.items()
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    portfolio_id = fields.Many2one(
        "customer.portfolio",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        groups=PORTFOLIO_GROUP,
    )
    portfolio_agent_id = fields.Many2one(
        related="portfolio_id.agent_id",
        string="Agent",
        store=True,
        index="btree_not_null",
        groups=PORTFOLIO_GROUP,
    )
    birthdate = fields.Date(groups=PORTFOLIO_GROUP)
    birthday_month = fields.Integer(
        compute="_compute_birthday_parts", store=True, groups=PORTFOLIO_GROUP
    )
    birthday_day = fields.Integer(
        compute="_compute_birthday_parts", store=True, groups=PORTFOLIO_GROUP
    )
    age = fields.Integer(
        compute="_compute_age", search="_search_age", groups=PORTFOLIO_GROUP
    )
    days_to_birthday = fields.Integer(
        string="Days to Birthday",
        compute="_compute_days_to_birthday",
        search="_search_days_to_birthday",
        groups=PORTFOLIO_GROUP,
    )
    client_since = fields.Date(groups=PORTFOLIO_GROUP)
    client_since_month = fields.Integer(
        compute="_compute_client_since_parts", store=True, groups=PORTFOLIO_GROUP
    )
    client_since_day = fields.Integer(
        compute="_compute_client_since_parts", store=True, groups=PORTFOLIO_GROUP
    )
    marital_status = fields.Selection(
        [
            ("single", "Single"),
            ("married", "Married"),
            ("partnership", "Civil partnership"),
            ("divorced", "Divorced"),
            ("widowed", "Widowed"),
        ],
        tracking=True,
        groups=PORTFOLIO_GROUP,
    )
    children_count = fields.Integer(
        string="Children", default=0, tracking=True, groups=PORTFOLIO_GROUP
    )
    client_tier = fields.Selection(
        [("standard", "Standard"), ("premium", "Premium"), ("vip", "VIP")],
        default="standard",
        tracking=True,
        groups=PORTFOLIO_GROUP,
    )
    portfolio_opt_out = fields.Boolean(
        string="No Loyalty Offers",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="The client receives no loyalty offer at all.",
    )
    is_target_client = fields.Boolean(
        string="Target Client",
        index=True,
        readonly=True,
        copy=False,
        groups=PORTFOLIO_GROUP,
        help="The client's segment is a target segment. Set with the segment.",
    )
    segment_id = fields.Many2one(
        "customer.segment",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups=PORTFOLIO_GROUP,
        help="The first segment, by sequence, whose domain matches the client. "
        "Recomputed when segments or the client's data change, and daily.",
    )
    location_risk_ids = fields.Many2many(
        "customer.location.risk",
        string="Risk Areas",
        groups=PORTFOLIO_GROUP,
        help="The active risk areas covering the client's address.",
    )
    location_risk_level = fields.Selection(
        [("none", "None"), ("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="none",
        index=True,
        groups=PORTFOLIO_GROUP,
    )
    offer_ids = fields.One2many(
        "customer.offer", "partner_id", string="Offers", groups=PORTFOLIO_GROUP
    )
    income_record_ids = fields.One2many(
        "customer.income.record",
        "partner_id",
        string="Income Records",
        groups=PORTFOLIO_GROUP,
    )
    life_event_ids = fields.One2many(
        "customer.life.event",
        "partner_id",
        string="Life Events",
        groups=PORTFOLIO_GROUP,
    )

    _birthday_idx = models.Index("(birthday_month, birthday_day)")
    _client_since_idx = models.Index("(client_since_month, client_since_day)")

    @api.depends("birthdate")
    def _compute_birthday_parts(self):
        for partner in self:
            partner.birthday_month = partner.birthdate.month if partner.birthdate else 0
            partner.birthday_day = partner.birthdate.day if partner.birthdate else 0

    @api.depends("birthdate")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.age = (
                relativedelta(today, partner.birthdate).years
                if partner.birthdate
                else 0
            )

    def _search_age(self, operator, value):
        """Turn an age comparison into a birthdate range."""
        if operator not in ("=", "<", "<=", ">", ">=") or not isinstance(value, int):
            return NotImplemented
        today = fields.Date.context_today(self)

        def born_after(age):
            # people aged <= age were born after this date
            return today - relativedelta(years=age + 1)

        def born_on_or_before(age):
            # people aged >= age were born on or before this date
            return today - relativedelta(years=age)

        if operator == "=":
            return Domain("birthdate", ">", born_after(value)) & Domain(
                "birthdate", "<=", born_on_or_before(value)
            )
        if operator == "<":
            return Domain("birthdate", ">", born_after(value - 1))
        if operator == "<=":
            return Domain("birthdate", ">", born_after(value))
        if operator == ">":
            return Domain("birthdate", "<=", born_on_or_before(value + 1))
        return Domain("birthdate", "<=", born_on_or_before(value))

    @api.depends("birthdate")
    def _compute_days_to_birthday(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if not partner.birthdate:
                partner.days_to_birthday = -1
                continue
            month, day = partner.birthdate.month, partner.birthdate.day
            next_birthday = occasion_date(month, day, today.year)
            if next_birthday < today:
                next_birthday = occasion_date(month, day, today.year + 1)
            partner.days_to_birthday = (next_birthday - today).days

    def _search_days_to_birthday(self, operator, value):
        """Clients whose birthday comes within ``value`` days (index friendly)."""
        if operator not in ("=", "<", "<=") or not isinstance(value, int) or value < 0:
            return NotImplemented
        today = fields.Date.context_today(self)
        last = value - 1 if operator == "<" else value
        first = last if operator == "=" else 0
        if last < first:
            return Domain.FALSE
        return month_day_domain(
            "birthday_month",
            "birthday_day",
            today + timedelta(days=first),
            today + timedelta(days=last),
        )

    @api.depends("client_since")
    def _compute_client_since_parts(self):
        for partner in self:
            since = partner.client_since
            partner.client_since_month = since.month if since else 0
            partner.client_since_day = since.day if since else 0

    @api.constrains("birthdate", "client_since")
    def _check_portfolio_dates(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.birthdate and partner.birthdate > today:
                raise ValidationError(
                    self.env._(
                        "The birthdate of %(client)s (%(date)s) is in the future.",
                        client=partner.display_name,
                        date=partner.birthdate,
                    )
                )
            if partner.client_since and partner.client_since > today:
                raise ValidationError(
                    self.env._(
                        "%(client)s cannot be a client since %(date)s, "
                        "a date in the future.",
                        client=partner.display_name,
                        date=partner.client_since,
                    )
                )

    @api.constrains("children_count")
    def _check_children_count(self):
        for partner in self:
            if partner.children_count < 0:
                raise ValidationError(
                    self.env._(
                        "The number of children of %(client)s cannot be negative.",
                        client=partner.display_name,
                    )
                )

    def _get_offer_suppressed_categories(self):
        """Map each partner id to the offer category codes its risk areas suppress.

        Prefetching reads the areas and their categories for all partners at once.
        """
        return {
            partner.id: set(
                partner.location_risk_ids.suppressed_category_ids.mapped("code")
            )
            for partner in self
        }

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # a segment or target flag given explicitly (e.g. an import) is kept
        # until the next full recompute
        to_segment = partners.browse(
            partner.id
            for partner, vals in zip(partners.sudo(), vals_list, strict=True)
            if partner.portfolio_id
            and not vals.keys() & {"segment_id", "is_target_client"}
        )
        self.env["customer.segment"]._recompute_segments(to_segment)
        return partners

    def write(self, vals):
        result = super().write(vals)
        trigger_fields = self.env["customer.segment"]._get_segment_trigger_fields()
        if vals.keys() & trigger_fields and not vals.keys() & {
            "segment_id",
            "is_target_client",
        }:
            # leaving a portfolio clears the segment; others are only clients
            clients = (
                self if "portfolio_id" in vals else self.sudo().filtered("portfolio_id")
            )
            self.env["customer.segment"]._recompute_segments(clients)
        return result
