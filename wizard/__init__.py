from . import customer_portfolio_transfer
from . import base_partner_merge_automatic_wizard
