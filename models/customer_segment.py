from odoo import fields, models


class CustomerSegment(models.Model):
    """A group of clients sharing traits, with the offer package made for them."""

    _name = "customer.segment"
    _description = "Client Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    domain = fields.Char(
        default="[]",
        help="The clients of this segment: the first segment, by sequence, whose "
        "domain matches a client is theirs.",
    )
    is_target = fields.Boolean(string="Target Segment")
    offer_template_ids = fields.Many2many(
        "customer.offer.template",
        "customer_offer_template_segment_rel",
        "segment_id",
        "template_id",
        string="Offer Package",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price_min = fields.Monetary(string="Minimum Price")
    price_max = fields.Monetary(string="Maximum Price")
    payment_terms_note = fields.Text(string="Payment Conditions", translate=True)
    partner_ids = fields.One2many("res.partner", "segment_id", string="Clients")
