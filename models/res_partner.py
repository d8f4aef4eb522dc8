import calendar
from collections import defaultdict
from datetime import date as dt_date
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, split_every

from .customer_income_trend import INCOME_TRENDS
from .customer_location_risk import SEVERITY_RANK, location_key

PORTFOLIO_GROUP = "customer_portfolio.group_portfolio_agent"
INCOME_STABLE_BAND_PARAM = "customer_portfolio.income_stable_band"
INCOME_STABLE_BAND_DEFAULT = 5.0
# the client's income fields and their columns in customer_income_trend
INCOME_TREND_COLUMNS = {
    "income_amount": "amount",
    "income_currency_id": "currency_id",
    "income_trend": "trend",
    "income_trend_pct": "change_pct",
}
INCOME_TREND_FIELDS = list(INCOME_TREND_COLUMNS)
RETIREMENT_AGE = 65
MATURE_FAMILY_AGE = 40
EMPTY_NEST_AGE = 55
CLIENT_TIERS = [("standard", "Standard"), ("premium", "Premium"), ("vip", "VIP")]
MARITAL_STATUSES = [
    ("single", "Single"),
    ("married", "Married"),
    ("partnership", "Civil partnership"),
    ("divorced", "Divorced"),
    ("widowed", "Widowed"),
]
MARITAL_STATUS_BY_EVENT = {"marriage": "married", "divorce": "divorced"}
PARTNERED_STATUSES = ("married", "partnership")
LIFECYCLE_STAGES = [
    ("young_single", "Young single"),
    ("couple", "Couple"),
    ("young_family", "Young family"),
    ("mature_family", "Mature family"),
    ("empty_nest", "Empty nest"),
    ("retired", "Retired"),
]
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


def next_occurrence(day, today):
    """The first yearly occurrence of ``day`` on or after ``today``."""
    this_year = occasion_date(day.month, day.day, today.year)
    if this_year >= today:
        return this_year
    return occasion_date(day.month, day.day, today.year + 1)


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


def _recorded_seq(event):
    """Order in which an event was recorded (unsaved events come last)."""
    return event._origin.id or float("inf")


