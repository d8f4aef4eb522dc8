from odoo import http
from odoo.http import request


class CustomerPortfolioController(http.Controller):
    @http.route(
        "/customer_portfolio/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def offer_unsubscribe(self, partner_id, token, **kwargs):
        """The offer emails' unsubscribe link: GET asks to confirm (mail
        scanners follow links), POST withdraws the consent to offers.

        The signed link is the credential, as for the one-click unsubscribe of
        mass mailing: no CSRF token, so that RFC 8058 one-click POSTs work too.
        """
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if not partner or not partner._check_offer_unsubscribe_token(token):
            return request.render(
                "customer_portfolio.offer_unsubscribe_invalid", status=404
            )
        values = {"partner": partner, "action": request.httprequest.path}
        if request.httprequest.method == "POST":
            partner.with_context(lang=partner.lang)._withdraw_offer_consent(
                partner.with_context(lang=partner.lang).env._("unsubscribe link")
            )
            return request.render("customer_portfolio.offer_unsubscribe_done", values)
        return request.render("customer_portfolio.offer_unsubscribe_confirm", values)

    @http.route(
        "/customer_portfolio/export/<int:partner_id>",
        type="http",
        auth="user",
        methods=["GET"],
        sitemap=False,
    )
    def export_register(self, partner_id, **kwargs):
        """Download everything the module holds on a client, as JSON: only for
        those ``action_export_register`` lets through (checked again here)."""
        partner = request.env["res.partner"].browse(partner_id)
        content, filename = partner._get_register_export_file()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Disposition", http.content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )
