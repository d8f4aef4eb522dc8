from odoo import fields, models

from .res_partner import PORTFOLIO_GROUP


class ResPartner(models.Model):
    """The loyalty offers made to the client."""

    _inherit = "res.partner"

    offer_ids = fields.One2many(
        "customer.offer", "partner_id", string="Offers", groups=PORTFOLIO_GROUP
    )
    offer_count = fields.Integer(compute="_compute_offer_count", groups=PORTFOLIO_GROUP)

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
