from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Remove the module's settings: nothing of it stays behind."""
    env["ir.config_parameter"].search(
        [("key", "=like", "customer_portfolio.%")]
    ).unlink()
