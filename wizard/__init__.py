from . import customer_portfolio_transfer
