import re
import threading
from datetime import date, datetime
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import mute_logger

from .common import OfferCommon, forget_offer_runs


@tagged("post_install", "-at_install")
class TestOfferTriggers(OfferCommon):
    def test_shipped_birthday_offers(self):
        """Birthday credit at 2% on the day only, greeting call, unique coupon."""
        self.shipped.action_unarchive()
        day = date(2026, 5, 10)
        offers = self.Offer.generate_offers(day)
        credit = offers.filtered(
            lambda o: (
                o.template_id
                == self.env.ref("customer_portfolio.offer_template_birthday_credit")
                and o.partner_id == self.client_a
            )
        )
        self.assertEqual(credit.interest_rate, 2.0)
        self.assertEqual((credit.date_start, credit.date_end), (day, day))
        self.assertEqual(credit.state, "sent")
        self.assertEqual(credit.agent_id, self.agent_a)
        call = offers.filtered(lambda o: o.offer_category == "greeting_call")
        self.assertEqual(call.partner_id, self.client_a | self.client_b)
        self.assertEqual(call.mapped("state"), ["draft", "draft"])
        activity = call.filtered(lambda o: o.partner_id == self.client_a).activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(
            (activity.user_id, activity.date_deadline), (self.agent_a, day)
        )
        coupons = offers.filtered(lambda o: o.offer_category == "coupon")
        self.assertEqual(len(coupons), 2)
        for code in coupons.mapped("coupon_code"):
            self.assertRegex(code, r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
        self.assertNotEqual(coupons[0].coupon_code, coupons[1].coupon_code)
        # the other offers are summed up in one digest per agent, not one each
        digests = self.env["mail.activity"].search(
            [
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "customer_portfolio.mail_activity_type_offer_digest"
                    ).id,
                )
            ]
        )
        self.assertEqual(digests.user_id, self.agent_a | self.agent_b)
        self.assertEqual(len(digests), 2)
        self.assertIn("Birthday consumer credit", str(digests[0].note))

    def test_birthday_email_queued_signed_with_hotline(self):
        offers = self.Offer.generate_offers(date(2026, 5, 10))
        offer = offers.filtered(lambda o: o.partner_id == self.client_a)
        mail = self.env["mail.mail"].search(
            [("model", "=", "customer.offer"), ("res_id", "=", offer.id)]
        )
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.client_a)
        self.assertIn("Birthday credit", mail.subject)
        self.assertIn(self.agent_a.name, mail.body_html)
        self.assertIn("+1 555", mail.body_html)

    def test_christmas_high_spend_anniversary(self):
        christmas = self._template(
            "Xmas", "christmas", days_in_advance=14, validity_days=14
        )
        busy = self._template(
            "Busy month",
            "high_spend_month",
            month_ids=[
                Command.set(self.env.ref("customer_portfolio.offer_month_09").ids)
            ],
            validity_days=30,
        )
        anniversary = self._template("Anniversary", "client_anniversary")
        self.client_b.client_since = "2026-01-01"  # not a year yet
        self.assertFalse(self.Offer.generate_offers(date(2026, 12, 10)))
        xmas = self.Offer.generate_offers(date(2026, 12, 11))
        self.assertEqual(xmas.partner_id, self.client_a | self.client_b)
        self.assertEqual(xmas[0].date_end, date(2027, 1, 7))
        self.assertEqual(set(xmas.mapped("occasion_key")), {"christmas-2026"})
        sept = self.Offer.generate_offers(date(2026, 9, 1))
        self.assertEqual(sept.template_id, busy)
        self.assertEqual(sept[0].occasion_key, "month-2026-09")
        # made on the 1st: not again while it is valid (see test_offer_engine)
        self.assertFalse(self.Offer.generate_offers(date(2026, 9, 2)))
        self.assertFalse(self.Offer.generate_offers(date(2026, 10, 1)))
        anniv = self.Offer.generate_offers(date(2026, 6, 1))
        self.assertEqual(
            (anniv.template_id, anniv.partner_id), (anniversary, self.client_a)
        )
        self.assertFalse(self._offers(christmas, self.client_a).filtered("coupon_code"))

    def test_life_event_offers(self):
        vehicle = self._template(
            "Car insurance",
            "life_event",
            life_event_type="vehicle_purchase",
            offer_category="insurance",
            validity_days=30,
        )
        family = self._template(
            "Family", "life_event", life_event_type="marriage", validity_days=30
        )
        Event = self.env["customer.life.event"].with_user(self.agent_a)
        event = Event.create(
            {"partner_id": self.client_a.id, "event_type": "vehicle_purchase"}
        )
        offer = self._offers(vehicle)
        self.assertEqual(offer.partner_id, self.client_a)
        self.assertEqual(offer.occasion_key, f"event-{event.id}")
        self.assertEqual(offer.state, "sent")
        Event.create({"partner_id": self.client_a.id, "event_type": "marriage"})
        self.assertEqual(self._offers(family).partner_id, self.client_a)
        # both offers are summed up in the agent's one digest of the day
        digest = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.agent_a.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "customer_portfolio.mail_activity_type_offer_digest"
                    ).id,
                ),
            ]
        )
        self.assertEqual(len(digest), 1)
        self.assertIn("Car insurance", str(digest.note))
        self.assertIn("Family", str(digest.note))
        # an event of long ago is history: no offer
        Event.create(
            {
                "partner_id": self.client_a.id,
                "event_type": "marriage",
                "date": "2001-01-01",
            }
        )
        self.assertEqual(len(self._offers(family)), 1)

    def test_risk_area_matched_by_address(self):
        """With the area matching (issue 4): clients in the area get the loan."""
        loan = self._template(
            "Recovery loan", "location_risk", offer_category="loan", validity_days=90
        )
        self.client_a.country_id = self.env.ref("base.pt")
        today = date.today()
        area = self.env["customer.location.risk"].create(
            {
                "name": "Storm",
                "risk_type": "storm",
                "date_start": today,
                "country_id": self.env.ref("base.pt").id,
                "promoted_template_ids": [Command.set(loan.ids)],
            }
        )
        self.assertEqual(self.client_a.location_risk_ids, area)
        offers = self.Offer.generate_offers(today)
        self.assertEqual((offers.template_id, offers.partner_id), (loan, self.client_a))

    def test_digest_on_agent_local_day(self):
        self._template(
            "Car insurance", "life_event", life_event_type="vehicle_purchase"
        )
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 23, 30)):
            self.env["customer.life.event"].with_user(self.agent_a).create(
                {"partner_id": self.client_a.id, "event_type": "vehicle_purchase"}
            )
        digest = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.agent_a.id),
                ("res_model", "=", "customer.portfolio"),
            ]
        )
        # 01:30 on the 11th in Brussels
        self.assertEqual(digest.date_deadline, date(2026, 5, 11))
        self.assertEqual(digest.res_id, self.portfolio_a.id)

    def test_location_risk_offers(self):
        loan = self._template(
            "Recovery loan", "location_risk", offer_category="loan", validity_days=90
        )
        area = self.env["customer.location.risk"].create(
            {
                "name": "Flood",
                "risk_type": "flood",
                "country_id": self.env.ref("base.jp").id,
                "date_start": "2026-03-01",
                "date_end": "2026-03-31",
                "promoted_template_ids": [Command.set(loan.ids)],
            }
        )
        self.client_a.location_risk_ids = area
        self.assertFalse(self.Offer.generate_offers(date(2026, 2, 28)))
        offers = self.Offer.generate_offers(date(2026, 3, 5))
        self.assertEqual(offers.partner_id, self.client_a)
        self.assertEqual(offers.occasion_key, f"risk-{area.id}")
        self.assertEqual(offers.date_end, date(2026, 6, 2))
        # once per area, however many days it lasts
        self.assertFalse(self.Offer.generate_offers(date(2026, 3, 6)))
        self.assertFalse(self.Offer.generate_offers(date(2026, 4, 1)))


