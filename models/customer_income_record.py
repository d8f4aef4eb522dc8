from odoo import api, fields, models
from odoo.exceptions import ValidationError

TREND_INPUTS = {"partner_id", "date", "amount", "currency_id"}


class CustomerIncomeRecord(models.Model):
    """A client's declared income at a given date."""

    _name = "customer.income.record"
    _inherit = ["customer.client.record"]
    _description = "Client Income Record"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(default=fields.Date.context_today)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    note = fields.Char()
    company_id = fields.Many2one(
        related="partner_id.portfolio_id.company_id", store=True, index=True
    )

    _partner_date_idx = models.Index("(partner_id, date DESC, id DESC)")

    @api.constrains("date", "amount")
    def _check_date_and_amount(self):
        today = fields.Date.context_today(self)
        for record in self:
            if not record.date:
                raise ValidationError(
                    self.env._(
                        "The income record of %(client)s needs a date.",
                        client=record.partner_id.display_name,
                    )
                )
            if record.amount < 0:
                raise ValidationError(
                    self.env._(
                        "An income cannot be negative (%(amount)s for %(client)s).",
                        amount=record.amount,
                        client=record.partner_id.display_name,
                    )
                )
            if record.date > today:
                raise ValidationError(
                    self.env._(
                        "The income record of %(client)s is dated %(date)s, "
                        "which is in the future.",
                        client=record.partner_id.display_name,
                        date=record.date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.partner_id._refresh_income_trend()
        return records

    def write(self, vals):
        partners = self.partner_id
        result = super().write(vals)
        if TREND_INPUTS & vals.keys():
            (partners | self.partner_id)._refresh_income_trend()
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners._refresh_income_trend()
        return result
