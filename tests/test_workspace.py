from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.customer_portfolio.models.customer_portfolio_today import LINE_LIMIT

from .common import PortfolioCommon

TODAY = date(2027, 12, 29)


class WorkspaceCommon(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_a.tz = "UTC"
        cls.template = cls.env["customer.offer.template"].create(
            {
                "name": "Winter credit",
                "trigger": "manual",
                "offer_category": "credit",
                "validity_days": 30,
            }
        )

    @classmethod
    def _offer(cls, partner, date_start, date_end, state="draft"):
        return cls.env["customer.offer"].create(
            {
                "partner_id": partner.id,
                "template_id": cls.template.id,
                "date_start": date_start,
                "date_end": date_end,
                "state": state,
            }
        )

    def _activity(self, partner, deadline, user):
        return partner.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=deadline, user_id=user.id
        )


@tagged("post_install", "-at_install")
class TestToday(WorkspaceCommon):
    @freeze_time("2027-12-29 10:00:00")
    def test_today_lists(self):
        """Occasions of the week across the year end, calls due, offers about to
        expire, income drops and new risk areas: each list has exactly the
        agent's clients that matter today."""
        client = self.client_a
        birthday_today = self._create_client(
            "Born 29 Dec", self.portfolio_a, birthdate="1980-12-29"
        )
        birthday_new_year = self._create_client(
            "Born 3 Jan", self.portfolio_a, birthdate="1990-01-03"
        )
        self._create_client("Born 6 Jan", self.portfolio_a, birthdate="1990-01-06")
        self._create_client("Born 28 Dec", self.portfolio_a, birthdate="1990-12-28")
        self._create_client("Other agent", self.portfolio_b, birthdate="1980-12-30")
        anniversary = self._create_client(
            "Client since 31 Dec", self.portfolio_a, client_since="2020-12-31"
        )
        self._create_client("New today", self.portfolio_a, client_since="2027-12-29")
        overdue = self._activity(client, TODAY - timedelta(days=2), self.agent_a)
        due_today = self._activity(anniversary, TODAY, self.agent_a)
        self._activity(client, TODAY + timedelta(days=1), self.agent_a)
        self._activity(self.client_b, TODAY, self.agent_b)
        expiring = self._offer(client, "2027-12-01", "2027-12-31")
        self._offer(client, "2027-12-01", "2028-01-02")  # 4 days: not yet
        self._offer(client, "2027-12-01", "2027-12-30", state="accepted")
        self._offer(self.client_b, "2027-12-01", "2027-12-30")
        Income = self.env["customer.income.record"]
        falling = self._create_client("Falling", self.portfolio_a)
        fell_long_ago = self._create_client("Fell in October", self.portfolio_a)
        Income.create(
            [
                {"partner_id": falling.id, "date": "2027-06-01", "amount": 3000},
                {"partner_id": falling.id, "date": "2027-12-20", "amount": 2000},
                {"partner_id": fell_long_ago.id, "date": "2027-01-01", "amount": 3000},
                {"partner_id": fell_long_ago.id, "date": "2027-10-01", "amount": 2000},
            ]
        )
        lyon = self._create_client("In Lyon", self.portfolio_a, city="Lyon")
        self._create_client("In Paris", self.portfolio_a, city="Paris")
        Area = self.env["customer.location.risk"]
        Area.create({"name": "Flood", "city": "Lyon", "date_start": "2027-12-27"})
        old_area = Area.create(
            {"name": "Old storm", "city": "Paris", "date_start": "2027-11-01"}
        )
        old_area.flush_recordset()
        self.env.cr.execute(
            "UPDATE customer_location_risk SET create_date = '2027-11-01' "
            "WHERE id = %s",
            [old_area.id],
        )
        old_area.invalidate_recordset()

        day = self._dashboard(self.agent_a)
        self.assertEqual(day["date"], "2027-12-29")
        self.assertEqual(
            self._section_records(day, "birthdays"), [birthday_today, birthday_new_year]
        )
        self.assertEqual(self._section_records(day, "anniversaries"), [anniversary])
        calls = self._section(day, "calls")
        self.assertEqual(
            [line["activity_id"] for line in calls["lines"]],
            [overdue.id, due_today.id],
        )
        self.assertEqual(calls["count"], 2)
        self.assertEqual(
            [line["res_id"] for line in self._section(day, "offers")["lines"]],
            [expiring.id],
        )
        self.assertEqual(self._section_records(day, "income_falling"), [falling])
        self.assertEqual(self._section_records(day, "new_risks"), [lyon])

    def _dashboard(self, user, **kwargs):
        return (
            self.env["customer.portfolio.today"].with_user(user).get_dashboard(**kwargs)
        )

    def _section(self, day, name):
        return next(s for s in day["sections"] if s["name"] == name)

    def _section_records(self, day, name):
        section = self._section(day, name)
        self.assertEqual(section["count"], len(section["lines"]))
        return [
            self.env["res.partner"].browse(line["partner_id"])
            for line in section["lines"]
        ]

    @freeze_time("2027-12-29 12:00:00")
    def test_today_is_the_agents_local_date(self):
        """At noon UTC it is already 30 December in Auckland."""
        self.agent_a.tz = "Pacific/Auckland"
        early = self._create_client(
            "Born 30 Dec", self.portfolio_a, birthdate="1980-12-30"
        )
        self._create_client("Born 29 Dec", self.portfolio_a, birthdate="1980-12-29")
        day = self._dashboard(self.agent_a)
        self.assertEqual(day["date"], "2027-12-30")
        self.assertEqual(self._section_records(day, "birthdays"), [early])

    @freeze_time("2027-12-29 10:00:00")
    def test_line_reaches_the_client(self):
        """Each line carries what the page needs to call, mail and open the
        client, and a call due carries its activity to mark done."""
        self.client_a.write({"phone": "+33 1 23 45 67 89", "email": "a@example.com"})
        self.client_a.birthdate = "1980-12-31"
        activity = self._activity(self.client_a, TODAY, self.agent_a)
        day = self._dashboard(self.agent_a)
        birthday = self._section(day, "birthdays")["lines"][0]
        self.assertEqual(
            (birthday["phone"], birthday["email"], birthday["res_id"]),
            ("+33 1 23 45 67 89", "a@example.com", self.client_a.id),
        )
        self.assertIn("47", birthday["detail"])
        call = self._section(day, "calls")["lines"][0]
        self.assertEqual(call["activity_id"], activity.id)
        activity.with_user(self.agent_a).action_feedback()
        self.assertFalse(self._section(self._dashboard(self.agent_a), "calls")["lines"])

    @freeze_time("2027-12-29 10:00:00")
    def test_manager_picks_an_agent_or_the_team(self):
        self.client_a.birthdate = "1980-12-30"
        self.client_b.birthdate = "1981-12-31"
        day = self._dashboard(self.manager, agent_id=self.agent_b.id)
        self.assertEqual(self._section_records(day, "birthdays"), [self.client_b])
        self.assertIn({"id": self.agent_a.id, "name": self.agent_a.name}, day["agents"])
        team = self._dashboard(self.manager, team=True)
        self.assertTrue(team["team"])
        # a manager without a book of their own opens on the team's day
        self.assertTrue(self._dashboard(self.manager)["team"])
        ours = self.client_a | self.client_b  # the demo data may add others
        self.assertEqual(
            [p for p in self._section_records(team, "birthdays") if p in ours],
            [self.client_a, self.client_b],
        )

    def test_agents_see_their_own_day_only(self):
        with self.assertRaises(AccessError):
            self._dashboard(self.agent_a, agent_id=self.agent_b.id)
        with self.assertRaises(AccessError):
            self._dashboard(self.agent_a, team=True)
        day = self._dashboard(self.agent_a)
        self.assertFalse(day["is_manager"])
        self.assertEqual(day["agent_id"], self.agent_a.id)
        plain = new_test_user(self.env, login="plain_today", groups="base.group_user")
        with self.assertRaises(AccessError):
            self._dashboard(plain)

    @freeze_time("2027-12-29 10:00:00")
    def test_sections_are_limited_and_counted(self):
        """A big week shows the first lines in calendar order and counts all,
        with one search per year the week spans."""
        self.env["res.partner"].create(
            [
                {
                    "name": f"Born {day} Jan {n}",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": f"1990-01-0{day}",
                }
                for day in (1, 2)
                for n in range(LINE_LIMIT)
            ]
        )
        late = self._create_client(
            "Born 31 Dec", self.portfolio_a, birthdate="1980-12-31"
        )
        section = self._section(self._dashboard(self.agent_a), "birthdays")
        self.assertEqual(section["count"], 2 * LINE_LIMIT + 1)
        self.assertEqual(len(section["lines"]), LINE_LIMIT)
        self.assertEqual(section["lines"][0]["partner_id"], late.id)

    @freeze_time("2027-12-29 10:00:00")
    def test_queries_do_not_grow_with_the_book(self):
        """Each section costs the same few queries for 3 lines as for 30."""

        def add_clients(count):
            clients = self.env["res.partner"].create(
                [
                    {
                        "name": f"Busy {n}",
                        "portfolio_id": self.portfolio_a.id,
                        "phone": f"+1 555 {n:04d}",
                        "birthdate": "1980-12-30",
                    }
                    for n in range(count)
                ]
            )
            self.env["customer.income.record"].create(
                [
                    {"partner_id": client.id, "date": day, "amount": amount}
                    for client in clients
                    for day, amount in (("2027-01-01", 3000), ("2027-12-20", 2000))
                ]
            )
            for client in clients:
                self._activity(client, TODAY, self.agent_a)

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            day = self._dashboard(self.agent_a)
            return self.env.cr.sql_log_count - before, day

        add_clients(3)
        queries()  # warm the caches of rules, groups and translations
        few, day = queries()
        self.assertEqual(len(self._section(day, "calls")["lines"]), 3)
        add_clients(27)
        many, day = queries()
        self.assertEqual(len(self._section(day, "income_falling")["lines"]), 30)
        self.assertEqual(few, many)

    def test_open_today(self):
        """Today is the app's home: a page of its own, not a record."""
        menu = self.env.ref("customer_portfolio.customer_portfolio_today_menu")
        action = self.env.ref(
            "customer_portfolio.customer_portfolio_today_client_action"
        )
        self.assertEqual(menu.action, action)
        self.assertEqual(action.tag, "customer_portfolio.today")
        self.assertEqual(menu.parent_id.action, action)
        # the agent can load the views of the calendar
        self.env["customer.occasion"].with_user(self.agent_a).get_views(
            [(False, "calendar"), (False, "list"), (False, "search")]
        )
        siblings = self.env["ir.ui.menu"].search(
            [("parent_id", "=", menu.parent_id.id)], order="sequence, id"
        )
        self.assertEqual(siblings[0], menu)