@tagged("post_install", "-at_install")
class TestOfferRules(OfferCommon):
    def test_skip_rules(self):
        day = date(2026, 5, 10)
        birthday = {"birthdate": "1990-05-10"}
        opted_out = self._create_client(
            "Out", self.portfolio_a, portfolio_opt_out=True, **birthday
        )
        blacklisted = self._create_client(
            "Black", self.portfolio_a, email="black@example.com", **birthday
        )
        self.env["mail.blacklist"].create({"email": "black@example.com"})
        archived = self._create_client("Gone", self.portfolio_a, **birthday)
        archived.action_archive()
        orphan = self.env["res.partner"].create({"name": "Orphan", **birthday})
        offers = self.Offer.generate_offers(day)
        self.assertEqual(offers.partner_id, self.client_a | self.client_b)
        self.assertFalse(
            self.Offer.with_context(active_test=False).search(
                [
                    (
                        "partner_id",
                        "in",
                        (opted_out | blacklisted | archived | orphan).ids,
                    )
                ]
            )
        )

    def test_segment_and_suppressed_categories(self):
        segment = self.env["customer.segment"].create(
            {
                "name": "VIP only",
                "sequence": 0,
                "domain": "[('client_tier', '=', 'vip')]",
            }
        )
        self.client_a.client_tier = "vip"
        self.assertEqual(self.client_a.segment_id, segment)
        self.assertNotEqual(self.client_b.segment_id, segment)
        self.birthday.segment_ids = segment
        insurance = self._template(
            "Birthday insurance", "birthday", offer_category="insurance"
        )
        area = self.env["customer.location.risk"].create(
            {
                "name": "Quake",
                "date_start": "2026-01-01",
                "country_id": self.env.ref("base.jp").id,
            }
        )
        self.assertEqual(area.suppressed_category_ids.mapped("code"), ["insurance"])
        self.client_b.location_risk_ids = area
        offers = self.Offer.generate_offers(date(2026, 5, 10))
        self.assertEqual(
            self._offers(self.birthday, offers.partner_id).partner_id, self.client_a
        )
        self.assertEqual(self._offers(insurance).partner_id, self.client_a)

    def test_feb_29(self):
        leapling = self._create_client("Leap", self.portfolio_a, birthdate="2000-02-29")
        for day, expected in [
            (date(2027, 2, 28), True),
            (date(2027, 3, 1), False),
            (date(2028, 2, 28), False),
            (date(2028, 2, 29), True),
        ]:
            offers = self.Offer.generate_offers(day)
            self.assertEqual(
                bool(offers.filtered(lambda o: o.partner_id == leapling)), expected, day
            )
        self.assertEqual(
            sorted(self._offers(self.birthday, leapling).mapped("occasion_key")),
            ["birthday-2027", "birthday-2028"],
        )

    def test_local_date_around_midnight(self):
        """Helsinki (UTC+2) and São Paulo (UTC-3) each on their own birthday."""
        birthday = {"birthdate": "1980-01-15"}
        helsinki = self._create_client(
            "Helsinki", self.portfolio_a, tz="Europe/Helsinki", **birthday
        )
        sao_paulo = self._create_client(
            "São Paulo", self.portfolio_a, tz="America/Sao_Paulo", **birthday
        )
        no_tz = self._create_client(
            "Agent's tz", self.portfolio_a, **birthday
        )  # Brussels
        clients = helsinki | sao_paulo | no_tz
        runs = [
            (datetime(2026, 1, 14, 21, 30), helsinki),  # 23:30 in Helsinki: not yet
            (datetime(2026, 1, 14, 22, 30), helsinki),  # 00:30 in Helsinki
            (datetime(2026, 1, 14, 23, 30), helsinki | no_tz),  # 00:30 in Brussels
            (datetime(2026, 1, 15, 2, 30), helsinki | no_tz),  # 23:30 in São Paulo
            (datetime(2026, 1, 15, 3, 30), clients),  # 00:30 in São Paulo
            (datetime(2026, 1, 16, 2, 30), clients),  # still the 15th in São Paulo
        ]
        with self.mock_datetime_and_now(datetime(2026, 1, 14, 21, 30)):
            self.assertFalse(self.Offer.generate_offers())
        for now, expected in runs[1:]:
            with self.mock_datetime_and_now(now):
                self.Offer.generate_offers()
            self.assertEqual(
                self._offers(self.birthday, clients).partner_id, expected, now
            )
        offer = self._offers(self.birthday, sao_paulo)
        self.assertEqual(offer.date_start, date(2026, 1, 15))

    def test_running_twice(self):
        first = self.Offer.generate_offers(date(2026, 5, 10))
        self.assertEqual(len(first), 2)
        self.assertFalse(self.Offer.generate_offers(date(2026, 5, 10)))
        self.assertEqual(len(self._offers(self.birthday)), 2)
        # next year is a new occasion
        self.assertEqual(len(self.Offer.generate_offers(date(2027, 5, 10))), 2)

    def test_failing_client_is_skipped(self):
        others = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": "1990-05-10",
                    # emailed: a client without email is called instead
                    "email": f"client{i}@example.com",
                }
                for i in range(3)
            ]
        )
        broken = others[1]
        send = type(self.Offer)._send_emails

        def send_or_fail(offers):
            if broken in offers.partner_id:
                raise ValueError("SMTP template exploded")
            return send(offers)

        with (
            patch.object(type(self.Offer), "_send_emails", send_or_fail),
            self.assertLogs(
                "odoo.addons.customer_portfolio.models.customer_offer"
            ) as logs,
        ):
            offers = self.Offer.generate_offers(date(2026, 5, 10))
        self.assertEqual(
            offers.partner_id, self.client_a | self.client_b | others - broken
        )
        self.assertFalse(self._offers(self.birthday, broken))
        self.assertTrue(
            any(f"client {broken.id} failed" in line for line in logs.output)
        )

    def test_email_in_client_language(self):
        languages = ["fr_FR", "de_DE", "pt_BR", "ro_RO", "fi_FI"]
        for code in languages:
            self.env["res.lang"]._activate_lang(code)
        self.mail_template.update_field_translations(
            "subject",
            {code: f"[{code}] {{{{ object.partner_id.name }}}}" for code in languages},
        )
        self.birthday.update_field_translations(
            "name", {"fr_FR": "Crédit anniversaire"}
        )
        clients = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {code}",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": "1990-05-10",
                    "email": f"{code}@example.com",
                    "lang": code,
                }
                for code in languages
            ]
        )
        self.Offer.generate_offers(date(2026, 5, 10))
        for client in clients:
            offer = self._offers(self.birthday, client)
            mail = self.env["mail.mail"].search(
                [("model", "=", "customer.offer"), ("res_id", "=", offer.id)]
            )
            self.assertEqual(mail.subject, f"[{client.lang}] {client.name}")
        french = self.env["mail.mail"].search(
            [
                ("model", "=", "customer.offer"),
                ("res_id", "=", self._offers(self.birthday, clients[0]).id),
            ]
        )
        self.assertIn("Crédit anniversaire", french.body_html)


