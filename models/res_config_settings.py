from odoo import fields, models
from odoo.exceptions import ValidationError

from .customer_income_trend import INCOME_STABLE_BAND_DEFAULT, INCOME_STABLE_BAND_PARAM
from .res_partner_consent import CONSENT_REQUIRED_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    portfolio_income_stable_band = fields.Float(
        string="Stable Income Band (%)",
        config_parameter=INCOME_STABLE_BAND_PARAM,
        default=INCOME_STABLE_BAND_DEFAULT,
        help="An income that changed by at most this percentage between the two "
        "latest records is stable; beyond it, increasing or decreasing.",
    )

    portfolio_offer_consent_required = fields.Boolean(
        string="Offer Emails Need Recorded Consent",
        config_parameter=CONSENT_REQUIRED_PARAM,
        help="Email offers only to clients whose consent to offers is Granted; "
        "the others get a call from their agent instead. Switch it on when "
        "your lawful basis for marketing emails is consent (e.g. GDPR "
        "article 6(1)(a), LGPD article 7 I) rather than legitimate interest "
        "in existing clients, and once the consents on record are complete.",
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