@tagged("post_install", "-at_install")
class TestOccasions(WorkspaceCommon):
    def _occasions(self, partner):
        # the rows depend on the day: forget those read on another day
        self.env.invalidate_all()
        return self.env["customer.occasion"].search([("partner_id", "=", partner.id)])

    def _dates(self, partner, occasion_type):
        return [
            (o.date_start, o.years)
            for o in self._occasions(partner)
            if o.occasion_type == occasion_type
        ]

    def test_leap_day_birthday(self):
        """29 February is kept on 28 February in common years, on the 29th in
        leap years; only the next occurrence is listed."""
        leap = self._create_client("Leap", self.portfolio_a, birthdate="2000-02-29")
        with freeze_time("2027-01-15"):
            self.assertEqual(self._dates(leap, "birthday"), [(date(2027, 2, 28), 27)])
        with freeze_time("2027-02-28"):
            self.assertEqual(self._dates(leap, "birthday"), [(date(2027, 2, 28), 27)])
        with freeze_time("2027-03-01"):
            self.assertEqual(self._dates(leap, "birthday"), [(date(2028, 2, 29), 28)])

    def test_year_end(self):
        """In late December the next birthday of early January is next year's,
        and a client anniversary counts the years as a client."""
        self.client_a.write({"birthdate": "1990-01-02", "client_since": "2020-12-31"})
        with freeze_time("2027-12-30"):
            self.assertEqual(
                self._dates(self.client_a, "birthday"), [(date(2028, 1, 2), 38)]
            )
            self.assertEqual(
                self._dates(self.client_a, "anniversary"), [(date(2027, 12, 31), 7)]
            )
            birthday = self._occasions(self.client_a).filtered(
                lambda o: o.occasion_type == "birthday"
            )
            self.assertEqual(birthday.display_name, "Client A turns 38")
        with freeze_time("2028-01-01"):
            self.assertEqual(
                self._dates(self.client_a, "anniversary"), [(date(2028, 12, 31), 8)]
            )

    def test_no_anniversary_on_the_first_day(self):
        with freeze_time("2027-05-04"):
            new = self._create_client(
                "New", self.portfolio_a, client_since="2027-05-04"
            )
            self.assertEqual(self._dates(new, "anniversary"), [(date(2028, 5, 4), 1)])

    def test_open_offers_validity(self):
        with freeze_time("2027-12-20"):
            offer = self._offer(self.client_a, "2027-12-15", "2028-01-10")
            self._offer(self.client_a, "2027-12-01", "2027-12-31", state="declined")
            self._offer(self.client_a, "2027-11-01", "2027-11-30")
            occasions = self._occasions(self.client_a).filtered(
                lambda o: o.occasion_type == "offer"
            )
            self.assertEqual(occasions.offer_id, offer)
            self.assertEqual(
                (occasions.date_start, occasions.date_stop),
                (date(2027, 12, 15), date(2028, 1, 10)),
            )

    def test_agents_see_their_clients_only(self):
        self.client_a.birthdate = "1990-05-01"
        self.client_b.birthdate = "1991-05-01"
        Occasion = self.env["customer.occasion"]
        self.assertEqual(
            Occasion.with_user(self.agent_a).search([]).partner_id, self.client_a
        )
        self.assertEqual(
            Occasion.with_user(self.manager).search([]).partner_id,
            self.client_a | self.client_b,
        )
        occasion = Occasion.search([("partner_id", "=", self.client_b.id)])
        with self.assertRaises(AccessError):
            occasion.with_user(self.agent_a).read(["date_start"])


@tagged("post_install", "-at_install")
class TestDemoDay(WorkspaceCommon):
    def test_demo_day_is_never_empty(self):
        """On a database with the demo data, whatever the day it was installed
        on, every section of the demo agent's Today has something."""
        anna = self.env.ref("customer_portfolio.user_agent_anna_demo", False)
        if not anna:
            self.skipTest("the demo data is not installed")
        day = self.env["customer.portfolio.today"].with_user(anna).get_dashboard()
        for section in day["sections"]:
            self.assertTrue(section["lines"], section["name"])
