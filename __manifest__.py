{
    "name": "Customer Portfolio",
    "summary": "Keep each client's register up to date and reach them "
    "with the right offer at the moments that matter",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-portfolio/customer_portfolio",
    "author": "Customer Portfolio contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["contacts", "mail"],
    "data": [
        "security/customer_portfolio_security.xml",
        "security/ir.model.access.csv",
        "data/customer_offer_category_data.xml",
        "data/ir_cron_data.xml",
        "views/customer_portfolio_views.xml",
        "views/customer_income_record_views.xml",
        "views/customer_life_event_views.xml",
        "views/res_partner_views.xml",
        "views/customer_location_risk_views.xml",
        "views/res_partner_risk_views.xml",
        "views/customer_portfolio_menus.xml",
    ],
    "demo": [
        "demo/customer_portfolio_demo.xml",
    ],
}
