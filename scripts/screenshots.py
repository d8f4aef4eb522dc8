"""Take the screenshots of static/description from the real web client.

A tool, not a test: scripts/screenshots.sh runs it with pytest-odoo on a fresh
database with the demo data, CUSTOMER_PORTFOLIO_SCREENSHOTS naming the folder
to write the pictures to. The test suite (tests/) does not collect it.
"""

import base64
import os
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

# Opens the Portfolio tab when there is one and waits for the selector.
SHOW_TAB = """
const wait = async (selector) => {
    for (let i = 0; i < 100; i++) {
        const tab = ".o_notebook .nav-link[name=portfolio]:not(.active)";
        document.querySelector(tab)?.click();
        if (document.querySelector(selector)) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            return console.log("test successful");
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.error("not found: " + selector);
};
wait(%r);
"""


@tagged("post_install", "-at_install")
class TestScreenshots(HttpCase):
    """The screenshots of static/description, taken by scripts/screenshots.sh.

    It runs on a database with the demo data, with CUSTOMER_PORTFOLIO_SCREENSHOTS
    set to the folder to write them to.
    """

    browser_size = "1280x720"

    def test_screenshots(self):
        folder = os.environ["CUSTOMER_PORTFOLIO_SCREENSHOTS"]
        # Anna's day as the demo has it, before the offers made below add calls
        self._take(
            folder,
            {
                "screenshot_today.png": (
                    "/odoo/portfolio-today",
                    ".o_portfolio_today_line",
                    "anna",
                ),
                "screenshot_clients.png": (
                    "/odoo/portfolio-clients",
                    ".o_data_row",
                    "anna",
                ),
            },
        )
        client = self.env.ref("customer_portfolio.res_partner_client_01_demo")
        area = self.env.ref("customer_portfolio.customer_location_risk_espoo_demo")
        clients = self.env["res.partner"].search([("portfolio_id", "!=", False)])
        birthdays = {(c.birthdate.month, c.birthdate.day) for c in clients[:8]}
        for month, day in birthdays - {(2, 29)}:
            self.env["customer.offer"].generate_offers(date(2026, month, day))
        shots = {
            "screenshot_portfolio.png": (
                "/odoo/portfolios",
                ".o_kanban_record",
                "admin",
            ),
            "screenshot_client.png": (
                f"/odoo/portfolio-clients/{client.id}",
                "div[name=portfolio_glance] .badge",
                "anna",
            ),
            "screenshot_offers.png": (
                "/odoo/portfolio-offers",
                ".o_kanban_record",
                "admin",
            ),
            "screenshot_risk.png": (
                f"/odoo/risk-areas/{area.id}",
                ".o_form_view",
                "admin",
            ),
        }
        self._take(folder, shots)

    def _take(self, folder, shots):
        for name, (url, selector, login) in shots.items():
            with self._screenshot(os.path.join(folder, name)):
                self.browser_js(url, SHOW_TAB % selector, "odoo.isReady", login=login)

    @contextmanager
    def _screenshot(self, path):
        """Save what the browser shows when the test in it ends."""
        stop = ChromeBrowser.stop

        def capture_and_stop(browser):
            result = browser._websocket_request(
                "Page.captureScreenshot", params={"format": "png"}
            )
            with open(path, "wb") as image:
                image.write(base64.b64decode(result["data"]))
            stop(browser)

        with patch.object(ChromeBrowser, "stop", capture_and_stop):
            yield


@tagged("post_install", "-at_install")
class TestScreenshotsPhone(TestScreenshots):
    """Today and the clients' cards on a phone, for static/description."""

    browser_size = "375x740"
    touch_enabled = True

    def test_screenshots(self):
        folder = os.environ["CUSTOMER_PORTFOLIO_SCREENSHOTS"]
        self._take(
            folder,
            {
                "screenshot_today_phone.png": (
                    "/odoo/portfolio-today",
                    ".o_portfolio_today_line",
                    "anna",
                ),
                "screenshot_clients_phone.png": (
                    "/odoo/portfolio-clients",
                    ".o_kanban_record .o_portfolio_badges",
                    "anna",
                ),
            },
        )
