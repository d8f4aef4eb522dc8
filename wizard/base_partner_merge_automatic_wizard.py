from markupsafe import Markup

from odoo import models
from odoo.tools import SQL

# which of two offers for the same occasion a merge keeps: the furthest along
STATE_RANK = {
    "accepted": 0,
    "sent": 1,
    "draft": 2,
    "declined": 3,
    "expired": 4,
    "cancelled": 5,
}


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merging contacts keeps the register of every merged client.

    The generic merge moves the foreign keys in SQL and does not know this
    module's unique indexes: one income trend row per client, one offer per
    client, template and occasion. The merged clients' trend rows are dropped
    before and the surviving client's recomputed after; of two offers for the
    same occasion one is kept and the other cancelled, with a chatter line.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        partners = src_partners | dst_partner
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "DELETE FROM customer_income_trend WHERE partner_id = ANY(%s)",
                partners.ids,
            )
        )
        self._set_aside_duplicate_offers(src_partners, dst_partner)
        # derived from the client: recomputed below, not carried over
        src_partners.sudo().write({"segment_id": False, "is_target_client": False})
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env.invalidate_all()
        dst_partner = dst_partner.sudo()
        dst_partner.modified(["income_record_ids", "life_event_ids", "offer_ids"])
        self.env["customer.income.trend"]._recompute(dst_partner)
        self.env["customer.segment"]._recompute_segments(
            dst_partner.filtered("portfolio_id")
        )
        return result

    def _set_aside_duplicate_offers(self, src_partners, dst_partner):
        """Of the offers of the merged clients for the same template and
        occasion, keep the one furthest along (the surviving client's first)
        and cancel the others, moved to an occasion key of their own."""
        Offer = self.env["customer.offer"].sudo()
        offers = Offer.search([("partner_id", "in", (src_partners | dst_partner).ids)])
        for duplicates in offers.grouped(
            lambda o: (o.template_id, o.occasion_key)
        ).values():
            if len(duplicates) < 2:
                continue
            kept = duplicates.sorted(
                lambda o: (
                    STATE_RANK[o.state],
                    o.partner_id != dst_partner,
                    o.id,
                )
            )[0]
            for offer in duplicates - kept:
                values = {"occasion_key": f"{offer.occasion_key}-merged-{offer.id}"}
                if offer.state in ("draft", "sent"):
                    values["state"] = "cancelled"
                offer.write(values)
                offer.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Contacts merged into %(client)s, who has offer "
                        "%(offer)s for the same occasion: this one is set aside.",
                        client=dst_partner.display_name,
                        offer=kept.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
