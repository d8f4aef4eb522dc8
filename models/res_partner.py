from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.access import (
    check_manager_fields,
    check_onchange_targets,
    check_target_access,
    check_targets_access,
)

PORTFOLIO_GROUP = "customer_portfolio.group_portfolio_agent"
# the client's history: a contact that has any is archived, not deleted
HISTORY_FIELDS = (
    ("customer.offer", "partner_id"),
    ("customer.income.record", "partner_id"),
    ("customer.life.event", "partner_id"),
    ("customer.portfolio.agent.history", "partner_id"),
    ("customer.holding", "partner_id"),
)
CLIENT_TIERS = [("standard", "Standard"), ("premium", "Premium"), ("vip", "VIP")]


class ResPartner(models.Model):
    """A contact becomes a client by joining a portfolio.

    The register lives beside this file, one concern each: dates
    (``res_partner_dates``), household and life-cycle stage
    (``res_partner_household``), income (``res_partner_income``), location risk
    (``res_partner_location_risk``), segment (``res_partner_segment``), offers
    (``res_partner_offer``), consent (``res_partner_consent``), data-subject
    requests (``res_partner_data_request``) and holdings
    (``res_partner_holding``).
    """

    _inherit = "res.partner"

    portfolio_id = fields.Many2one(
        "customer.portfolio",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        groups=PORTFOLIO_GROUP,
    )
    portfolio_agent_id = fields.Many2one(
        related="portfolio_id.agent_id",
        string="Agent",
        store=True,
        index="btree_not_null",
        groups=PORTFOLIO_GROUP,
    )
    client_tier = fields.Selection(
        CLIENT_TIERS,
        default="standard",
        tracking=True,
        groups=PORTFOLIO_GROUP,
    )
    portfolio_opt_out = fields.Boolean(
        string="No Loyalty Offers",
        tracking=True,
        groups=PORTFOLIO_GROUP,
        help="The client receives no loyalty offer at all.",
    )
    # the register's activities are private (see mail.activity): searching
    # contacts by their activities, and the next activity shown, go through
    # the activities' access instead of around it
    activity_ids = fields.One2many(bypass_search_access=False)
    activity_type_id = fields.Many2one(related_sudo=False)
    activity_summary = fields.Char(related_sudo=False)
    activity_type_icon = fields.Char(related_sudo=False)
    agent_history_ids = fields.One2many(
        "customer.portfolio.agent.history",
        "partner_id",
        string="Previous Agents",
        groups=PORTFOLIO_GROUP,
    )

    def onchange(self, values, field_names, fields_spec):
        check_onchange_targets(self, values, ["portfolio_id"])
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        check_targets_access(self, vals_list, "portfolio_id")
        for vals in vals_list:
            check_manager_fields(self, vals, {"portfolio_agent_id"})
        return super().create(vals_list)

    def write(self, vals):
        self._check_portfolio_values(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_client_history(self):
        """Refuse to delete a contact that has a client's history (offers and
        their coupons, income records, life events, transfers, holdings): deleting it
        would cascade them away. Erasing personal data is a deliberate,
        separate action."""
        for model, partners in self._client_history():
            raise UserError(
                self.env._(
                    "%(client)s cannot be deleted: the client has %(history)s, "
                    "which must be kept. Archive the contact instead.",
                    client=partners[0].display_name,
                    history=self.env["ir.model"]._get(model).name,
                )
            )

    def _client_history(self):
        """Yield ``(model, partners)``: for each kind of a client's history, the
        partners of ``self`` that have some (one grouped query a kind, read as
        superuser: the history counts whoever may read it)."""
        for model, fname in HISTORY_FIELDS:
            Model = self.env[model].sudo().with_context(active_test=False)
            groups = Model._read_group([(fname, "in", self.ids)], [fname])
            if groups:
                yield model, self.browse(partner.id for (partner,) in groups)

    def _check_portfolio_values(self, vals):
        """A contact joins only a portfolio the user may change (their own,
        or any for a manager); its agent follows the portfolio."""
        check_target_access(self, vals, "portfolio_id")
        check_manager_fields(self, vals, {"portfolio_agent_id"})

    def _schedule_portfolio_activity(self, activity_type_xmlid):
        """Schedule an activity of this type for the agent of each partner's
        portfolio, unless one is still open on that partner."""
        activity_type = self.env.ref(activity_type_xmlid)
        open_on = {
            res_id
            for (res_id,) in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        todo = self.filtered(lambda p: p.portfolio_agent_id and p.id not in open_on)
        for agent, partners in todo.grouped("portfolio_agent_id").items():
            partners.activity_schedule(
                activity_type_xmlid,
                date_deadline=activity_type._get_date_deadline(),
                user_id=agent.id,
            )