@tagged("post_install", "-at_install")
class TestOfferCrons(OfferCommon):
    def test_generate_cron_record(self):
        cron = self.env.ref("customer_portfolio.ir_cron_generate_offers")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self._run_cron(
            "customer_portfolio.ir_cron_generate_offers", datetime(2026, 5, 10, 9)
        )
        self.assertEqual(
            self._offers(self.birthday).partner_id, self.client_a | self.client_b
        )
        self._run_cron(
            "customer_portfolio.ir_cron_generate_offers", datetime(2026, 5, 10, 10)
        )
        self.assertEqual(len(self._offers(self.birthday)), 2)

    def test_generate_cron_resumes_after_a_crash(self):
        """Batches are committed: a run killed after one batch resumes there."""
        extra = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": "1990-05-10",
                }
                for i in range(3)
            ]
        )
        commit = type(self.env["ir.cron"])._commit_progress

        def commit_then_die(cron, processed=0, **kwargs):
            remaining = commit(cron, processed, **kwargs)
            if processed:
                raise KeyboardInterrupt("worker killed")
            return remaining

        # not self.assertRaises: it would roll back what the cron committed
        killed = False
        with (
            patch("odoo.addons.customer_portfolio.models.customer_offer.BATCH_SIZE", 2),
            patch.object(
                type(self.env["ir.cron"]), "_commit_progress", commit_then_die
            ),
        ):
            try:
                self._run_cron(
                    "customer_portfolio.ir_cron_generate_offers",
                    datetime(2026, 5, 10, 9),
                )
            except KeyboardInterrupt:
                killed = True
        self.assertTrue(killed)
        self.assertEqual(len(self._offers(self.birthday)), 2)
        self._run_cron(
            "customer_portfolio.ir_cron_generate_offers", datetime(2026, 5, 10, 9)
        )
        self.assertEqual(
            self._offers(self.birthday).partner_id,
            self.client_a | self.client_b | extra,
        )

    def test_generate_cron_stops_when_time_is_up(self):
        """Out of time after a batch, it returns; the runner calls it again."""
        extra = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "portfolio_id": self.portfolio_a.id,
                    "birthdate": "1990-05-10",
                }
                for i in range(3)
            ]
        )
        commit = type(self.env["ir.cron"])._commit_progress
        batches = []

        def commit_out_of_time(cron, processed=0, **kwargs):
            commit(cron, processed, **kwargs)
            if processed:
                batches.append(processed)
                return 0.0
            return 60.0

        with (
            patch("odoo.addons.customer_portfolio.models.customer_offer.BATCH_SIZE", 2),
            patch.object(
                type(self.env["ir.cron"]), "_commit_progress", commit_out_of_time
            ),
        ):
            self._run_cron(
                "customer_portfolio.ir_cron_generate_offers", datetime(2026, 5, 10, 9)
            )
        self.assertEqual(batches, [2, 2, 1])
        self.assertEqual(
            self._offers(self.birthday).partner_id,
            self.client_a | self.client_b | extra,
        )

    def test_expire_cron(self):
        offers = self.Offer.create(
            [
                {
                    "partner_id": self.client_a.id,
                    "template_id": self.birthday.id,
                    "date_start": "2026-05-01",
                    "date_end": end,
                }
                for end in ("2026-05-09", "2026-05-10", "2026-05-20")
            ]
        )
        offers[0].action_accept()
        self.assertEqual(offers.mapped("state"), ["accepted", "draft", "draft"])
        self._run_cron(
            "customer_portfolio.ir_cron_expire_offers", datetime(2026, 5, 11, 11)
        )
        self.assertEqual(offers.mapped("state"), ["accepted", "draft", "draft"])
        self._run_cron(
            "customer_portfolio.ir_cron_expire_offers", datetime(2026, 5, 11, 13)
        )
        self.assertEqual(offers.mapped("state"), ["accepted", "expired", "draft"])


