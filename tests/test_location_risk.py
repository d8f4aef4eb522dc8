import io
import math
from datetime import date
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import can_import, freeze_time, tagged

from .common import PortfolioCommon

TODAY = "2026-03-10"


class LocationRiskCommon(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.france = cls.env.ref("base.fr")
        cls.belgium = cls.env.ref("base.be")
        cls.usa = cls.env.ref("base.us")
        cls.california = cls.env["res.country.state"].search(
            [("country_id", "=", cls.usa.id), ("code", "=", "CA")], limit=1
        )
        cls.nevada = cls.env["res.country.state"].search(
            [("country_id", "=", cls.usa.id), ("code", "=", "NV")], limit=1
        )
        cls.Area = cls.env["customer.location.risk"]

    @classmethod
    def _area(cls, name="Area", **values):
        return cls.Area.create({"name": name, "date_start": TODAY, **values})

    def assertAtRisk(self, partner, areas, level):
        self.assertEqual(partner.location_risk_ids, areas)
        self.assertEqual(partner.location_risk_level, level)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskMatching(LocationRiskCommon):
    def test_match_country(self):
        self.client_a.country_id = self.france
        self.client_b.country_id = self.belgium
        area = self._area(country_id=self.france.id, severity="medium")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, self.Area, "none")
        self.assertEqual(area.partner_count, 1)

    def test_match_state(self):
        self.client_a.write({"country_id": self.usa.id, "state_id": self.california.id})
        self.client_b.write({"country_id": self.usa.id, "state_id": self.nevada.id})
        area = self._area(country_id=self.usa.id, state_id=self.california.id)
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, self.Area, "none")

    def test_match_city_ignores_case_accents_and_spaces(self):
        self.client_a.city = "  SAINT-ÉTIENNE "
        self.client_b.city = "Saint-Étienne-du-Rouvray"
        area = self._area(city=" saint-etienne")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, self.Area, "none")
        area_accented = self._area(city="Saint-Étienne-du-ROUVRAY ")
        self.assertAtRisk(self.client_b, area_accented, "medium")

    def test_match_zip_ignores_case_and_spaces(self):
        self.client_a.zip = " sw1a 1aa "
        self.client_b.zip = "SW1A 2AA"
        area = self._area(zip="SW1A 1AA")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, self.Area, "none")

    def test_every_address_criterion_must_match(self):
        self.client_a.write({"country_id": self.france.id, "city": "Paris"})
        self.client_b.write({"country_id": self.belgium.id, "city": "Paris"})
        area = self._area(country_id=self.france.id, city="paris")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, self.Area, "none")

    def test_match_radius(self):
        centre = (38.4237, 27.1428)
        km_per_degree = 6371.0088 * math.pi / 180
        inside = self.client_a
        inside.write(
            {
                "partner_latitude": centre[0] + 49.9 / km_per_degree,
                "partner_longitude": centre[1],
            }
        )
        outside = self.client_b
        outside.write(
            {
                "partner_latitude": centre[0] + 50.1 / km_per_degree,
                "partner_longitude": centre[1],
            }
        )
        no_geo = self._create_client("No Geo", self.portfolio_a, city="Izmir")
        area = self._area(latitude=centre[0], longitude=centre[1], radius_km=50)
        self.assertAtRisk(inside, area, "medium")
        self.assertAtRisk(outside, self.Area, "none")
        self.assertAtRisk(no_geo, self.Area, "none")
        # east-west distances shrink with the latitude: haversine, not degrees
        east = self._create_client(
            "East",
            self.portfolio_a,
            partner_latitude=centre[0],
            partner_longitude=centre[1] + 0.55,
        )
        self.assertAtRisk(east, area, "medium")

    def test_radius_or_address(self):
        self.client_a.city = "Izmir"
        self.client_b.write({"partner_latitude": 38.42, "partner_longitude": 27.14})
        area = self._area(
            city="İzmir ", latitude=38.4237, longitude=27.1428, radius_km=5
        )
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(self.client_b, area, "medium")

    def test_only_clients_of_the_area_company(self):
        prospect = self.env["res.partner"].create({"name": "Prospect", "city": "Lyon"})
        self.client_a.city = "Lyon"
        other_company = self.env["res.company"].create({"name": "Other Bank"})
        self._area(city="Lyon", company_id=other_company.id)
        self.assertAtRisk(self.client_a, self.Area, "none")
        area = self._area(city="Lyon")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertAtRisk(prospect, self.Area, "none")

    def test_portfolio_moving_to_another_company(self):
        """A portfolio handed to another company takes its clients out of the
        areas of the first one and into those of the other."""
        self.client_a.city = "Lyon"
        other_company = self.env["res.company"].create({"name": "Other Bank"})
        here = self._area("Here", city="Lyon")
        there = self._area("There", city="Lyon", company_id=other_company.id)
        self.assertAtRisk(self.client_a, here, "medium")
        self.agent_a.company_ids = [fields.Command.link(other_company.id)]
        self.portfolio_a.company_id = other_company
        self.assertAtRisk(self.client_a, there, "medium")

    def test_overlapping_areas_highest_severity(self):
        self.client_a.write({"country_id": self.france.id, "city": "Nice"})
        low = self._area("Storm", country_id=self.france.id, severity="low")
        self.assertAtRisk(self.client_a, low, "low")
        high = self._area("Quake", city="Nice", severity="high")
        self.assertAtRisk(self.client_a, low | high, "high")
        high.severity = "medium"
        self.assertAtRisk(self.client_a, low | high, "medium")
        high.unlink()
        self.assertAtRisk(self.client_a, low, "low")
        low.unlink()
        self.assertAtRisk(self.client_a, self.Area, "none")

    def test_area_edit_moves_clients(self):
        self.client_a.city = "Lyon"
        self.client_b.city = "Nice"
        area = self._area(city="Lyon")
        self.assertAtRisk(self.client_a, area, "medium")
        area.city = "Nice"
        self.assertAtRisk(self.client_a, self.Area, "none")
        self.assertAtRisk(self.client_b, area, "medium")

    def test_archive_and_unarchive(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", severity="high")
        area.action_archive()
        self.assertFalse(area.is_current)
        self.assertAtRisk(self.client_a, self.Area, "none")
        area.action_unarchive()
        self.assertTrue(area.is_current)
        self.assertAtRisk(self.client_a, area, "high")

    def test_address_change(self):
        area = self._area(city="Lyon", severity="high")
        self.assertAtRisk(self.client_a, self.Area, "none")
        self.client_a.city = "LYON"
        self.assertAtRisk(self.client_a, area, "high")
        self.client_a.city = "Grenoble"
        self.assertAtRisk(self.client_a, self.Area, "none")
        newcomer = self._create_client("Newcomer", self.portfolio_b, city="lyon")
        self.assertAtRisk(newcomer, area, "high")
        # joining or leaving a portfolio counts as well
        prospect = self.env["res.partner"].create({"name": "Prospect", "city": "Lyon"})
        self.assertAtRisk(prospect, self.Area, "none")
        prospect.portfolio_id = self.portfolio_a
        self.assertAtRisk(prospect, area, "high")

    def test_several_clients_move_at_once(self):
        area = self._area(city="Lyon")
        clients = self.client_a | self.client_b
        clients.write({"city": "Lyon"})
        self.assertEqual(area.partner_count, 2)
        self.assertEqual(set(clients.mapped("location_risk_level")), {"medium"})

    def test_suppressed_categories_follow_the_areas(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon")
        insurance = self.env.ref("customer_portfolio.offer_category_insurance")
        self.assertEqual(area.suppressed_category_ids, insurance)
        suppressed = (self.client_a | self.client_b)._get_offer_suppressed_categories()
        self.assertEqual(suppressed[self.client_a.id], {"insurance"})
        self.assertEqual(suppressed[self.client_b.id], set())
        area.action_archive()
        suppressed = self.client_a._get_offer_suppressed_categories()
        self.assertEqual(suppressed[self.client_a.id], set())

    def test_open_partners(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon")
        action = area.action_open_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.client_a
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskPeriod(LocationRiskCommon):
    def _run_cron(self, day):
        with freeze_time(day):
            self.Area._get_areas_to_update()._update_coverage()

    def test_daily_job_goes_on_after_a_failing_area(self):
        self.patch(self.env.registry, "ready", True)
        self.client_a.city = "Lyon"
        self.client_b.city = "Nice"
        broken = self._area("Broken", city="Lyon", date_start="2026-03-11")
        area = self._area("Storm", city="Nice", date_start="2026-03-11")
        update_coverage = type(self.Area)._update_coverage

        def fail_on_broken(areas, *args, **kwargs):
            if areas == broken:
                raise ValueError("broken area")
            return update_coverage(areas, *args, **kwargs)

        cron = self.env.ref("customer_portfolio.ir_cron_update_location_risks")
        with (
            freeze_time("2026-03-11"),
            self.enter_registry_test_mode(),
            patch.object(type(self.Area), "_update_coverage", fail_on_broken),
            self.assertLogs(
                "odoo.addons.customer_portfolio.models.customer_location_risk",
                "ERROR",
            ) as logs,
        ):
            cron.sudo().method_direct_trigger()
        self.assertIn(f"Risk area {broken.id} could not be updated", logs.output[0])
        self.assertTrue(area.is_current)
        self.assertAtRisk(self.client_b, area, "medium")
        # the broken area stays due for the next run
        self.assertFalse(broken.is_current)
        with freeze_time("2026-03-11"):
            self.assertEqual(self.Area._get_areas_to_update(), broken)

    def test_daily_job(self):
        self.patch(self.env.registry, "ready", True)
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", date_start="2026-03-11")
        cron = self.env.ref("customer_portfolio.ir_cron_update_location_risks")
        with freeze_time("2026-03-11"), self.enter_registry_test_mode():
            cron.sudo().method_direct_trigger()
        self.assertTrue(area.is_current)
        self.assertAtRisk(self.client_a, area, "medium")

    def test_period_boundaries(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", date_start="2026-03-11", date_end="2026-03-20")
        self.assertFalse(area.is_current)
        self.assertAtRisk(self.client_a, self.Area, "none")
        self._run_cron("2026-03-11")
        self.assertTrue(area.is_current)
        self.assertAtRisk(self.client_a, area, "medium")
        self._run_cron("2026-03-20")
        self.assertAtRisk(self.client_a, area, "medium")
        self._run_cron("2026-03-21")
        self.assertFalse(area.is_current)
        self.assertAtRisk(self.client_a, self.Area, "none")

    def test_period_in_the_past(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", date_start="2026-01-01", date_end="2026-03-09")
        self.assertFalse(area.is_current)
        self.assertAtRisk(self.client_a, self.Area, "none")
        area.date_end = "2026-03-10"
        self.assertAtRisk(self.client_a, area, "medium")

    def test_cron_is_idempotent(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", date_start="2026-03-11")
        self._run_cron("2026-03-11")
        self._run_cron("2026-03-11")
        self.assertAtRisk(self.client_a, area, "medium")
        self.assertEqual(len(area.activity_ids), 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskActivities(LocationRiskCommon):
    def test_one_activity_per_agent(self):
        lyon_a = self.client_a | self._create_client(
            "Second A", self.portfolio_a, city="Lyon"
        )
        self.client_a.city = "Lyon"
        self.client_b.city = "Lyon"
        self._create_client("Elsewhere", self.portfolio_a, city="Nice")
        area = self._area(city="Lyon")
        activities = area.activity_ids
        self.assertEqual(activities.user_id, self.agent_a | self.agent_b)
        self.assertEqual(len(activities), 2)
        activity_a = activities.filtered(lambda a: a.user_id == self.agent_a)
        self.assertIn("2 of your clients", activity_a.summary)
        for client in lyon_a:
            self.assertIn(client.name, str(activity_a.note))
        self.assertNotIn("Client B", str(activity_a.note))
        self.assertNotIn("Elsewhere", str(activity_a.note))
        self.assertEqual(area.notified_agent_ids, self.agent_a | self.agent_b)

    def test_never_twice_for_the_same_area_and_agent(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon")
        self.assertEqual(len(area.activity_ids), 1)
        area.severity = "high"
        area.action_archive()
        area.action_unarchive()
        self.assertEqual(len(area.activity_ids), 1)
        # a new agent with clients there is told, once
        self.client_b.city = "Lyon"
        area.action_archive()
        area.action_unarchive()
        self.assertEqual(area.activity_ids.user_id, self.agent_a | self.agent_b)

    def test_no_activity_for_a_future_area(self):
        self.client_a.city = "Lyon"
        area = self._area(city="Lyon", date_start="2026-04-01")
        self.assertFalse(area.activity_ids)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskConstraints(LocationRiskCommon):
    def test_end_before_start(self):
        with self.assertRaisesMessage(ValidationError, "Quake ends (2026-03-01)"):
            self._area("Quake", city="Lyon", date_end="2026-03-01")

    def test_negative_radius(self):
        with self.assertRaisesMessage(ValidationError, "radius of the risk area Q"):
            self._area("Q", latitude=1, longitude=1, radius_km=-5)

    def test_radius_without_centre(self):
        with self.assertRaisesMessage(ValidationError, "has a radius but no centre"):
            self._area("Q", radius_km=5)

    def test_centre_out_of_range(self):
        with self.assertRaisesMessage(ValidationError, "Q is out of range"):
            self._area("Q", latitude=91, longitude=0, radius_km=5)
        with self.assertRaisesMessage(ValidationError, "Q is out of range"):
            self._area("Q", latitude=10, longitude=-181, radius_km=5)

    def test_area_covering_no_place(self):
        with self.assertRaisesMessage(ValidationError, "covers no place"):
            self._area("Q", city="   ")

    def test_state_outside_country(self):
        with self.assertRaisesMessage(ValidationError, "is not in France"):
            self._area("Q", country_id=self.france.id, state_id=self.california.id)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskImport(LocationRiskCommon):
    HEADER = "name,country_id,city,date_start,date_end,latitude,longitude,radius_km"
    GOOD = "Quake,France,Lyon,2026-03-01,2026-04-30,,,"

    def _import(self, content, file_type="text/csv", file_name="areas.csv"):
        importer = self.env["base_import.import"].create(
            {
                "res_model": "customer.location.risk",
                "file": content,
                "file_name": file_name,
                "file_type": file_type,
            }
        )
        return importer.execute_import(
            self.HEADER.split(","),
            self.HEADER.split(","),
            {
                "has_headers": True,
                "quoting": '"',
                "separator": ",",
                "encoding": "utf-8",
                "date_format": "%Y-%m-%d",
                "float_thousand_separator": ",",
                "float_decimal_separator": ".",
            },
        )

    def _import_rows(self, *rows):
        return self._import("\n".join((self.HEADER, *rows)).encode())

    def assertImportFails(self, bad_row, text):
        """The bad row, second of three, is named and nothing is imported."""
        result = self._import_rows(
            self.GOOD, bad_row, "Flood,Belgium,Liège,2026-03-12,,,,"
        )
        self.assertTrue(
            any(
                message["type"] == "error"
                and text in message["message"]
                and message["rows"]["from"] == 1
                for message in result["messages"]
            ),
            f"no error naming the second row in {result['messages']}",
        )
        self.assertFalse(result["ids"])
        self.assertFalse(self.Area.with_context(active_test=False).search([]))

    def test_import_csv(self):
        self.client_a.write({"country_id": self.france.id, "city": "Lyon"})
        result = self._import_rows(
            self.GOOD,
            "Storm,,,2026-03-05,,45.75,4.85,20",
            "Flood,Belgium,Liège,2026-03-12,,,,",
        )
        self.assertFalse(result["messages"])
        areas = self.Area.browse(result["ids"])
        self.assertEqual(areas.mapped("name"), ["Quake", "Storm", "Flood"])
        self.assertEqual(areas[2].date_start, date(2026, 3, 12))
        self.assertEqual(areas.mapped("is_current"), [True, True, False])
        self.assertEqual(areas[1].radius_km, 20)
        self.assertEqual(self.client_a.location_risk_ids, areas[0])

    def test_import_unknown_country(self):
        self.assertImportFails("Quake 2,Atlantis,Lyon,2026-03-01,,,,", "Atlantis")

    def test_import_end_before_start(self):
        self.assertImportFails(
            "Quake 2,France,Lyon,2026-03-01,2026-02-01,,,", "Quake 2 ends"
        )

    def test_import_radius_without_centre(self):
        self.assertImportFails(
            "Quake 2,,,2026-03-01,,,,10", "Quake 2 has a radius but no centre"
        )

    def test_import_negative_radius(self):
        self.assertImportFails(
            "Quake 2,,,2026-03-01,,45.7,4.8,-10", "radius of the risk area Quake 2"
        )

    def test_import_latitude_out_of_range(self):
        self.assertImportFails("Quake 2,,,2026-03-01,,95,4.8,10", "Quake 2 is out")

    def test_import_xlsx(self):
        if not can_import("openpyxl"):
            self.skipTest("openpyxl is not available")
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(self.HEADER.split(","))
        sheet.append(["Quake", "France", "Lyon", "2026-03-01", "", "", "", ""])
        sheet.append(["Bad", "France", "Lyon", "2026-03-01", "2026-01-01", "", "", ""])
        content = io.BytesIO()
        book.save(content)
        result = self._import(
            content.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "areas.xlsx",
        )
        self.assertTrue(
            any(
                "Bad ends" in message["message"] and message["rows"]["from"] == 1
                for message in result["messages"]
            ),
            f"no error naming the second row in {result['messages']}",
        )
        self.assertFalse(self.Area.search([]))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskAccess(LocationRiskCommon):
    def test_agent_reads_areas_but_cannot_edit(self):
        area = self._area(city="Lyon")
        as_agent = area.with_user(self.agent_a)
        self.assertEqual(as_agent.name, "Area")
        with self.assertRaises(AccessError):
            as_agent.write({"severity": "high"})
        with self.assertRaises(AccessError):
            self.Area.with_user(self.agent_a).create(
                {"name": "Mine", "city": "Nice", "date_start": TODAY}
            )
        with self.assertRaises(AccessError):
            as_agent.unlink()
        self.assertEqual(area.severity, "medium")

    def test_agent_sees_own_clients_at_risk_only(self):
        (self.client_a | self.client_b).write({"city": "Lyon"})
        area = self._area(city="Lyon")
        self.assertEqual(area.partner_count, 2)
        self.assertEqual(area.with_user(self.agent_a).partner_count, 1)
        at_risk = (
            self.env["res.partner"]
            .with_user(self.agent_a)
            .search([("location_risk_level", "!=", "none")])
        )
        self.assertEqual(at_risk, self.client_a)
        self.assertEqual(self.client_a.with_user(self.agent_a).location_risk_ids, area)

    def test_agent_moving_own_client_updates_risk(self):
        area = self._area(city="Lyon")
        self.client_a.with_user(self.agent_a).city = "Lyon"
        self.assertAtRisk(self.client_a, area, "medium")

    def test_manager_manages_areas(self):
        area = self.Area.with_user(self.manager).create(
            {"name": "Flood", "city": "Lyon", "date_start": TODAY}
        )
        area.write({"severity": "high"})
        self.assertEqual(area.severity, "high")
        self.assertEqual(fields.Date.to_string(area.date_start), TODAY)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLocationRiskViews(LocationRiskCommon):
    def test_offer_engine_triggered_when_an_area_starts(self):
        cron = self.env.ref(
            "customer_portfolio.ir_cron_generate_offers", raise_if_not_found=False
        )
        if not cron:
            self.skipTest("the offer engine is not installed")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        area = self._area(city="Lyon", date_start="2026-04-01")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        area.date_start = TODAY
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_views_load_for_agents_and_managers(self):
        Partner = self.env["res.partner"].with_user(self.agent_a)
        action = self.env.ref("customer_portfolio.res_partner_action_location_risk")
        views = Partner.get_views(
            [(False, "form"), (False, "search")]
            + [(view.view_id.id, view.view_mode) for view in action.view_ids]
        )
        self.assertIn("location_risk_level", views["models"]["res.partner"]["fields"])
        self.assertIn("at_risk", views["views"]["search"]["arch"])
        self.assertIn(
            "location_risk_ids", views["views"]["pivot"]["arch"], "grouped by area"
        )
        area_views = self.Area.with_user(self.manager).get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )
        self.assertIn("action_open_partners", area_views["views"]["form"]["arch"])
        self.assertIn("promoted_template_ids", area_views["views"]["form"]["arch"])
