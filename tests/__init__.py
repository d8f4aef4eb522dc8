from importlib.util import find_spec

from . import test_access
from . import test_constraints
from . import test_partner_dates
from . import test_portfolio
from . import test_income_trend
from . import test_life_events
from . import test_segment
from . import test_target_share
from . import test_location_risk
from . import test_offers
from . import test_offer_engine
from . import test_i18n
from . import test_workspace
from . import test_transfer
from . import test_portfolio_pdf_report
from . import test_security_rpc
from . import test_hardening
from . import test_concurrency
from . import test_ui
from . import test_views
from . import test_query_counts
from . import test_consent
from . import test_trust
from . import test_threat_model
from . import test_client_glance
from . import test_holding
from . import test_sales_team

# optional test library, installed by scripts/requirements-test.txt
if find_spec("hypothesis"):
    from . import test_properties
