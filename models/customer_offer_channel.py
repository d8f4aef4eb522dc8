from datetime import timedelta

from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError


class CustomerOffer(models.Model):
    """Offers follow their client's consent and preferred channel."""

    _inherit = "customer.offer"

    def _filter_email_channel(self, schedule_calls=False):
        """The offers whose client is to be emailed.

        With ``schedule_calls``, the agent of each offer on the phone channel
        gets a call activity for it instead (the template's activity type, else
        a call), due on the offer's first day: on their *Today* and digest.
        """
        channels = self.partner_id._get_offer_channels()
        by_channel = self.grouped(lambda o: channels.get(o.partner_id.id, "email"))
        by_phone = by_channel.get("phone", self.browse()).filtered("agent_id")
        if schedule_calls and by_phone:
            call_type = self.env.ref("mail.mail_activity_data_call")
            model_id = self.env["ir.model"]._get_id(self._name)
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": offer.id,
                        "activity_type_id": (
                            offer.template_id.activity_type_id or call_type
                        ).id,
                        "summary": offer.with_context(lang=offer.agent_id.lang).env._(
                            "Call about the offer: %(offer)s", offer=offer.name
                        ),
                        "user_id": offer.agent_id.id,
                        "date_deadline": offer.date_start,
                    }
                    for offer in by_phone
                ]
            )
        return by_channel.get("email", self.browse())

    def _check_email_channel(self):
        """Refuse to email an offer to a client who is not to be emailed."""
        not_emailed = self - self._filter_email_channel()
        if not_emailed:
            raise UserError(
                self.env._(
                    "%(client)s is not to be emailed offers (preferred channel, "
                    "consent or email address): call them about %(offer)s instead.",
                    client=not_emailed[0].partner_id.display_name,
                    offer=not_emailed[0].name,
                )
            )

    def _get_digest_calls_note(self, agent, start):
        """The digest's line on the calls to make, instead of an email, about
        the offers of the day starting at ``start`` (naive UTC)."""
        calls = self.search_count(
            [
                ("agent_id", "=", agent.id),
                ("create_date", ">=", start),
                ("create_date", "<", start + timedelta(days=1)),
                ("template_id.activity_type_id", "=", False),
                ("activity_ids.user_id", "=", agent.id),
            ]
        )
        if not calls:
            return Markup("")
        return Markup("<p>%s</p>") % self.env._(
            "%(count)s of them go by phone: call these clients (see Today, Calls Due).",
            count=calls,
        )
