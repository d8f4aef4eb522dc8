from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .res_partner import PORTFOLIO_GROUP


class ResPartner(models.Model):
    """The client's book of business: what they hold, and what their segment's
    package still lacks."""

    _inherit = "res.partner"

    holding_ids = fields.One2many(
        "customer.holding", "partner_id", string="Holdings", groups=PORTFOLIO_GROUP
    )
    holding_count = fields.Integer(
        compute="_compute_holding_count", groups=PORTFOLIO_GROUP
    )
    cross_sell_line_ids = fields.Many2many(
        "customer.product.line",
        string="Package Gaps",
        compute="_compute_cross_sell_line_ids",
        search="_search_cross_sell_line_ids",
        groups=PORTFOLIO_GROUP,
        help="The product lines of the client's segment package that they hold "
        "no active holding of: what to offer them next.",
    )
    cross_sell_count = fields.Integer(
        string="Gaps", compute="_compute_cross_sell_line_ids", groups=PORTFOLIO_GROUP
    )

    def _compute_holding_count(self):
        counts = dict(
            self.env["customer.holding"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.holding_count = counts.get(partner, 0)

    @api.depends(
        "segment_id.product_line_ids",
        "holding_ids.state",
        "holding_ids.product_line_id",
    )
    def _compute_cross_sell_line_ids(self):
        held = defaultdict(set)
        for partner, line in self.env["customer.holding"]._read_group(
            [("partner_id", "in", self._origin.ids), ("state", "=", "active")],
            ["partner_id", "product_line_id"],
        ):
            held[partner.id].add(line.id)
        for partner in self:
            gaps = partner.segment_id.product_line_ids.filtered(
                lambda line, p=partner: line.id not in held[p._origin.id]
            )
            partner.cross_sell_line_ids = gaps
            partner.cross_sell_count = len(gaps)

    def _search_cross_sell_line_ids(self, operator, value):
        """Clients lacking one of the given lines (``False``: lacking nothing).

        One correlated ``EXISTS`` per client: the database checks the clients
        the rest of the domain selects (e.g. an agent's book), through the
        index of active holdings by client and line.
        """
        # a search method replaces the field: check its groups here
        self._check_field_access(self._fields["cross_sell_line_ids"], "read")
        if operator == "any":
            # product lines are few: their ids make the simplest query
            lines = self.env["customer.product.line"].search(value)
            return self._cross_sell_gap_domain(lines.ids)
        if operator != "in":
            return NotImplemented
        line_ids = [line_id for line_id in value if line_id]
        domain = Domain.FALSE
        if line_ids:
            domain |= self._cross_sell_gap_domain(line_ids)
        if False in value:
            domain |= ~self._cross_sell_gap_domain()
        return domain

    @api.model
    def _cross_sell_gap_domain(self, line_ids=None):
        """The clients with a gap in their package (among the product lines
        ``line_ids``, by default any line)."""
        lines_filter = SQL()
        if line_ids is not None:
            lines_filter = SQL("AND line.id = ANY(%s)", list(line_ids))

        def to_sql(model, alias, query):
            # raw SQL: flush what it reads
            model.flush_model(["segment_id"])
            model.env["customer.segment"].flush_model(["product_line_ids"])
            model.env["customer.product.line"].flush_model(["active"])
            model.env["customer.holding"].flush_model(
                ["partner_id", "product_line_id", "state"]
            )
            return SQL(
                """EXISTS (
                    SELECT 1
                      FROM customer_segment_product_line_rel rel
                      JOIN customer_product_line line
                        ON line.id = rel.line_id AND line.active
                     WHERE rel.segment_id = %(segment)s %(lines)s
                       AND NOT EXISTS (
                           SELECT 1
                             FROM customer_holding h
                            WHERE h.partner_id = %(partner)s
                              AND h.product_line_id = rel.line_id
                              AND h.state = 'active'))""",
                segment=SQL.identifier(alias, "segment_id"),
                partner=SQL.identifier(alias, "id"),
                lines=lines_filter,
            )

        def predicate(partner):
            gaps = partner.cross_sell_line_ids
            if line_ids is None:
                return bool(gaps)
            return bool(set(gaps.ids) & set(line_ids))

        return Domain.custom(to_sql=to_sql, predicate=predicate)

    def write(self, vals):
        result = super().write(vals)
        if "portfolio_id" in vals:
            self._hand_over_renewal_activities()
        return result

    def _hand_over_renewal_activities(self):
        """The open renewal activities of the clients' holdings go to their
        (new) agent, who alone can see these holdings now."""
        renewal = self.env.ref(
            "customer_portfolio.mail_activity_type_renewal", raise_if_not_found=False
        )
        holdings = (
            self.env["customer.holding"].sudo().search([("partner_id", "in", self.ids)])
        )
        if not renewal or not holdings:
            return
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .search(
                [
                    ("res_model", "=", "customer.holding"),
                    ("res_id", "in", holdings.ids),
                    ("activity_type_id", "=", renewal.id),
                ]
            )
        )
        agents = {holding.id: holding.agent_id for holding in holdings}
        for agent, agent_activities in activities.grouped(
            lambda a: agents[a.res_id]
        ).items():
            moving = agent_activities.filtered(lambda a, u=agent: a.user_id != u)
            if agent and moving:
                moving.user_id = agent

    def action_view_holdings(self):
        """Open the client's holdings."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_portfolio.customer_holding_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
