from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.customer_offer import OPEN_STATES


class CustomerPortfolioTransfer(models.TransientModel):
    """Hand a whole portfolio, or some clients, over to another agent."""

    _name = "customer.portfolio.transfer"
    _description = "Portfolio Transfer"

    mode = fields.Selection(
        [("portfolio", "Whole portfolio"), ("clients", "Selected clients")],
        required=True,
        default="portfolio",
    )
    portfolio_id = fields.Many2one("customer.portfolio", ondelete="cascade")
    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        domain="[('portfolio_id', '!=', False)]",
    )
    new_agent_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="The agent who takes the whole portfolio over.",
    )
    target_portfolio_id = fields.Many2one(
        "customer.portfolio",
        string="Move to Portfolio",
        ondelete="cascade",
        help="The portfolio (and so the agent) the selected clients move to.",
    )
    note = fields.Char(string="Reason", help="Written in each client's history.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if model == "customer.portfolio" and active_ids:
            values.update(mode="portfolio", portfolio_id=active_ids[0])
        elif model == "res.partner" and active_ids:
            values.update(mode="clients", partner_ids=[fields.Command.set(active_ids)])
        return values

    def action_transfer(self):
        """Move the clients, their open offers and open activities."""
        self.ensure_one()
        if self.mode == "portfolio":
            self._transfer_portfolio()
        else:
            self._transfer_clients()
        return {"type": "ir.actions.act_window_close"}

    def _transfer_portfolio(self):
        portfolio = self.portfolio_id
        if not portfolio or not self.new_agent_id:
            raise UserError(
                self.env._("Choose the portfolio and the agent who takes it over.")
            )
        if self.new_agent_id == portfolio.agent_id:
            raise UserError(
                self.env._(
                    "%(agent)s already owns the portfolio %(portfolio)s.",
                    agent=self.new_agent_id.name,
                    portfolio=portfolio.name,
                )
            )
        if portfolio.company_id not in self.new_agent_id.company_ids:
            raise UserError(
                self.env._(
                    "%(agent)s has no access to %(company)s, the company of "
                    "portfolio %(portfolio)s.",
                    agent=self.new_agent_id.name,
                    company=portfolio.company_id.name,
                    portfolio=portfolio.name,
                )
            )
        partners = portfolio.with_context(active_test=False).partner_ids
        previous_agent = portfolio.agent_id
        previous = {partner: (portfolio, previous_agent) for partner in partners}
        portfolio.agent_id = self.new_agent_id
        self.env["customer.portfolio.agent.history"].create(
            [self._history_values(False, portfolio, previous_agent)]
            + [self._history_values(p, *previous[p]) for p in partners]
        )
        self._move_offers_and_activities(partners, previous, portfolio)
        self._log_transfer(partners, previous)

    def _transfer_clients(self):
        target = self.target_portfolio_id
        partners = self.partner_ids.filtered("portfolio_id")
        if not partners or not target:
            raise UserError(
                self.env._("Choose the clients and the portfolio they move to.")
            )
        partners -= partners.filtered(lambda p: p.portfolio_id == target)
        if not partners:
            raise UserError(
                self.env._(
                    "The selected clients are already in portfolio %(portfolio)s.",
                    portfolio=target.name,
                )
            )
        other_company = partners.portfolio_id.filtered(
            lambda p: p.company_id != target.company_id
        )
        if other_company:
            raise UserError(
                self.env._(
                    "Clients of portfolio %(source)s (%(company)s) cannot move to "
                    "portfolio %(target)s of another company.",
                    source=other_company[0].name,
                    company=other_company[0].company_id.name,
                    target=target.name,
                )
            )
        previous = {p: (p.portfolio_id, p.portfolio_id.agent_id) for p in partners}
        partners.portfolio_id = target
        self.env["customer.portfolio.agent.history"].create(
            [self._history_values(p, *previous[p]) for p in partners]
        )
        self._move_offers_and_activities(partners, previous)
        self._log_transfer(partners, previous)

    def _history_values(self, partner, portfolio, agent):
        """A history line; call it once the client or portfolio has moved."""
        target = partner.portfolio_id if partner else portfolio
        return {
            "partner_id": partner.id if partner else False,
            "portfolio_id": target.id,
            "previous_portfolio_id": portfolio.id,
            "previous_agent_id": agent.id,
            "agent_id": target.agent_id.id,
            "note": self.note,
        }

    def _move_offers_and_activities(self, partners, previous, portfolio=None):
        """The open offers follow their clients; the open activities that the
        previous agents had on these clients and offers (and on the portfolio
        handed over) go to the new agent."""
        offers = self.env["customer.offer"].search(
            [("partner_id", "in", partners.ids), ("state", "in", OPEN_STATES)]
        )
        for new_portfolio, portfolio_offers in offers.grouped(
            lambda o: o.partner_id.portfolio_id
        ).items():
            portfolio_offers.write(
                {
                    "portfolio_id": new_portfolio.id,
                    "agent_id": new_portfolio.agent_id.id,
                }
            )
        previous_agents = {agent.id for __, agent in previous.values()}
        activities = self.env["mail.activity"].search(
            [
                ("user_id", "in", list(previous_agents)),
                "|",
                "|",
                "&",
                ("res_model", "=", "customer.portfolio"),
                ("res_id", "=", portfolio.id if portfolio else 0),
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                "&",
                ("res_model", "=", "customer.offer"),
                ("res_id", "in", offers.ids),
            ]
        )
        owner = {
            **{("res.partner", p.id): p.portfolio_id.agent_id for p in partners},
            **{("customer.offer", o.id): o.agent_id for o in offers},
        }
        if portfolio:
            owner["customer.portfolio", portfolio.id] = portfolio.agent_id
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        for agent, agent_activities in activities.grouped(
            lambda a: owner[a.res_model, a.res_id]
        ).items():
            Activity.browse(agent_activities.ids).write({"user_id": agent.id})

    def _log_transfer(self, partners, previous):
        """One note in the chatter of each portfolio the clients left or
        joined, logged in one batch.

        Not in the clients' chatter: any internal user reads a contact's
        chatter, while portfolios and agents are for portfolio users (the
        contact tracks its portfolio field, shown to them only).
        """
        lines = defaultdict(list)
        for partner in partners:
            portfolio, agent = previous[partner]
            lines[partner.portfolio_id].append(
                self.env._(
                    "%(client)s moved from portfolio %(old)s (agent %(old_agent)s) "
                    "to portfolio %(new)s (agent %(new_agent)s) by %(user)s.",
                    client=partner.display_name,
                    old=portfolio.name,
                    old_agent=agent.name,
                    new=partner.portfolio_id.name,
                    new_agent=partner.portfolio_id.agent_id.name,
                    user=self.env.user.name,
                )
            )
            # the book the client left is told they left, not where they went
            if portfolio != partner.portfolio_id:
                lines[portfolio].append(
                    self.env._(
                        "%(client)s left this portfolio by %(user)s's transfer.",
                        client=partner.display_name,
                        user=self.env.user.name,
                    )
                )
        reason = self.note and self.env._("Reason: %(note)s", note=self.note)
        bodies = {
            book.id: Markup("<p>%s</p>")
            % Markup("<br/>").join(book_lines + ([reason] if reason else []))
            for book, book_lines in lines.items()
        }
        self.env["customer.portfolio"].browse(bodies)._message_log_batch(bodies)