@tagged("post_install", "-at_install")
class TestOfferLifecycle(OfferCommon):
    def test_states_and_acceptance_rate(self):
        offers = self.Offer.generate_offers(date(2026, 5, 10))
        self.assertEqual(offers.mapped("state"), ["sent", "sent"])
        offers[0].action_accept()
        offers[1].action_decline()
        with self.assertRaisesMessage(UserError, "is Declined"):
            offers[1].action_accept()
        data = self.Offer._read_group(
            [("id", "in", offers.ids)], ["template_id"], ["acceptance_rate:avg"]
        )
        self.assertEqual(data, [(self.birthday, 50.0)])

    def test_manual_offer_by_agent(self):
        coupon = self._template(
            "Cinema", "manual", offer_category="coupon", validity_days=10
        )
        offer = self.Offer.with_user(self.agent_a).create(
            {"partner_id": self.client_a.id, "template_id": coupon.id}
        )
        self.assertEqual(offer.agent_id, self.agent_a)
        self.assertEqual(offer.portfolio_id, self.portfolio_a)
        self.assertTrue(re.match(r"^[A-Z2-9-]{14}$", offer.coupon_code))
        self.assertEqual((offer.date_end - offer.date_start).days, 9)
        offer.action_send()
        self.assertEqual(offer.state, "sent")
        # a second manual offer of the same template is another occasion
        self.Offer.with_user(self.agent_a).create(
            {"partner_id": self.client_a.id, "template_id": coupon.id}
        )

    def test_agent_sees_own_clients_offers_only(self):
        offers = self.Offer.generate_offers(date(2026, 5, 10))
        offer_b = offers.filtered(lambda o: o.partner_id == self.client_b)
        as_a = self.Offer.with_user(self.agent_a)
        self.assertEqual(
            as_a.search([("id", "in", offers.ids)]).partner_id, self.client_a
        )
        with self.assertRaises(AccessError):
            offer_b.with_user(self.agent_a).read(["state"])
        with self.assertRaises(AccessError):
            offer_b.with_user(self.agent_a).action_accept()
        with self.assertRaises(AccessError):
            as_a.create(
                {"partner_id": self.client_b.id, "template_id": self.birthday.id}
            )
        # an agent's generate run only reaches their own clients, and only
        # today's: another day's campaign is the manager's
        with freeze_time("2027-05-10 10:00"):
            self.assertEqual(as_a.generate_offers().sudo().partner_id, self.client_a)
        with self.assertRaises(AccessError):
            as_a.generate_offers(date(2027, 5, 10))
        self.assertEqual(
            self.Offer.with_user(self.manager).search_count([("id", "in", offers.ids)]),
            2,
        )


