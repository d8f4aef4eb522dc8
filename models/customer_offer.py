from odoo import fields, models


class CustomerOffer(models.Model):
    """One offer to one client for one occasion."""

    _name = "customer.offer"
    _description = "Client Offer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(related="template_id.name")
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    template_id = fields.Many2one(
        "customer.offer.template", required=True, index=True, ondelete="restrict"
    )
    offer_category = fields.Selection(related="template_id.offer_category", store=True)
    portfolio_id = fields.Many2one("customer.portfolio", index=True)
    agent_id = fields.Many2one("res.users", index=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    occasion_key = fields.Char(required=True, default="manual")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(index=True)
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(5, 2))
    coupon_code = fields.Char(copy=False)

    _unique_occasion = models.UniqueIndex("(partner_id, template_id, occasion_key)")
