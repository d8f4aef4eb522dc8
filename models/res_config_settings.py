from odoo import fields, models
from odoo.exceptions import ValidationError

from .customer_income_trend import INCOME_STABLE_BAND_DEFAULT, INCOME_STABLE_BAND_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    portfolio_income_stable_band = fields.Float(
        string="Stable Income Band (%)",
        config_parameter=INCOME_STABLE_BAND_PARAM,
        default=INCOME_STABLE_BAND_DEFAULT,
        help="An income that changed by at most this percentage between the two "
        "latest records is stable; beyond it, increasing or decreasing.",
    )

    def set_values(self):
        band = self.portfolio_income_stable_band
        if not 0 <= band < 100:
            raise ValidationError(
                self.env._(
                    "The stable income band must be between 0 and 100 %% "
                    "(got %(band)s).",
                    band=band,
                )
            )
        Trend = self.env["customer.income.trend"]
        previous = Trend._stable_band()
        result = super().set_values()
        if band != previous:
            Trend.sudo()._reclassify()
        return result
