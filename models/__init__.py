from . import customer_portfolio
from . import customer_income_record
from . import customer_life_event
from . import res_partner
from . import res_config_settings
