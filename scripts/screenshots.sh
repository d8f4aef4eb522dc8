#!/usr/bin/env bash
# Take the screenshots of static/description from the real web client: a fresh
# database with the demo data, then the TestScreenshots browser test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${1:-customer_portfolio_screenshots}"
VENV="${CUSTOMER_PORTFOLIO_VENV:-$HOME/.cache/customer_portfolio/venv}"
find_odoo
ensure_postgres
prepare_addons
"$VENV/bin/python" -c "import pytest_odoo, websocket" 2>/dev/null || die "Run scripts/test.sh once first: it installs the test tools in $VENV."
PYTHON="$VENV/bin/python"
recreate_db "$DB" --with-demo
say "Taking the screenshots"
cd "$STATE_DIR/addons"
CUSTOMER_PORTFOLIO_SCREENSHOTS="$REPO_DIR/static/description" \
    "$PYTHON" -m pytest -p no:cacheprovider --rootdir "$STATE_DIR/addons" \
    --odoo-config "$ODOO_CONF" --odoo-database "$DB" --odoo-log-level=warn --odoo-http \
    "$MODULE_DIR/scripts/screenshots.py"
dropdb --if-exists --force "$DB"
ls -l "$REPO_DIR"/static/description/screenshot_*.png
