import json

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import json_default

from ..tools.access import MANAGER_GROUP

# module fields that are not the client's data: the link to unsubscribe and
# mail's activity fields (the module restricts them, they belong to every app)
EXPORT_EXCLUDED = {
    "offer_unsubscribe_url",
    "activity_type_id",
    "activity_summary",
    "activity_type_icon",
}
# the contact's own fields exported besides the register's
CONTACT_FIELDS = [
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "website",
    "vat",
    "lang",
    "tz",
    "comment",
    "active",
    "create_date",
]
# what an erasure clears: set to False, the name excepted
ERASED_FIELDS = [
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "website",
    "comment",
    "vat",
    "function",
    "ref",
    "birthdate",
    "image_1920",
    "partner_latitude",
    "partner_longitude",
    "offer_consent_source",
    # the household entered by hand (what the life events implied goes with them)
    "marital_status_manual",
    "children_count_manual",
    "is_retired_manual",
]
CONSENT_FIELDS = [
    "offer_consent",
    "offer_consent_date",
    "offer_consent_source",
    "offer_channel",
    "portfolio_opt_out",
]


class ResPartner(models.Model):
    """Data-subject requests: a client's data exported, or erased."""

    _inherit = "res.partner"

    def _check_data_request_access(self, erase=False):
        """Managers may export and erase their companies' clients, a client's
        own agent may export them; anyone else gets an AccessError."""
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        if erase and not is_manager:
            raise AccessError(
                self.env._("Only portfolio managers may erase a client's data.")
            )
        self.check_access("write" if erase else "read")
        if is_manager:
            self._check_clients()
            return
        others = self.sudo().filtered(
            lambda p: p.portfolio_id.agent_id != self.env.user
        )
        if others:
            raise AccessError(
                self.env._(
                    "Only a portfolio manager or the client's own agent may "
                    "export the data of %(client)s.",
                    client=others[0].display_name,
                )
            )

    def _check_clients(self):
        """Data-subject requests are about clients, past or present: a contact
        that never was one (a supplier, a colleague) is not the module's."""
        others = self.sudo().filtered(lambda partner: not partner.portfolio_id)
        for _model, partners in others._client_history():
            others -= partners
        if others:
            raise UserError(
                self.env._(
                    "%(contact)s is not a client and has no client history: the "
                    "portfolio register holds nothing on them.",
                    contact=others[0].display_name,
                )
            )

    # ------------------------------------------------------------
    # Export (right of access and portability)
    # ------------------------------------------------------------

    def action_export_register(self):
        """Download everything the module holds on the client as one JSON file.

        Portfolio managers and the client's own agent only (AccessError else);
        the download route checks again.
        """
        self.ensure_one()
        self._check_data_request_access()
        return {
            "type": "ir.actions.act_url",
            "url": f"/customer_portfolio/export/{self.id}",
            "target": "download",
        }

    def _get_register_export_file(self):
        """The JSON file of ``action_export_register`` and its name."""
        self.ensure_one()
        self._check_data_request_access()
        content = json.dumps(
            self.sudo()._get_register_export(),
            default=json_default,
            ensure_ascii=False,
            indent=2,
        )
        return content, f"client_{self.id}_data.json"

    def _get_register_export(self):
        """Everything the module holds on the client, as plain data (run as
        superuser once access is checked)."""
        self.ensure_one()
        register_fields = [
            fname
            for fname, field in self._fields.items()
            if fname in CONTACT_FIELDS
            or (
                field._module == "customer_portfolio"
                and field.type not in ("one2many", "many2many", "binary")
                and fname not in EXPORT_EXCLUDED
            )
        ]
        data = {
            "client_id": self.id,
            "exported_on": fields.Datetime.now(),
            "register": self._register_rows(self, register_fields)[0],
            "income_records": self._register_rows(
                self.income_record_ids, ["date", "amount", "currency_id", "note"]
            ),
            "life_events": self._register_rows(
                self.life_event_ids, ["date", "event_type", "note"]
            ),
            "offers": self._register_rows(
                self.offer_ids,
                [
                    "name",
                    "offer_category",
                    "state",
                    "date_start",
                    "date_end",
                    "interest_rate",
                    "coupon_code",
                    "note",
                    "agent_id",
                    "create_date",
                ],
            ),
            "consent_history": self._get_consent_history(),
            "agent_history": self._register_rows(
                self.env["customer.portfolio.agent.history"].search(
                    [("partner_id", "=", self.id)]
                ),
                [
                    "date",
                    "previous_portfolio_id",
                    "previous_agent_id",
                    "portfolio_id",
                    "agent_id",
                    "note",
                ],
            ),
        }
        if "customer.holding" in self.env:
            Holding = self.env["customer.holding"].with_context(active_test=False)
            data["holdings"] = self._register_rows(
                Holding.search([("partner_id", "=", self.id)]),
                [
                    "name",
                    "product_line_id",
                    "state",
                    "date_start",
                    "date_end",
                    "amount",
                    "currency_id",
                    "note",
                ],
            )
        return data

    def _register_rows(self, records, fnames):
        """``records`` read as JSON-ready dicts: relations by name, selections
        by their value."""
        fnames = [fname for fname in fnames if fname in records._fields]
        rows = records.read(fnames, load=None)
        for row, record in zip(rows, records, strict=True):
            for fname in fnames:
                if records._fields[fname].type == "many2one":
                    row[fname] = record[fname].display_name or None
        return rows

    def _get_consent_history(self):
        """The tracked changes of the client's consent and preferred channel."""
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", self.id),
                ("field_id.name", "in", CONSENT_FIELDS),
                ("field_id.model", "=", "res.partner"),
            ],
            order="id",
        )
        return [
            {
                "date": value.mail_message_id.date,
                "field": value.field_id.name,
                "old_value": value._format_display_value(
                    value.field_id.ttype, new=False
                )[0],
                "new_value": value._format_display_value(
                    value.field_id.ttype, new=True
                )[0],
                "by": value.mail_message_id.author_id.display_name or None,
            }
            for value in tracked
        ]

    # ------------------------------------------------------------
    # Erasure (right to be forgotten)
    # ------------------------------------------------------------

    def action_erase_personal_data(self):
        """Anonymize the clients for good; portfolio managers only.

        Name, contact details, address, birthdate, picture, notes, income
        records, life events, chatter and followers go and the client is
        archived; offers and holdings stay, without coupon codes, notes or
        names, for the statistics. Each erasure is logged without personal
        data.
        """
        self._check_data_request_access(erase=True)
        self.sudo()._erase_personal_data()
        self.env["customer.erasure.log"].sudo().create(
            [
                {
                    "partner_ref": partner.id,
                    "company_id": (
                        partner.sudo().portfolio_id.company_id or self.env.company
                    ).id,
                }
                for partner in self
            ]
        )
        return True

    def _erase_personal_data(self):
        partners = self.with_context(tracking_disable=True, active_test=False)
        partners.write(
            {fname: False for fname in ERASED_FIELDS if fname in self._fields}
            | {"active": False}
        )
        for partner in partners:
            partner.name = self.env._("Erased client #%(id)s", id=partner.id)
        partners.income_record_ids.unlink()
        partners.life_event_ids.unlink()
        offers = partners.offer_ids
        offers.write(
            {
                fname: False
                for fname in ("coupon_code", "note")
                if fname in offers._fields
            }
        )
        holdings = self.env["customer.holding"].search([("partner_id", "in", self.ids)])
        holdings.with_context(tracking_disable=True).name = False
        self.env["mail.message"].search(
            [("model", "=", "customer.holding"), ("res_id", "in", holdings.ids)]
        ).unlink()
        self.env["customer.portfolio.agent.history"].search(
            [("partner_id", "in", self.ids)]
        ).note = False
        # the chatter of the client and of their offers (the emails sent, and
        # with the messages their queued mails and tracking values)
        self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                "&",
                ("model", "=", "customer.offer"),
                ("res_id", "in", offers.ids),
            ]
        ).unlink()
        partners.message_follower_ids.unlink()
        # activities (a renewal's names the contract) and the files posted on
        # the client, their offers and holdings
        (partners.activity_ids | offers.activity_ids | holdings.activity_ids).unlink()
        self.env["ir.attachment"].search(
            [
                "|",
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                "&",
                ("res_model", "=", "customer.offer"),
                ("res_id", "in", offers.ids),
                "&",
                ("res_model", "=", "customer.holding"),
                ("res_id", "in", holdings.ids),
            ]
        ).unlink()
