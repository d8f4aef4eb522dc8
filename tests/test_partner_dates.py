from odoo.tests import freeze_time, tagged

from .common import PortfolioCommon


@tagged("post_install", "-at_install")
class TestPartnerDates(PortfolioCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leapling = cls._create_client(
            "Leapling", cls.portfolio_a, birthdate="1988-02-29"
        )
        cls.march = cls._create_client("March", cls.portfolio_a, birthdate="1990-03-01")
        cls.new_year = cls._create_client(
            "New Year", cls.portfolio_a, birthdate="1975-01-02"
        )
        cls.no_birthdate = cls._create_client("Unknown", cls.portfolio_a)

    def _search(self, domain):
        clients = self.leapling | self.march | self.new_year | self.no_birthdate
        return self.env["res.partner"].search([("id", "in", clients.ids), *domain])

    def test_birthday_parts_are_stored(self):
        self.assertEqual(
            (self.leapling.birthday_month, self.leapling.birthday_day), (2, 29)
        )
        self.leapling.birthdate = "1988-07-04"
        self.assertEqual(
            (self.leapling.birthday_month, self.leapling.birthday_day), (7, 4)
        )

    @freeze_time("2025-02-28")
    def test_feb_29_birthday_on_feb_28_in_common_years(self):
        self.assertEqual(self._search([("days_to_birthday", "=", 0)]), self.leapling)
        self.assertEqual(self.leapling.days_to_birthday, 0)
        self.assertEqual(self.march.days_to_birthday, 1)

    @freeze_time("2024-02-28")
    def test_feb_29_birthday_in_leap_years(self):
        self.assertFalse(self._search([("days_to_birthday", "=", 0)]))
        self.assertEqual(self._search([("days_to_birthday", "=", 1)]), self.leapling)
        self.assertEqual(self.leapling.days_to_birthday, 1)

    @freeze_time("2025-12-29")
    def test_birthday_week_crosses_new_year(self):
        self.assertEqual(self._search([("days_to_birthday", "<=", 6)]), self.new_year)
        self.assertEqual(self.new_year.days_to_birthday, 4)
        self.assertFalse(self._search([("days_to_birthday", "<", 4)]))

    @freeze_time("2025-03-01")
    def test_age(self):
        self.assertEqual(self.leapling.age, 37)
        self.assertEqual(self.march.age, 35)
        self.assertEqual(self.no_birthdate.age, 0)
        self.assertEqual(self._search([("age", "=", 35)]), self.march)
        self.assertEqual(
            self._search([("age", ">=", 37)]), self.leapling | self.new_year
        )
        self.assertEqual(self._search([("age", "<", 37)]), self.march)

    def test_age_of_feb_29_birthday(self):
        # In common years a Feb 29 birthday is celebrated, and counted, on Feb 28.
        with freeze_time("2025-02-27"):
            self.assertEqual(self.leapling.age, 36)
        self.leapling.invalidate_recordset(["age"])
        with freeze_time("2025-02-28"):
            self.assertEqual(self.leapling.age, 37)

    def test_age_search_beyond_any_lifetime(self):
        dated = self.leapling | self.new_year | self.march
        self.assertEqual(self._search([("age", "<=", 1_000_000)]), dated)
        self.assertFalse(self._search([("age", ">", 1_000_000)]))
        self.assertEqual(self._search([("age", ">", -1)]), dated)
        self.assertFalse(self._search([("age", "=", -1)]))

    def test_birthday_search_beyond_a_year(self):
        dated = self.leapling | self.new_year | self.march
        self.assertEqual(self._search([("days_to_birthday", "<=", 10**7)]), dated)
        self.assertFalse(self._search([("days_to_birthday", "=", 10**7)]))
