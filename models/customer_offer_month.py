from odoo import fields, models


class CustomerOfferMonth(models.Model):
    """A calendar month, so that templates can select several of them."""

    _name = "customer.offer.month"
    _description = "Month of the Year"
    _order = "number"

    name = fields.Char(required=True, translate=True)
    number = fields.Integer(required=True)

    _unique_number = models.UniqueIndex("(number)")
    _check_number = models.Constraint(
        "CHECK(number BETWEEN 1 AND 12)", "A month is numbered from 1 to 12."
    )
