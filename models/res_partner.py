import calendar
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .customer_location_risk import SEVERITY_RANK, location_key

PORTFOLIO_GROUP = "customer_portfolio.group_portfolio_agent"
# A change of these fields may change the risk areas covering a client
LOCATION_RISK_FIELDS = {
    "portfolio_id",
    "country_id",
    "state_id",
    "city",
    "zip",
    "partner_latitude",
    "partner_longitude",
}


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
        string="Target Client", index=True, groups=PORTFOLIO_GROUP
    )
    segment_id = fields.Many2one(
        "customer.segment", index="btree_not_null", groups=PORTFOLIO_GROUP
    )
    location_risk_ids = fields.Many2many(
        "customer.location.risk",
        "customer_location_risk_partner_rel",
        "partner_id",
        "risk_id",
        string="Risk Areas",
        readonly=True,
        copy=False,
        groups=PORTFOLIO_GROUP,
        help="The active risk areas covering the client's address.",
    )
    location_risk_level = fields.Selection(
        [("none", "None"), ("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Location Risk",
        default="none",
        readonly=True,
        copy=False,
        index=True,
        groups=PORTFOLIO_GROUP,
        help="The highest severity among the active risk areas covering the "
        "client's address.",
    )
    location_city_key = fields.Char(
        compute="_compute_location_keys", store=True, index="btree_not_null"
    )
    location_zip_key = fields.Char(
        compute="_compute_location_keys", store=True, index="btree_not_null"
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
    _location_risk_state_idx = models.Index(
        "(state_id) WHERE portfolio_id IS NOT NULL AND state_id IS NOT NULL"
    )
    _location_risk_geo_idx = models.Index(
        "(partner_latitude) WHERE portfolio_id IS NOT NULL "
        "AND partner_latitude IS NOT NULL"
    )

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

    @api.depends("city", "zip")
    def _compute_location_keys(self):
        for partner in self:
            partner.location_city_key = location_key(partner.city)
            partner.location_zip_key = location_key(partner.zip)

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
        partners._sync_location_risks()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if LOCATION_RISK_FIELDS.intersection(vals):
            self._sync_location_risks()
        return res

    def _sync_location_risks(self):
        """Re-match the partners against the areas in effect, set-based."""
        areas = (
            self.env["customer.location.risk"]
            .sudo()
            .search([("is_current", "=", True)])
        )
        if not self or not areas:
            # without an area in effect, no partner is covered
            return
        partner_ids = set(self.ids)
        self.env.execute_query(
            SQL(
                "DELETE FROM customer_location_risk_partner_rel"
                " WHERE partner_id = ANY(%s)",
                list(partner_ids),
            )
        )
        areas._match_partners(partner_ids)
        self._update_location_risk_levels(partner_ids)

    @api.model
    def _update_location_risk_levels(self, partner_ids):
        """Set the partners' risk level to the highest severity covering them."""
        if not partner_ids:
            return
        ranks = SQL(
            "CASE area.severity %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", severity, rank)
                for severity, rank in SEVERITY_RANK.items()
            ),
        )
        levels = SQL(
            "(ARRAY['none', %s])[COALESCE(levels.rank, 0) + 1]",
            SQL(", ").join(
                SQL("%s", severity)
                for severity, __ in sorted(SEVERITY_RANK.items(), key=lambda i: i[1])
            ),
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner partner
                   SET location_risk_level = %(level)s
                  FROM (
                        SELECT ids.id, MAX(%(rank)s) AS rank
                          FROM unnest(%(ids)s::int[]) AS ids(id)
                     LEFT JOIN customer_location_risk_partner_rel rel
                            ON rel.partner_id = ids.id
                     LEFT JOIN customer_location_risk area ON area.id = rel.risk_id
                      GROUP BY ids.id
                       ) AS levels
                 WHERE partner.id = levels.id
                   AND partner.location_risk_level IS DISTINCT FROM %(level)s
                """,
                level=levels,
                rank=ranks,
                ids=list(partner_ids),
            )
        )
        self.env["res.partner"].invalidate_model(
            ["location_risk_ids", "location_risk_level"]
        )
