from . import test_access
from . import test_constraints
from . import test_partner_dates
from . import test_portfolio
from . import test_segment
from . import test_target_share
