from odoo import fields, models

from .customer_offer_template import OFFER_CATEGORIES


class CustomerOfferCategory(models.Model):
    """An offer category, as a record, so that policies can select several."""

    _name = "customer.offer.category"
    _description = "Offer Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(OFFER_CATEGORIES, required=True)
    sequence = fields.Integer(default=10)

    _unique_code = models.UniqueIndex("(code)")
