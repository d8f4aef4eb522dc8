from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.access import check_manager_fields
from .customer_location_risk import SEVERITY_RANK, location_key
from .res_partner import PORTFOLIO_GROUP

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
# matched by the risk areas, never set by hand
LOCATION_RISK_DERIVED = {"location_risk_ids", "location_city_key", "location_zip_key"}


class ResPartner(models.Model):
    """The risk areas covering a client's address and the level they make.

    Only clients (contacts in a portfolio) are matched: other contacts pay
    nothing for the risk areas.
    """

    _inherit = "res.partner"

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
    # the normalised city and ZIP the areas match on, for clients only
    location_city_key = fields.Char(
        compute="_compute_location_keys",
        store=True,
        index="btree_not_null",
        groups=PORTFOLIO_GROUP,
    )
    location_zip_key = fields.Char(
        compute="_compute_location_keys",
        store=True,
        index="btree_not_null",
        groups=PORTFOLIO_GROUP,
    )

    _location_risk_state_idx = models.Index(
        "(state_id) WHERE portfolio_id IS NOT NULL AND state_id IS NOT NULL"
    )
    _location_risk_geo_idx = models.Index(
        "(partner_latitude) WHERE portfolio_id IS NOT NULL "
        "AND partner_latitude IS NOT NULL"
    )

    @api.depends("city", "zip", "portfolio_id")
    def _compute_location_keys(self):
        for partner in self:
            client = bool(partner.sudo().portfolio_id)
            partner.location_city_key = client and location_key(partner.city)
            partner.location_zip_key = client and location_key(partner.zip)

    @api.depends("location_risk_ids.severity")
    def _compute_location_risk_level(self):
        levels = {rank: level for level, rank in SEVERITY_RANK.items()}
        for partner in self:
            areas = partner.sudo().with_context(active_test=False).location_risk_ids
            rank = max((SEVERITY_RANK[area.severity] for area in areas), default=0)
            partner.location_risk_level = levels.get(rank, "none")

    def _search_location_risk_level(self, operator, value):
        # the search is SQL on the areas: check the field as a read would
        self._check_field_access(self._fields["location_risk_level"], "read")
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
            self.env["customer.location.risk"]._level_sql(),
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
        """The risk level is computed in SQL, so that clients group and sort
        by it."""
        if field_expr == "location_risk_level":
            self._check_field_access(self._fields[field_expr], "read")
            return self.env["customer.location.risk"]._level_sql(
                SQL.identifier(alias, "id")
            )
        return super()._field_to_sql(alias, field_expr, query)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_manager_fields(self, vals, LOCATION_RISK_DERIVED)
        partners = super().create(vals_list)
        partners.sudo().filtered("portfolio_id")._sync_location_risks()
        return partners

    def write(self, vals):
        check_manager_fields(self, vals, LOCATION_RISK_DERIVED)
        result = super().write(vals)
        if LOCATION_RISK_FIELDS.intersection(vals):
            # a contact leaving a portfolio is unmatched too
            clients = (
                self if "portfolio_id" in vals else self.sudo().filtered("portfolio_id")
            )
            clients._sync_location_risks()
        return result

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
        if not self:
            return
        areas = (
            self.env["customer.location.risk"]
            .sudo()
            .search([("is_current", "=", True)])
        )
        if not areas:
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
        """Forget the cached areas and risk level of partners whose areas changed.

        The level is derived from the areas covering a partner, never stored
        on res_partner: matching an area to 100k clients writes the relation
        only, not 100k wide res_partner rows and their indexes.
        """
        if partner_ids:
            self.env["res.partner"].invalidate_model(
                ["location_risk_ids", "location_risk_level"]
            )