def _mark_stage_manual(vals):
    """Writing a stage explicitly overrides the derived one."""
    if "lifecycle_stage" in vals and "lifecycle_stage_manual" not in vals:
        return {**vals, "lifecycle_stage_manual": True}
    return vals


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
        MARITAL_STATUSES,
        compute="_compute_household",
        inverse="_inverse_marital_status",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Follows the client's latest marriage or divorce event, unless it was "
        "set by hand after that event was recorded.",
    )
    marital_status_manual = fields.Selection(
        MARITAL_STATUSES,
        string="Marital Status Set by Hand",
        groups=PORTFOLIO_GROUP,
    )
    marital_status_manual_seq = fields.Integer(
        string="Life Events Seen at Hand Edit",
        groups=PORTFOLIO_GROUP,
        help="The highest life event id when the marital status was last set by "
        "hand: events recorded after it take precedence again.",
    )
    children_count = fields.Integer(
        string="Children",
        compute="_compute_household",
        inverse="_inverse_children_count",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="The children entered by hand plus one per birth on the timeline.",
    )
    children_count_manual = fields.Integer(
        string="Children Entered by Hand", groups=PORTFOLIO_GROUP
    )
    is_retired = fields.Boolean(
        string="Retired",
        compute="_compute_household",
        inverse="_inverse_is_retired",
        store=True,
        readonly=False,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Ticked by hand or by a retirement event on the timeline.",
    )
    is_retired_manual = fields.Boolean(
        string="Retired Set by Hand", groups=PORTFOLIO_GROUP
    )
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        string="Life-cycle Stage",
        compute="_compute_lifecycle_stage",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Derived from marital status, children, age and retirement, unless "
        "set by hand.",
    )
    lifecycle_stage_manual = fields.Boolean(
        string="Stage Set by Hand",
        groups=PORTFOLIO_GROUP,
        help="Keep the life-cycle stage as set by hand; untick to follow the "
        "derived stage again.",
    )
    lifecycle_stage_derived = fields.Selection(
        LIFECYCLE_STAGES,
        string="Derived Stage",
        compute="_compute_lifecycle_stage_derived",
        groups=PORTFOLIO_GROUP,
        help="The stage the family life-cycle rules give for this client.",
    )
    client_tier = fields.Selection(
        CLIENT_TIERS,
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
        compute="_compute_location_risk_level",
        search="_search_location_risk_level",
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
    offer_count = fields.Integer(compute="_compute_offer_count", groups=PORTFOLIO_GROUP)
    agent_history_ids = fields.One2many(
        "customer.portfolio.agent.history",
        "partner_id",
        string="Previous Agents",
        groups=PORTFOLIO_GROUP,
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
    income_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_income_figures",
        search="_search_income_currency_id",
        groups=PORTFOLIO_GROUP,
    )
    income_amount = fields.Monetary(
        string="Income",
        currency_field="income_currency_id",
        compute="_compute_income_figures",
        search="_search_income_amount",
        groups=PORTFOLIO_GROUP,
        help="The latest declared income.",
    )
    income_trend = fields.Selection(
        INCOME_TRENDS,
        compute="_compute_income_figures",
        search="_search_income_trend",
        groups=PORTFOLIO_GROUP,
        help="Compares the two latest income records; within the stable band set "
        "in the settings the income is stable. Unknown with fewer than two "
        "records, a zero previous income or two different currencies.",
    )
    income_trend_pct = fields.Float(
        string="Income Change (%)",
        compute="_compute_income_figures",
        search="_search_income_trend_pct",
        groups=PORTFOLIO_GROUP,
        help="Change between the two latest income records, in percent.",
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
            next_birthday = next_occurrence(partner.birthdate, today)
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

    @api.depends(
        "marital_status_manual",
        "marital_status_manual_seq",
        "children_count_manual",
        "is_retired_manual",
        "life_event_ids.event_type",
        "life_event_ids.date",
    )
    def _compute_household(self):
        """Household = what was entered by hand + what the timeline implies.

        Deriving it (instead of applying each event once) means an event can
        never count twice, and editing or deleting one reverts its effect.
        """
        for partner in self:
            events = partner.life_event_ids
            births = events.filtered(lambda e: e.event_type == "birth_of_child")
            partner.children_count = partner.children_count_manual + len(births)
            partner.is_retired = partner.is_retired_manual or any(
                e.event_type == "retirement" for e in events
            )
            partner.marital_status = partner._marital_status_from_events(events)

    def _marital_status_from_events(self, events):
        """The status of the latest marriage or divorce (by date), if it was
        recorded after the status was last set by hand; else the hand value."""
        self.ensure_one()
        marital = events.filtered(lambda e: e.event_type in MARITAL_STATUS_BY_EVENT)
        latest = max(
            marital,
            key=lambda e: (e.date or dt_date.max, _recorded_seq(e)),
            default=None,
        )
        if latest and _recorded_seq(latest) > self.marital_status_manual_seq:
            return MARITAL_STATUS_BY_EVENT[latest.event_type]
        return self.marital_status_manual

    def _inverse_marital_status(self):
        for partner in self:
            events = partner.life_event_ids
            if partner.marital_status == partner._marital_status_from_events(events):
                continue  # what the timeline says already: no hand edit
            partner.marital_status_manual = partner.marital_status
            partner.marital_status_manual_seq = max(
                partner.life_event_ids._origin.ids, default=0
            )

    def _inverse_children_count(self):
        for partner in self:
            births = partner.life_event_ids.filtered(
                lambda e: e.event_type == "birth_of_child"
            )
            partner.children_count_manual = partner.children_count - len(births)

    def _inverse_is_retired(self):
        for partner in self:
            if "retirement" not in partner.life_event_ids.mapped("event_type"):
                partner.is_retired_manual = partner.is_retired
            elif not partner.is_retired:
                raise UserError(
                    self.env._(
                        "%(client)s has a retirement event on their timeline: "
                        "delete that event to mark them as not retired.",
                        client=partner.display_name,
                    )
                )

    @api.depends("birthdate", "marital_status", "children_count", "is_retired")
    def _compute_lifecycle_stage_derived(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.lifecycle_stage_derived = partner._derive_lifecycle_stage(today)

    def _derive_lifecycle_stage(self, today):
        """Family life-cycle stage from household and age (rules in README.md)."""
        self.ensure_one()
        age = relativedelta(today, self.birthdate).years if self.birthdate else None
        if self.is_retired or (age is not None and age >= RETIREMENT_AGE):
            return "retired"
        if age is not None and age >= EMPTY_NEST_AGE:
            return "empty_nest"
        if self.children_count > 0:
            if age is not None and age >= MATURE_FAMILY_AGE:
                return "mature_family"
            return "young_family"
        if self.marital_status in PARTNERED_STATUSES:
            return "couple"
        if self.marital_status or age is not None:
            return "young_single"
        return False

    @api.depends("lifecycle_stage_derived", "lifecycle_stage_manual")
    def _compute_lifecycle_stage(self):
        for partner in self.filtered(lambda p: not p.lifecycle_stage_manual):
            partner.lifecycle_stage = partner.lifecycle_stage_derived

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

    @api.constrains("children_count", "children_count_manual")
    def _check_children_count(self):
        for partner in self:
            if partner.children_count < 0:
                raise ValidationError(
                    self.env._(
                        "The number of children of %(client)s cannot be negative.",
                        client=partner.display_name,
                    )
                )
            if partner.children_count_manual < 0:
                raise ValidationError(
                    self.env._(
                        "%(client)s has %(births)s births on their timeline: the "
                        "number of children cannot be lower; delete a birth event "
                        "instead.",
                        client=partner.display_name,
                        births=partner.children_count - partner.children_count_manual,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create([_mark_stage_manual(vals) for vals in vals_list])
        partners._sync_location_risks()
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
        result = super().write(_mark_stage_manual(vals))
        if LOCATION_RISK_FIELDS.intersection(vals):
            self._sync_location_risks()
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

    # Income trend

    @api.model
    def _income_stable_band(self):
        """The +/- percentage within which an income change counts as stable."""
        return float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(INCOME_STABLE_BAND_PARAM, INCOME_STABLE_BAND_DEFAULT)
        )

    @api.model
    def _income_trend_sql(self, amount, previous):
        """SQL classifying the change from ``previous`` to ``amount`` (SQL
        expressions; ``previous`` is NULL when the two are not comparable)
        against the stable band: exact, on the unrounded amounts."""
        return SQL(
            """CASE WHEN %(previous)s > 0 THEN
                    CASE WHEN 100 * (%(amount)s - %(previous)s)
                              > %(band)s * %(previous)s THEN 'increasing'
                         WHEN 100 * (%(amount)s - %(previous)s)
                              < -%(band)s * %(previous)s THEN 'decreasing'
                         ELSE 'stable' END
                    ELSE 'unknown' END""",
            amount=amount,
            previous=previous,
            band=self._income_stable_band(),
        )

    def _recompute_income_trend(self, touch=False):
        """Set the income figures of these partners from their records.

        Set-based: one statement takes the latest record of each partner and,
        with a window function, the one before it, compares them and upserts
        the partner's row of ``customer.income.trend`` where it changes; the
        res_partner rows are never written.
        Returns the partners whose trend just turned decreasing.

        The trend rows are upserted in partner id order: two transactions
        recomputing the same partners queue up instead of deadlocking. With
        ``touch`` (after income records changed) every row is rewritten, even
        unchanged: a concurrent transaction that changed the same partners'
        records then fails with a serialization error (retried by Odoo) instead
        of committing a trend computed from a snapshot without these changes.
        """
        if not self.ids:
            return self.browse()
        self.env["customer.income.record"].flush_model(
            ["partner_id", "date", "amount", "currency_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH latest AS (
                    SELECT ids.id AS partner_id, records.amount,
                           records.currency_id,
                           CASE WHEN records.previous_currency_id
                                     = records.currency_id
                                THEN records.previous
                           END AS previous_amount
                      FROM unnest(%(ids)s::int[]) AS ids(id)
                      LEFT JOIN LATERAL (
                            SELECT amount, currency_id,
                                   lead(amount) OVER by_date AS previous,
                                   lead(currency_id) OVER by_date
                                       AS previous_currency_id
                              FROM customer_income_record
                             WHERE partner_id = ids.id
                            WINDOW by_date AS (ORDER BY date DESC, id DESC)
                             ORDER BY date DESC, id DESC
                             LIMIT 1
                           ) AS records ON TRUE
                ),
                computed AS (
                    SELECT latest.*,
                           CASE WHEN previous_amount > 0
                                THEN round(100 * (amount - previous_amount)
                                           / previous_amount, 2)
                           END AS change_pct,
                           %(trend)s AS trend
                      FROM latest
                ),
                upserted AS (
                    INSERT INTO customer_income_trend AS target (
                        partner_id, amount, currency_id, previous_amount,
                        change_pct, trend,
                        create_uid, create_date, write_uid, write_date)
                    SELECT new.partner_id, new.amount, new.currency_id,
                           new.previous_amount, new.change_pct, new.trend,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM computed new
                      LEFT JOIN customer_income_trend old
                        ON old.partner_id = new.partner_id
                     WHERE CASE WHEN old.id IS NULL THEN new.amount IS NOT NULL
                                ELSE %(touch)s
                                     OR (old.amount, old.currency_id,
                                         old.previous_amount, old.change_pct,
                                         old.trend)
                                        IS DISTINCT FROM
                                        (new.amount, new.currency_id,
                                         new.previous_amount, new.change_pct,
                                         new.trend)
                           END
                     ORDER BY new.partner_id
                        ON CONFLICT (partner_id) DO UPDATE
                       SET amount = EXCLUDED.amount,
                           currency_id = EXCLUDED.currency_id,
                           previous_amount = EXCLUDED.previous_amount,
                           change_pct = EXCLUDED.change_pct,
                           trend = EXCLUDED.trend,
                           write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                    RETURNING target.partner_id, target.trend
                )
                SELECT upserted.partner_id
                  FROM upserted
                  LEFT JOIN customer_income_trend old
                    ON old.partner_id = upserted.partner_id
                 WHERE upserted.trend = 'decreasing'
                   AND old.trend IS DISTINCT FROM 'decreasing'
                """,
                ids=self.ids,
                trend=self._income_trend_sql(
                    SQL("latest.amount"), SQL("latest.previous_amount")
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
                touch=touch,
            )
        )
        self.invalidate_recordset(INCOME_TREND_FIELDS)
        self.env["customer.income.trend"].invalidate_model()
        return self.browse(partner_id for (partner_id,) in rows)

    @api.model
    def _recompute_all_income_trends(self, batch_size=50000):
        """Recompute the income figures of every partner from their records.

        For data loaded around the ORM (e.g. an SQL import) and the upgrade:
        per batch of ``batch_size`` partners it runs one statement that reads
        their two latest records and writes the rows that change. It
        schedules no review: a recompute is no news about a client's income.
        """
        self.env["customer.income.record"].flush_model(["partner_id"])
        partner_ids = [
            partner_id
            for (partner_id,) in self.env.execute_query(
                SQL(
                    "SELECT partner_id FROM customer_income_record"
                    " UNION SELECT partner_id FROM customer_income_trend"
                    " ORDER BY partner_id"
                )
            )
        ]
        for batch_ids in split_every(batch_size, partner_ids):
            batch = self.browse(batch_ids)
            batch._recompute_income_trend()
            batch.invalidate_recordset()

    @api.model
    def _reclassify_income_trends(self):
        """After a change of the stable band: reclassify every client.

        The trend rows keep the unrounded amounts compared, so one UPDATE of
        the narrow table does it, without reading the income records, and
        writes only the rows whose trend changes. No review is scheduled: a
        new band is no news about a client's income.
        """
        trend = self._income_trend_sql(SQL("amount"), SQL("previous_amount"))
        self.env.execute_query(
            SQL(
                """UPDATE customer_income_trend
                      SET trend = %(trend)s, write_uid = %(uid)s,
                          write_date = %(now)s
                    WHERE trend <> %(trend)s""",
                trend=trend,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        self.invalidate_model(INCOME_TREND_FIELDS)
        self.env["customer.income.trend"].invalidate_model()

    @api.depends("income_record_ids")
    def _compute_income_figures(self):
        trends = (
            self.env["customer.income.trend"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", [pid for pid in self._origin.ids if pid])],
                ["partner_id", *INCOME_TREND_COLUMNS.values()],
            )
        )
        by_partner = {trend.partner_id.id: trend for trend in trends}
        for partner in self:
            trend = by_partner.get(partner._origin.id)
            partner.income_amount = trend.amount if trend else False
            partner.income_currency_id = trend.currency_id.id if trend else False
            partner.income_trend = trend.trend if trend else "unknown"
            partner.income_trend_pct = trend.change_pct if trend else 0.0

    def _search_income_figure(self, fname, operator, value):
        """A condition on an income field, as SQL on the joined trend row."""
        field = self._fields[fname]
        return Domain.custom(
            to_sql=lambda model, alias, query: field._condition_to_sql(
                fname, operator, value, model, alias, query
            )
        )

    def _search_income_amount(self, operator, value):
        return self._search_income_figure("income_amount", operator, value)

    def _search_income_currency_id(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        return self._search_income_figure("income_currency_id", operator, value)

    def _search_income_trend(self, operator, value):
        return self._search_income_figure("income_trend", operator, value)

    def _search_income_trend_pct(self, operator, value):
        return self._search_income_figure("income_trend_pct", operator, value)

    @api.model
    def _income_figure_sql(self, alias, fname, query):
        """SQL value of an income field of the partners aliased ``alias``: a
        column of their trend row, LEFT JOINed to the query (so that clients
        search, group and sort by it)."""
        column = INCOME_TREND_COLUMNS[fname]
        if query is None:
            value = SQL(
                "(SELECT %s FROM customer_income_trend WHERE partner_id = %s)",
                SQL.identifier(column),
                SQL.identifier(alias, "id"),
            )
        else:
            trend_alias = query.left_join(
                alias, "id", "customer_income_trend", "partner_id", "income"
            )
            value = SQL.identifier(trend_alias, column)
        if fname == "income_trend":
            return SQL("COALESCE(%s, 'unknown')", value)
        return value

    def _refresh_income_trend(self):
        """After income records changed: recompute, ask for a review of drops."""
        self._recompute_income_trend(touch=True)._schedule_portfolio_activity(
            "customer_portfolio.mail_activity_type_income_review"
        )

    def _schedule_portfolio_activity(self, activity_type_xmlid):
        """Schedule an activity of this type for the agent of each partner's
        portfolio, unless one is still open on that partner."""
        activity_type = self.env.ref(activity_type_xmlid)
        open_on = {
            res_id
            for (res_id,) in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        todo = self.filtered(lambda p: p.portfolio_agent_id and p.id not in open_on)
        for agent, partners in todo.grouped("portfolio_agent_id").items():
            partners.activity_schedule(
                activity_type_xmlid,
                date_deadline=activity_type._get_date_deadline(),
                user_id=agent.id,
            )

    # Life events

    def record_life_event(self, event_type, date=None, note=None):
        """Record a life or consumption event on the timeline of each partner.

        The public entry point for other modules, e.g. a car dealer module
        calling ``partners.record_life_event("vehicle_purchase")``. ``date``
        defaults to today. A partner that already has an event of this type on
        this date gets no second one. Returns the new ``customer.life.event``
        records (their household effects and the reactions of
        ``_on_life_events_created`` are applied).
        """
        date = date or fields.Date.context_today(self)
        Event = self.env["customer.life.event"]
        existing = Event.search(
            [
                ("partner_id", "in", self.ids),
                ("event_type", "=", event_type),
                ("date", "=", date),
            ]
        )
        return Event.create(
            [
                {
                    "partner_id": partner.id,
                    "event_type": event_type,
                    "date": date,
                    "note": note,
                }
                for partner in self - existing.partner_id
            ]
        )

    def _on_life_events_created(self, events):
        """React to new life events of these partners (``events``).

        The household follows the events by itself (computed fields). Here the
        agent is asked to update the address after a relocation, and told when
        a stage set by hand no longer matches the derived one. Modules reacting
        to life events (e.g. offers) extend this method and call super().

        The stage note goes to the agent alone (a user notification): the
        chatter of a contact is open to every internal user, the stage is not.
        """
        events.filtered(
            lambda e: e.event_type == "relocation"
        ).partner_id._schedule_portfolio_activity(
            "customer_portfolio.mail_activity_type_address_update"
        )
        stages = dict(self._fields["lifecycle_stage"]._description_selection(self.env))
        for partner in self.filtered(
            lambda p: (
                p.portfolio_agent_id
                and p.lifecycle_stage_manual
                and p.lifecycle_stage != p.lifecycle_stage_derived
            )
        ):
            partner.message_notify(
                body=self.env._(
                    "The recorded life events suggest the stage %(derived)s; it "
                    "stays %(stage)s because it was set by hand.",
                    derived=stages.get(partner.lifecycle_stage_derived, "-"),
                    stage=stages.get(partner.lifecycle_stage, "-"),
                ),
                partner_ids=partner.portfolio_agent_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_refresh_lifecycle_stage(self):
        """Recompute the derived stage of clients whose age changed today."""
        today = fields.Date.context_today(self)
        partners = self.search(
            Domain("portfolio_id", "!=", False)
            & Domain("lifecycle_stage_manual", "=", False)
            & month_day_domain(
                "birthday_month", "birthday_day", today - timedelta(days=1), today
            )
        )
        partners.invalidate_recordset(["lifecycle_stage_derived"])
        self.env.add_to_compute(self._fields["lifecycle_stage"], partners)
        partners.flush_recordset(["lifecycle_stage"])

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
        """Refresh the partners' risk level after their areas changed (in SQL).

        The level is derived from the areas covering a partner, never stored
        on res_partner: matching an area to 100k clients writes the relation
        only, not 100k wide res_partner rows and their indexes.
        """
        if partner_ids:
            self.env["res.partner"].invalidate_model(
                ["location_risk_ids", "location_risk_level"]
            )

    @api.model
    def _location_risk_level_sql(self, partner_id=None):
        """SQL expression of a risk level: that of the partner whose id is
        ``partner_id``, or by default ``max_rank``, the highest severity rank of
        the areas (``area``) grouped by partner."""
        severities = SQL(", ").join(
            SQL("%s", severity)
            for severity, __ in sorted(SEVERITY_RANK.items(), key=lambda i: i[1])
        )
        max_rank = SQL(
            "MAX(CASE area.severity %s END)",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", severity, rank)
                for severity, rank in SEVERITY_RANK.items()
            ),
        )
        level = SQL("(ARRAY['none', %s])[COALESCE(%s, 0) + 1]", severities, max_rank)
        if partner_id is None:
            return level
        return SQL(
            """(SELECT %s
                  FROM customer_location_risk_partner_rel rel
                  JOIN customer_location_risk area ON area.id = rel.risk_id
                 WHERE rel.partner_id = %s)""",
            level,
            partner_id,
        )

    @api.depends("location_risk_ids.severity")
    def _compute_location_risk_level(self):
        self.env["customer.location.risk"].flush_model(["severity"])
        ids = [partner_id for partner_id in self._origin.ids if partner_id]
        levels = dict(
            self.env.execute_query(
                SQL(
                    "SELECT ids.id, %s FROM unnest(%s::int[]) AS ids(id)",
                    self._location_risk_level_sql(SQL("ids.id")),
                    ids,
                )
            )
            if ids
            else []
        )
        for partner in self:
            partner.location_risk_level = levels.get(partner._origin.id, "none")

    def _search_location_risk_level(self, operator, value):
        if operator in ("=", "!="):
            operator, value = ("in" if operator == "=" else "not in"), [value]
        if operator not in ("in", "not in"):
            return NotImplemented
        levels = [level or "none" for level in value]
        at_risk = SQL(
            """(SELECT rel.partner_id
                  FROM customer_location_risk_partner_rel rel
                  JOIN customer_location_risk area ON area.id = rel.risk_id
                 GROUP BY rel.partner_id
                HAVING %s = ANY(%s))""",
            self._location_risk_level_sql(),
            levels,
        )
        domain = Domain("id", "in", at_risk)
        if "none" in levels:
            domain |= Domain(
                "id",
                "not in",
                SQL("(SELECT partner_id FROM customer_location_risk_partner_rel)"),
            )
        return domain if operator == "in" else ~domain

    def _field_to_sql(self, alias, field_expr, query=None):
        """The risk level is computed in SQL, and the income figures read from
        the clients' trend rows, so that clients group and sort by them."""
        if field_expr == "location_risk_level":
            self._check_field_access(self._fields[field_expr], "read")
            return self._location_risk_level_sql(SQL.identifier(alias, "id"))
        if field_expr in INCOME_TREND_COLUMNS:
            self._check_field_access(self._fields[field_expr], "read")
            return self._income_figure_sql(alias, field_expr, query)
        return super()._field_to_sql(alias, field_expr, query)

    def _compute_offer_count(self):
        counts = dict(
            self.env["customer.offer"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.offer_count = counts.get(partner, 0)

    def action_view_offers(self):
        """Open the offers made to this client."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.customer_offer_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
