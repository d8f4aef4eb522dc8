import logging
import re
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.service.model import retrying
from odoo.tools import SQL
from odoo.tools.misc import remove_accents

_logger = logging.getLogger(__name__)

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
# Mean Earth radius (km), and the length of one degree of latitude (km)
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.19
# A change of these fields may change which clients an area covers
COVERAGE_FIELDS = {
    "active",
    "company_id",
    "severity",
    "country_id",
    "state_id",
    "city",
    "zip",
    "latitude",
    "longitude",
    "radius_km",
    "date_start",
    "date_end",
}
# How many clients an agent's activity lists by name
ACTIVITY_CLIENT_LIMIT = 50


def location_key(value):
    """Normalise a city or ZIP: no accents, no case, single inner spaces."""
    if not value or not value.strip():
        return False
    return re.sub(r"\s+", " ", remove_accents(value).strip().casefold())


class CustomerLocationRisk(models.Model):
    """An area struck by, or exposed to, an event over a period."""

    _name = "customer.location.risk"
    _description = "Location Risk Area"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    def _default_promoted_templates(self):
        return self.env["customer.offer.template"].search(
            [("trigger", "=", "location_risk")]
        )

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    risk_type = fields.Selection(
        [
            ("earthquake", "Earthquake"),
            ("flood", "Flood"),
            ("storm", "Storm"),
            ("wildfire", "Wildfire"),
            ("other", "Other"),
        ],
        required=True,
        default="earthquake",
        tracking=True,
    )
    severity = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
        tracking=True,
    )
    country_id = fields.Many2one("res.country", tracking=True)
    state_id = fields.Many2one(
        "res.country.state", domain="[('country_id', '=?', country_id)]", tracking=True
    )
    city = fields.Char(tracking=True)
    zip = fields.Char(string="ZIP", tracking=True)
    city_key = fields.Char(compute="_compute_location_keys", store=True)
    zip_key = fields.Char(compute="_compute_location_keys", store=True)
    latitude = fields.Float(digits=(10, 7), tracking=True)
    longitude = fields.Float(digits=(10, 7), tracking=True)
    radius_km = fields.Float(
        string="Radius (km)",
        tracking=True,
        help="Clients whose geolocation lies within this distance of the centre "
        "are covered, in addition to those matching the address criteria.",
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="End", tracking=True, help="Last day of the period (included)."
    )
    is_current = fields.Boolean(
        string="In Effect",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Active, and today falls within its period: its clients are at risk.",
    )
    notified_agent_ids = fields.Many2many(
        "res.users",
        "customer_location_risk_notified_agent_rel",
        "risk_id",
        "user_id",
        string="Notified Agents",
        readonly=True,
        copy=False,
        help="Agents who already received the list of their clients in the area.",
    )
    partner_count = fields.Integer(string="Clients", compute="_compute_partner_count")
    note = fields.Html()
    suppressed_category_ids = fields.Many2many(
        "customer.offer.category",
        string="Suppressed Offers",
        default=lambda self: self.env.ref(
            "customer_portfolio.offer_category_insurance", raise_if_not_found=False
        ),
        help="Offer categories not proposed to clients inside the area while it is "
        "active.",
    )
    promoted_template_ids = fields.Many2many(
        "customer.offer.template",
        string="Promoted Offers",
        default=_default_promoted_templates,
        domain="[('trigger', '=', 'location_risk')]",
        help="Offers proposed to the clients inside the area while it is active.",
    )

    @api.depends("city", "zip")
    def _compute_location_keys(self):
        for area in self:
            area.city_key = location_key(area.city)
            area.zip_key = location_key(area.zip)

    @api.depends_context("uid")
    def _compute_partner_count(self):
        """Count the clients the current user may see: an agent counts their own."""
        counts = dict(
            self.env["res.partner"]._read_group(
                [("location_risk_ids", "in", self.ids)],
                ["location_risk_ids"],
                ["__count"],
            )
        )
        for area in self:
            area.partner_count = counts.get(area, 0)

    @api.constrains(
        "date_start",
        "date_end",
        "radius_km",
        "latitude",
        "longitude",
        "country_id",
        "state_id",
        "city",
        "zip",
    )
    def _check_area(self):
        for area in self:
            error = area._get_area_error()
            if error:
                raise ValidationError(error)

    def _get_area_error(self):
        """Return what is wrong with the area's definition, or None."""
        self.ensure_one()
        if self.date_end and self.date_end < self.date_start:
            return self.env._(
                "The risk area %(area)s ends (%(end)s) before it starts (%(start)s).",
                area=self.name,
                end=self.date_end,
                start=self.date_start,
            )
        if self.radius_km < 0:
            return self.env._(
                "The radius of the risk area %(area)s cannot be negative.",
                area=self.name,
            )
        if not -90 <= self.latitude <= 90 or not -180 <= self.longitude <= 180:
            return self.env._(
                "The centre of the risk area %(area)s is out of range: the latitude "
                "must lie between -90 and 90 and the longitude between -180 and 180.",
                area=self.name,
            )
        if self.radius_km and not self._has_centre():
            return self.env._(
                "The risk area %(area)s has a radius but no centre: set its latitude "
                "and longitude.",
                area=self.name,
            )
        if self._has_centre() and not self.radius_km:
            return self.env._(
                "The risk area %(area)s has a centre but no radius.",
                area=self.name,
            )
        country = self.country_id
        if self.state_id and country and self.state_id.country_id != country:
            return self.env._(
                "The state %(state)s of the risk area %(area)s is not in %(country)s.",
                state=self.state_id.display_name,
                area=self.name,
                country=self.country_id.name,
            )
        if not self._has_address() and not self.radius_km:
            return self.env._(
                "The risk area %(area)s covers no place: give it a country, a state, "
                "a city, a ZIP, or a centre and a radius.",
                area=self.name,
            )
        return None

    @api.model_create_multi
    def create(self, vals_list):
        areas = super().create(vals_list)
        areas._update_coverage()
        return areas

    def write(self, vals):
        res = super().write(vals)
        if COVERAGE_FIELDS.intersection(vals):
            self._update_coverage(severity_changed="severity" in vals)
        return res

    def unlink(self):
        partner_ids = self._get_covered_partner_ids()
        res = super().unlink()
        self.env["res.partner"]._update_location_risk_levels(partner_ids)
        return res

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Clients in %(area)s", area=self.name),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "domain": [("location_risk_ids", "in", self.ids)],
            "context": {"create": False},
        }

    @api.model
    def _cron_update_location_risks(self):
        """Start the areas whose period begins today, stop those that ended.

        An area edited, or a client moving, at the same time makes the area's
        update fail with a serialization error: it is retried, as Odoo retries
        requests. An area that fails otherwise is logged and left due for the
        next run; the others go on.
        """
        areas = self._get_areas_to_update()
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(areas))
        for area in areas:
            try:
                retrying(area._update_coverage, self.env)
            except Exception:
                self.env.cr.rollback()
                _logger.exception("Risk area %s could not be updated", area.id)
            if not cron._commit_progress(1):
                break

    @api.model
    def _get_areas_to_update(self):
        """The areas whose period started or ended since they were last updated."""
        current = self._get_current_domain(fields.Date.context_today(self))
        return self.with_context(active_test=False).search(
            (Domain("is_current", "=", False) & current)
            | (Domain("is_current", "=", True) & ~current)
        )

    @api.model
    def _get_current_domain(self, day):
        """Domain of the areas in effect on ``day`` (both period ends included)."""
        return (
            Domain("active", "=", True)
            & Domain("date_start", "<=", day)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", day))
        )

    def _has_centre(self):
        return bool(self.latitude or self.longitude)

    def _has_address(self):
        return bool(self.country_id or self.state_id or self.city_key or self.zip_key)

    def _is_current_on(self, day):
        self.ensure_one()
        return (
            self.active
            and self.date_start <= day
            and (not self.date_end or self.date_end >= day)
        )

    def _update_coverage(self, severity_changed=False):
        """Set whether the areas are in effect today and re-match their clients.

        Set-based: one statement removes the clients no longer covered, one adds
        the newly covered ones (each area's rule over all the clients), one
        recomputes the risk level of the clients whose areas changed. The areas
        that start get their agents notified and the offer engine triggered.
        """
        if not self:
            return
        today = fields.Date.context_today(self)
        current = self.filtered(lambda area: area._is_current_on(today))
        started = current.filtered(lambda area: not area.is_current)
        started.is_current = True
        (self - current).filtered("is_current").is_current = False
        changed = (self - current)._get_covered_partner_ids(delete=True)
        changed |= current._unmatch_partners()
        changed |= current._match_partners()
        if severity_changed:
            changed |= current._get_covered_partner_ids()
        self.env["res.partner"]._update_location_risk_levels(changed)
        if started:
            started._notify_agents()
            cron = self.env.ref(
                "customer_portfolio.ir_cron_generate_offers", raise_if_not_found=False
            )
            if cron:
                cron._trigger()

    def _get_covered_partner_ids(self, delete=False):
        """Return the ids of the clients the areas cover, optionally uncovering them."""
        if not self:
            return set()
        if delete:
            query = SQL(
                "DELETE FROM customer_location_risk_partner_rel"
                " WHERE risk_id = ANY(%s) RETURNING partner_id",
                self.ids,
            )
        else:
            query = SQL(
                "SELECT partner_id FROM customer_location_risk_partner_rel"
                " WHERE risk_id = ANY(%s)",
                self.ids,
            )
        rows = self.env.execute_query(query)
        if delete:
            self.env["res.partner"].invalidate_model(["location_risk_ids"])
        return {partner_id for (partner_id,) in rows}

    def _flush_coverage_fields(self):
        """Flush what the matching SQL reads."""
        self.flush_model()
        self.env["res.partner"].flush_model(
            [
                "portfolio_id",
                "country_id",
                "state_id",
                "location_city_key",
                "location_zip_key",
                "partner_latitude",
                "partner_longitude",
            ]
        )
        self.env["customer.portfolio"].flush_model(["company_id"])

    def _match_partners(self, partner_ids=None):
        """Add the clients the areas cover to the relation; return the new ones.

        ``partner_ids`` restricts the match to those clients (an address change);
        by default every client is considered (an area change). The rows go
        in client order: two transactions matching the same clients wait for
        each other instead of deadlocking.
        """
        if not self:
            return set()
        self._flush_coverage_fields()
        partner_filter = (
            SQL("partner.id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL("TRUE")
        )
        selects = SQL(" UNION ALL ").join(
            SQL(
                "SELECT %s, partner.id FROM res_partner partner WHERE %s AND %s",
                area.id,
                partner_filter,
                area._get_covered_sql(),
            )
            for area in self
        )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_location_risk_partner_rel (risk_id, partner_id)
                SELECT * FROM (%s) AS covered ORDER BY 2, 1
                ON CONFLICT DO NOTHING
                RETURNING partner_id
                """,
                selects,
            )
        )
        self.env["res.partner"].invalidate_model(["location_risk_ids"])
        return {partner_id for (partner_id,) in rows}

    def _unmatch_partners(self):
        """Remove the clients the areas no longer cover; return their ids."""
        if not self:
            return set()
        self._flush_coverage_fields()
        rows = self.env.execute_query(
            SQL(
                """
                DELETE FROM customer_location_risk_partner_rel rel
                      USING res_partner partner
                      WHERE partner.id = rel.partner_id AND (%s)
                  RETURNING rel.partner_id
                """,
                SQL(" OR ").join(
                    SQL(
                        "(rel.risk_id = %s AND NOT COALESCE(%s, FALSE))",
                        area.id,
                        area._get_covered_sql(),
                    )
                    for area in self
                ),
            )
        )
        self.env["res.partner"].invalidate_model(["location_risk_ids"])
        return {partner_id for (partner_id,) in rows}

    def _get_covered_sql(self):
        """SQL condition on ``partner``: a client of the area's company it covers."""
        self.ensure_one()
        return SQL(
            """(
                EXISTS (
                    SELECT 1 FROM customer_portfolio portfolio
                     WHERE portfolio.id = partner.portfolio_id
                       AND portfolio.company_id = %s
                ) AND (%s)
            )""",
            self.company_id.id,
            self._get_covers_sql(),
        )

    def _get_covers_sql(self):
        """SQL condition on ``partner`` true when the area covers that client.

        The area's own values are inlined so that each rule can use an index:
        all the address criteria set must match (city and ZIP through their
        normalised keys), or the client's geolocation lies within the radius.
        """
        self.ensure_one()
        conditions = []
        address = []
        if self.country_id:
            address.append(SQL("partner.country_id = %s", self.country_id.id))
        if self.state_id:
            address.append(SQL("partner.state_id = %s", self.state_id.id))
        if self.city_key:
            address.append(SQL("partner.location_city_key = %s", self.city_key))
        if self.zip_key:
            address.append(SQL("partner.location_zip_key = %s", self.zip_key))
        if address:
            conditions.append(SQL("(%s)", SQL(" AND ").join(address)))
        if self.radius_km and self._has_centre():
            margin = self.radius_km / KM_PER_DEGREE
            conditions.append(
                SQL(
                    """(
                    partner.partner_latitude BETWEEN %(lat_min)s AND %(lat_max)s
                    AND partner.partner_longitude IS NOT NULL
                    AND (partner.partner_latitude, partner.partner_longitude)
                        != (0.0, 0.0)
                    AND 2 * %(earth)s * ASIN(LEAST(1.0, SQRT(
                        POWER(SIN(RADIANS(partner.partner_latitude - %(lat)s) / 2), 2)
                        + COS(RADIANS(%(lat)s))
                        * COS(RADIANS(partner.partner_latitude))
                        * POWER(SIN(RADIANS(partner.partner_longitude - %(lon)s) / 2),
                                2)
                    ))) <= %(radius)s
                    )""",
                    lat_min=self.latitude - margin,
                    lat_max=self.latitude + margin,
                    earth=EARTH_RADIUS_KM,
                    lat=self.latitude,
                    lon=self.longitude,
                    radius=self.radius_km,
                )
            )
        return SQL(" OR ").join(conditions) if conditions else SQL("FALSE")

    def _notify_agents(self):
        """Give each agent with clients in a starting area one activity listing them.

        An agent is never notified twice about the same area.
        """
        groups = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("location_risk_ids", "in", self.ids),
                    ("portfolio_agent_id", "!=", False),
                ],
                ["location_risk_ids", "portfolio_agent_id"],
                ["id:array_agg"],
            )
        )
        groups = [
            (area, agent, sorted(partner_ids))
            for area, agent, partner_ids in groups
            if area in self and agent not in area.notified_agent_ids
        ]
        if not groups:
            return
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        # read the clients listed in all the notes at once, not 50 by 50
        self.env["res.partner"].sudo().browse(
            partner_id
            for __, __, partner_ids in groups
            for partner_id in partner_ids[:ACTIVITY_CLIENT_LIMIT]
        ).mapped("complete_name")
        vals_list = []
        agents_by_area = defaultdict(lambda: self.env["res.users"])
        for area, agent, partner_ids in groups:
            area_lang = area.with_context(lang=agent.lang)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": area.id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "user_id": agent.id,
                    "automated": True,
                    "summary": area_lang.env._(
                        "%(count)s of your clients are in the risk area %(area)s",
                        count=len(partner_ids),
                        area=area.name,
                    ),
                    "note": area_lang._get_activity_note(partner_ids),
                }
            )
            agents_by_area[area] |= agent
        # the activity is the notification: no assignment email per agent
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
        for area, agents in agents_by_area.items():
            area.sudo().notified_agent_ids = [
                fields.Command.link(agent.id) for agent in agents
            ]

    def _get_activity_note(self, partner_ids):
        """The HTML list of the clients an agent has in the area."""
        shown = (
            self.env["res.partner"].sudo().browse(partner_ids[:ACTIVITY_CLIENT_LIMIT])
        )
        selection = {
            fname: dict(self._fields[fname]._description_selection(self.env))
            for fname in ("risk_type", "severity")
        }
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Do not offer them %(categories)s while the area is at risk "
                "(%(type)s, %(severity)s severity). Clients concerned:",
                categories=", ".join(self.suppressed_category_ids.mapped("name"))
                or "-",
                type=selection["risk_type"][self.risk_type],
                severity=selection["severity"][self.severity],
            ),
            Markup("").join(
                Markup("<li>%s</li>") % partner.complete_name for partner in shown
            ),
        )
        if len(partner_ids) > len(shown):
            note += Markup("<p>%s</p>") % self.env._(
                "... and %(count)s more: open the area to see them all.",
                count=len(partner_ids) - len(shown),
            )
        return note

    @api.model
    def _level_sql(self, partner_id=None):
        """SQL expression of a client's risk level: that of the partner whose id
        is ``partner_id``, or by default the highest severity of the areas
        (``area``) grouped by partner."""
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
