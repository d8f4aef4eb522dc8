from odoo import api, fields, models, tools
from odoo.tools.urls import urljoin

from .res_partner import PORTFOLIO_GROUP

CONSENT_REQUIRED_PARAM = "customer_portfolio.offer_consent_required"
UNSUBSCRIBE_SCOPE = "customer_portfolio-offer-unsubscribe"


class ResPartner(models.Model):
    """A client's consent to offers and how they prefer to hear of them."""

    _inherit = "res.partner"

    offer_consent = fields.Selection(
        [
            ("unknown", "Unknown"),
            ("granted", "Granted"),
            ("withdrawn", "Withdrawn"),
        ],
        string="Consent to Offers",
        default="unknown",
        copy=False,
        required=True,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="Whether the client agreed to receive offers by email. Withdrawn: "
        "no offer email any more (the agent calls instead).",
    )
    offer_consent_date = fields.Datetime(
        copy=False,
        string="Consent Date",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="When the consent was given or withdrawn; set to now when the "
        "consent changes without a date.",
    )
    offer_consent_source = fields.Char(
        copy=False,
        string="Consent Source",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="How the consent was given or withdrawn, e.g. signed form, phone "
        "call, unsubscribe link.",
    )
    offer_channel = fields.Selection(
        [("email", "Email"), ("phone", "Phone"), ("none", "None")],
        string="Offers by",
        default="email",
        required=True,
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="How the client prefers to hear of offers. Phone: no email, the "
        "agent gets a call to make instead. None: no offer at all.",
    )
    offer_unsubscribe_url = fields.Char(
        compute="_compute_offer_unsubscribe_url",
        groups=PORTFOLIO_GROUP,
        help="The signed link of the offer emails' footer: it withdraws the "
        "client's consent to offers.",
    )

    def _compute_offer_unsubscribe_url(self):
        for partner in self:
            # no link before the contact is saved (a NewId is falsy)
            partner.offer_unsubscribe_url = (
                urljoin(
                    partner.get_base_url(),
                    f"/customer_portfolio/unsubscribe/{partner.id}/"
                    f"{partner._get_offer_unsubscribe_token()}",
                )
                if partner.id
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("offer_consent", "unknown") != "unknown":
                vals.setdefault("offer_consent_date", now)
        return super().create(vals_list)

    def write(self, vals):
        if "offer_consent" not in vals or vals.get("offer_consent_date"):
            return super().write(vals)
        # the date of a consent that changes is now; an unchanged one keeps its
        # date (an import or a merge writing it back)
        changed = self.sudo().filtered(
            lambda partner: partner.offer_consent != vals["offer_consent"]
        )
        result = super().write(vals)
        if changed:
            super(ResPartner, self.browse(changed.ids)).write(
                {"offer_consent_date": fields.Datetime.now()}
            )
        return result

    @api.model
    def _is_offer_consent_required(self):
        return tools.str2bool(
            self.env["ir.config_parameter"].sudo().get_param(CONSENT_REQUIRED_PARAM)
            or False
        )

    def _get_offer_channels(self):
        """How each client is to hear of an offer: ``{partner_id: channel}``.

        ``none``: no offer at all; ``phone``: no email, the agent calls (the
        client prefers the phone, has no usable email, withdrew consent, or the
        recorded consent the settings require is missing); else ``email``.
        """
        required = self._is_offer_consent_required()
        channels = {}
        for partner in self.sudo():
            if partner.offer_channel == "none":
                channels[partner.id] = "none"
            elif (
                partner.offer_channel == "phone"
                or not partner.email
                or partner.is_blacklisted
                or partner.offer_consent == "withdrawn"
                or (required and partner.offer_consent != "granted")
            ):
                channels[partner.id] = "phone"
            else:
                channels[partner.id] = "email"
        return channels

    def _get_offer_unsubscribe_token(self):
        """The signature of this client's unsubscribe link."""
        self.ensure_one()
        return tools.hmac(self.env(su=True), UNSUBSCRIBE_SCOPE, self.id)

    def _check_offer_unsubscribe_token(self, token):
        self.ensure_one()
        return bool(token) and tools.consteq(
            self._get_offer_unsubscribe_token(), str(token)
        )

    def _withdraw_offer_consent(self, source):
        """Withdraw the consent to offers (tracked in the chatter)."""
        self.write(
            {
                "offer_consent": "withdrawn",
                "offer_consent_date": fields.Datetime.now(),
                "offer_consent_source": source,
            }
        )
