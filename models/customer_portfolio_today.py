from datetime import date as dt_date
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import format_date

from ..tools.access import AGENT_GROUP, MANAGER_GROUP
from ..tools.yearly_dates import month_day_domain, next_occurrence
from .customer_offer import OPEN_STATES

OCCASION_DAYS = 7
OFFER_EXPIRY_DAYS = 3
NEWS_DAYS = 30
NEW_RISK_DAYS = 7
# lines shown per section; the count says how many there are in all
LINE_LIMIT = 50
SECTION_PREFIX = "_today_section_"


class CustomerPortfolioToday(models.AbstractModel):
    """What an agent has to do today, read by the *Today* page.

    Each section is built by its own ``_today_section_<name>(agents, date)``
    method: a module adds a section by adding such a method.
    """

    _name = "customer.portfolio.today"
    _description = "Agent's Day"

    @api.model
    def get_dashboard(self, agent_id=None, team=False):
        """The sections of an agent's day, on the agent's local date.

        Agents get their own day. Managers may pass ``agent_id`` (a user) or
        ``team=True`` (every agent of the portfolios they see). Records are
        read as the current user: record rules apply.
        """
        user = self.env.user
        if not user.has_group(AGENT_GROUP):
            raise AccessError(self.env._("Only portfolio users have a Today page."))
        is_manager = user.has_group(MANAGER_GROUP)
        if (team or (agent_id and agent_id != user.id)) and not is_manager:
            raise AccessError(
                self.env._("Only portfolio managers see the day of other agents.")
            )
        team_agents = self._today_agents() if is_manager else user
        if is_manager and not agent_id and user not in team_agents:
            team = True  # a manager without a book of their own sees the team
        if team:
            agents = team_agents
        elif agent_id:
            agents = self.env["res.users"].browse(agent_id).exists()
        else:
            agents = user
        tz = (agents[:1] if len(agents) == 1 else user).tz or "UTC"
        date = fields.Date.context_today(self.with_context(tz=tz))
        sections = [
            getattr(self, name)(agents, date)
            for name in dir(self)
            if name.startswith(SECTION_PREFIX)
        ]
        sections.sort(key=lambda section: (section["sequence"], section["name"]))
        return {
            "date": fields.Date.to_string(date),
            "agent_id": False if team else (agents[:1].id or False),
            "team": bool(team),
            "is_manager": is_manager,
            "agents": [{"id": a.id, "name": a.name} for a in team_agents],
            "sections": sections,
        }

    @api.model
    def _today_agents(self):
        """The agents of the portfolios the current user sees, by name."""
        groups = self.env["customer.portfolio"]._read_group([], ["agent_id"])
        return (
            self.env["res.users"].union(*(agent for (agent,) in groups)).sorted("name")
        )

    # ------------------------------------------------------------------
    # Sections
    # ------------------------------------------------------------------

    @api.model
    def _today_section(self, name, title, icon, sequence, lines, count):
        """One section of the page: its lines (at most LINE_LIMIT) and count."""
        return {
            "name": name,
            "title": title,
            "icon": icon,
            "sequence": sequence,
            "count": count,
            "lines": lines,
        }

    @api.model
    def _today_client_line(self, partner, detail="", **extra):
        """A line about a client: how to reach and open them."""
        return {
            "key": f"res.partner-{partner.id}-{extra.get('activity_id', '')}",
            "partner_id": partner.id,
            "name": partner.display_name,
            "detail": detail,
            "phone": partner.phone or "",
            "email": partner.email or "",
            "res_model": "res.partner",
            "res_id": partner.id,
            "activity_id": False,
            **extra,
        }

    @api.model
    def _today_clients(self, agents):
        return Domain("portfolio_agent_id", "in", agents.ids)

    @api.model
    def _today_yearly(self, agents, domain, fnames, date, date_field):
        """Clients whose yearly date (month, day fields) falls in the week from
        ``date``, in calendar order, with their count; one search per year the
        week spans."""
        Partner = self.env["res.partner"]
        week_end = date + timedelta(days=OCCASION_DAYS)
        spans = [(date, min(week_end, dt_date(date.year, 12, 31)))]
        if week_end.year > date.year:
            spans.append((dt_date(week_end.year, 1, 1), week_end))
        partners = Partner
        count = 0
        month, day = fnames
        for start, end in spans:
            span_domain = (
                self._today_clients(agents)
                & domain
                & month_day_domain(month, day, start, end)
            )
            count += Partner.search_count(span_domain)
            if len(partners) < LINE_LIMIT:
                partners |= Partner.search(
                    span_domain,
                    order=f"{month}, {day}, id",
                    limit=LINE_LIMIT - len(partners),
                )
        lines = [
            (partner, next_occurrence(partner[date_field], date))
            for partner in partners
        ]
        return lines, count

    @api.model
    def _today_section_birthdays(self, agents, date):
        partners, count = self._today_yearly(
            agents, Domain.TRUE, ("birthday_month", "birthday_day"), date, "birthdate"
        )
        lines = [
            self._today_client_line(
                partner,
                self.env._(
                    "turns %(age)s %(when)s",
                    age=day.year - partner.birthdate.year,
                    when=self._today_when(day, date),
                ),
            )
            for partner, day in partners
        ]
        return self._today_section(
            "birthdays",
            self.env._("Birthdays this week"),
            "fa-birthday-cake",
            10,
            lines,
            count,
        )

    @api.model
    def _today_section_anniversaries(self, agents, date):
        partners, count = self._today_yearly(
            agents,
            Domain("client_since", "<", date),
            ("client_since_month", "client_since_day"),
            date,
            "client_since",
        )
        lines = [
            self._today_client_line(
                partner,
                self.env._(
                    "%(years)s years as a client %(when)s",
                    years=day.year - partner.client_since.year,
                    when=self._today_when(day, date),
                ),
            )
            for partner, day in partners
        ]
        return self._today_section(
            "anniversaries",
            self.env._("Client anniversaries this week"),
            "fa-handshake-o",
            20,
            lines,
            count,
        )

    @api.model
    def _today_section_calls(self, agents, date):
        Activity = self.env["mail.activity"]
        domain = Domain(
            [
                ("user_id", "in", agents.ids),
                ("res_model", "in", ("res.partner", "customer.offer")),
                ("date_deadline", "<=", date),
            ]
        )
        activities = Activity.search(
            domain, order="date_deadline, id", limit=LINE_LIMIT
        )
        # the clients of all lines at once (offers' clients through the offer)
        by_model = activities.grouped("res_model")
        offers = self.env["customer.offer"].browse(
            by_model.get("customer.offer", Activity).mapped("res_id")
        )
        clients = {offer.id: offer.partner_id for offer in offers.exists()}
        partners = self.env["res.partner"].browse(
            by_model.get("res.partner", Activity).mapped("res_id")
        )
        by_id = {partner.id: partner for partner in partners.exists()}
        lines = []
        for activity in activities:
            if activity.res_model == "res.partner":
                partner = by_id.get(activity.res_id, partners.browse())
            else:
                partner = clients.get(activity.res_id, partners.browse())
            late = (date - activity.date_deadline).days
            lines.append(
                {
                    **self._today_client_line(
                        partner,
                        activity.summary or activity.activity_type_id.name or "",
                        activity_id=activity.id,
                        res_model=activity.res_model,
                        res_id=activity.res_id,
                    ),
                    "name": partner.display_name or activity.res_name,
                    "late": late,
                    "badge": self._today_late(late),
                }
            )
        return self._today_section(
            "calls",
            self.env._("Calls due"),
            "fa-phone",
            30,
            lines,
            Activity.search_count(domain),
        )

    @api.model
    def _today_section_offers(self, agents, date):
        Offer = self.env["customer.offer"]
        domain = Domain(
            [
                ("agent_id", "in", agents.ids),
                ("state", "in", OPEN_STATES),
                ("date_end", ">=", date),
                ("date_end", "<=", date + timedelta(days=OFFER_EXPIRY_DAYS)),
            ]
        )
        offers = Offer.search(domain, order="date_end, id", limit=LINE_LIMIT)
        lines = [
            self._today_client_line(
                offer.partner_id,
                self.env._(
                    "%(offer)s ends %(when)s",
                    offer=offer.name,
                    when=self._today_when(offer.date_end, date),
                ),
                key=f"customer.offer-{offer.id}",
                res_model="customer.offer",
                res_id=offer.id,
                offer_id=offer.id,
            )
            for offer in offers
        ]
        return self._today_section(
            "offers",
            self.env._("Offers expiring within %(days)s days", days=OFFER_EXPIRY_DAYS),
            "fa-hourglass-half",
            40,
            lines,
            Offer.search_count(domain),
        )

    @api.model
    def _today_section_renewals(self, agents, date):
        """Holdings in their line's renewal notice period, soonest first."""
        Holding = self.env["customer.holding"]
        domain = Domain([("agent_id", "in", agents.ids), ("is_renewal_due", "=", True)])
        holdings = Holding.search(domain, order="date_end, id", limit=LINE_LIMIT)
        lines = [
            self._today_client_line(
                holding.partner_id,
                self.env._(
                    "%(holding)s renews %(when)s",
                    holding=holding.display_name,
                    when=self._today_when(holding.date_end, date),
                ),
                key=f"customer.holding-{holding.id}",
                res_model="customer.holding",
                res_id=holding.id,
            )
            for holding in holdings
        ]
        return self._today_section(
            "renewals",
            self.env._("Renewals due"),
            "fa-refresh",
            45,
            lines,
            Holding.search_count(domain),
        )

    @api.model
    def _today_section_income_falling(self, agents, date):
        Partner = self.env["res.partner"]
        domain = (
            self._today_clients(agents)
            & Domain("income_trend", "=", "decreasing")
            & Domain("income_record_ids.date", ">=", date - timedelta(days=NEWS_DAYS))
        )
        partners = Partner.search(domain, limit=LINE_LIMIT)
        lines = [
            self._today_client_line(
                partner,
                self.env._("income %(pct)s %%", pct=f"{partner.income_trend_pct:+.1f}"),
            )
            for partner in partners
        ]
        return self._today_section(
            "income_falling",
            self.env._("Income falling"),
            "fa-arrow-down",
            50,
            lines,
            Partner.search_count(domain),
        )

    @api.model
    def _today_section_new_risks(self, agents, date):
        Partner = self.env["res.partner"]
        since = date - timedelta(days=NEW_RISK_DAYS)
        domain = self._today_clients(agents) & Domain(
            "location_risk_ids",
            "any",
            Domain("date_start", ">=", since) | Domain("create_date", ">=", since),
        )
        partners = Partner.search(domain, limit=LINE_LIMIT)
        lines = [
            self._today_client_line(
                partner, ", ".join(partner.location_risk_ids.mapped("name"))
            )
            for partner in partners
        ]
        return self._today_section(
            "new_risks",
            self.env._("In a new risk area"),
            "fa-exclamation-triangle",
            60,
            lines,
            Partner.search_count(domain),
        )

    @api.model
    def _today_late(self, days):
        """How late a call is, in words."""
        if not days:
            return self.env._("today")
        if days == 1:
            return self.env._("since yesterday")
        return self.env._("%(days)s days late", days=days)

    @api.model
    def _today_when(self, day, today):
        """When a day comes, in words: today, tomorrow or on its date."""
        if day == today:
            return self.env._("today")
        if day == today + timedelta(days=1):
            return self.env._("tomorrow")
        return self.env._("on %(date)s", date=format_date(self.env, day))
