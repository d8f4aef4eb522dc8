from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..tools.yearly_dates import month_day_domain, next_occurrence
from .res_partner import PORTFOLIO_GROUP

MAX_AGE = 150
DAYS_IN_YEAR = 366


class ResPartner(models.Model):
    """The client's dates: birthdate, age, next birthday, client since and
    next anniversary as a client."""

    _inherit = "res.partner"

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

    days_to_anniversary = fields.Integer(
        string="Days to Client Anniversary",
        compute="_compute_days_to_anniversary",
        groups=PORTFOLIO_GROUP,
        help="Days to the next anniversary of the day the contact became a client "
        "(-1 without a client since date).",
    )

    # the yearly occasions are matched on (month, day); only dated contacts
    _birthday_idx = models.Index(
        "(birthday_month, birthday_day) WHERE birthday_month > 0"
    )
    _client_since_idx = models.Index(
        "(client_since_month, client_since_day) WHERE client_since_month > 0"
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
        self._check_field_access(self._fields["age"], "read")
        if operator not in ("=", "<", "<=", ">", ">=") or not isinstance(value, int):
            return NotImplemented
        if not 0 <= value <= MAX_AGE:
            # beyond any lifetime: every dated client is younger (or older)
            younger = value > MAX_AGE
            if operator in ("<", "<=") if younger else operator in (">", ">="):
                return Domain("birthdate", "!=", False)
            return Domain.FALSE
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
            next_birthday = next_occurrence(partner.birthdate, today)
            partner.days_to_birthday = (next_birthday - today).days

    def _search_days_to_birthday(self, operator, value):
        """Clients whose birthday comes within ``value`` days (index friendly)."""
        self._check_field_access(self._fields["days_to_birthday"], "read")
        if operator not in ("=", "<", "<=") or not isinstance(value, int) or value < 0:
            return NotImplemented
        if operator == "=" and value > DAYS_IN_YEAR:
            return Domain.FALSE
        today = fields.Date.context_today(self)
        # a birthday comes within a year: beyond, every birthday matches
        last = min(value - 1 if operator == "<" else value, DAYS_IN_YEAR)
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

    @api.depends("client_since")
    def _compute_days_to_anniversary(self):
        today = fields.Date.context_today(self)
        for partner in self:
            since = partner.client_since
            if not since or since >= today:
                partner.days_to_anniversary = -1
                continue
            partner.days_to_anniversary = (next_occurrence(since, today) - today).days
