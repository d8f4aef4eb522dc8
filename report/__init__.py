from . import customer_portfolio_report
from . import customer_offer_target_report
from . import customer_occasion
from . import customer_cross_sell_report
