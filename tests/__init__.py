from . import test_access
from . import test_constraints
from . import test_partner_dates
from . import test_portfolio
from . import test_income_trend
from . import test_life_events
from . import test_location_risk
