from . import customer_portfolio
from . import customer_income_record
from . import customer_life_event
from . import res_partner
from . import customer_segment
from . import customer_location_risk
from . import customer_offer_template
from . import customer_offer
