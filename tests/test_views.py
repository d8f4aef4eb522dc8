from odoo.tests import TransactionCase, tagged

from .common import LANGS


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    def test_every_menu_loads_in_every_language(self):
        """Each view of each menu's action loads in every shipped language."""
        menus = self.env["ir.ui.menu"].browse(
            self.env["ir.model.data"]
            .search(
                [("module", "=", "customer_portfolio"), ("model", "=", "ir.ui.menu")]
            )
            .mapped("res_id")
        )
        actions = {
            menu.action
            for menu in menus
            if menu.action and menu.action._name == "ir.actions.act_window"
        }
        self.assertGreaterEqual(len(actions), 10)
        for code in LANGS:
            self.env["res.lang"]._activate_lang(code)
            for action in actions:
                views = [(v.view_id.id, v.view_mode) for v in action.view_ids]
                modes = {mode for __, mode in views}
                views += [
                    (False, mode)
                    for mode in action.view_mode.split(",")
                    if mode not in modes
                ]
                views.append((action.search_view_id.id, "search"))
                model = self.env[action.res_model].with_context(lang=code)
                with self.subTest(lang=code, action=action.name):
                    result = model.get_views(views)
                    self.assertEqual(set(result["views"]), {mode for __, mode in views})