@tagged("post_install", "-at_install")
class TestOfferConcurrency(TransactionCase):
    """Two workers making the same day's offers at once, on real cursors."""

    def _committed_client(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            portfolio = env["customer.portfolio"].create(
                {"name": "Concurrency", "agent_id": env.ref("base.user_admin").id}
            )
            partner = env["res.partner"].create(
                {
                    "name": "Twice?",
                    "email": "twice@example.com",
                    "portfolio_id": portfolio.id,
                    "birthdate": "1990-05-10",
                }
            )
            return partner.id, portfolio.id

    def _cleanup(self, partner_id, portfolio_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["customer.offer"].search([("partner_id", "=", partner_id)]).unlink()
            env["res.partner"].browse(partner_id).unlink()
            env["customer.portfolio"].browse(portfolio_id).unlink()
            forget_offer_runs(env)

    def test_two_workers_never_twice(self):
        day = date(2026, 5, 10)
        partner_id, portfolio_id = self._committed_client()
        self.addCleanup(self._cleanup, partner_id, portfolio_id)
        second = {}

        def second_worker():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                second["offers"] = env["customer.offer"].generate_offers(day).ids

        with self.registry.cursor() as cr1:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            first = env1["customer.offer"].generate_offers(day)
            self.assertEqual(first.partner_id.id, partner_id)
            thread = threading.Thread(target=second_worker)
            thread.start()
            thread.join(2)
            self.assertTrue(
                thread.is_alive(), "the unique index holds the second worker"
            )
        # the first worker committed: the second one finds the offers made
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(second["offers"], [])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT template_id, count(*) FROM customer_offer WHERE partner_id = %s"
                " GROUP BY template_id",
                [partner_id],
            )
            counts = cr.fetchall()
        self.assertEqual(len(counts), len(first))
        self.assertEqual({count for _template, count in counts}, {1})


@tagged("post_install", "-at_install")
class TestOfferTemplate(OfferCommon):
    def test_trigger_settings_required(self):
        with self.assertRaisesMessage(ValidationError, "choose which one"):
            self._template("Event", "life_event")
        with self.assertRaisesMessage(ValidationError, "at least one month"):
            self._template("Busy", "high_spend_month")
        partner_mail = self.env["mail.template"].create(
            {
                "name": "Partner mail",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
            }
        )
        with self.assertRaisesMessage(ValidationError, "email template of offers"):
            self.birthday.mail_template_id = partner_mail
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._template("Never valid", "birthday", validity_days=0)

    def test_shipped_templates_are_editable_data(self):
        data = self.env["ir.model.data"].search(
            [
                ("model", "=", "customer.offer.template"),
                ("module", "=", "customer_portfolio"),
            ]
        )
        self.assertGreaterEqual(len(data), 11)
        self.assertTrue(all(data.mapped("noupdate")))
        busy = self.env.ref("customer_portfolio.offer_template_high_spend")
        self.assertEqual(busy.month_ids.mapped("number"), [9, 11, 12])
        self.assertEqual(
            self.env.ref("customer_portfolio.offer_template_risk_loan").trigger,
            "location_risk",
        )
