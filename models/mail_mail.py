from odoo import models


class MailMail(models.Model):
    """Offer emails carry the client's unsubscribe link in their headers too."""

    _inherit = "mail.mail"

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        """Add the RFC 8058 one-click unsubscribe headers to the offer emails,
        as mass mailing does: mail clients then show an *Unsubscribe* button
        that withdraws the client's consent to offers."""
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        if self.model != "customer.offer" or not self.res_id:
            return email_list
        offer = self.env["customer.offer"].sudo().browse(self.res_id).exists()
        url = offer.partner_id.offer_unsubscribe_url
        if url:
            for email_values in email_list:
                # the headers dict is shared between the recipients: copy it
                email_values["headers"] = {
                    **email_values["headers"],
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
        return email_list
