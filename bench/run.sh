#!/usr/bin/env bash
# Benchmark the daily jobs on generated databases of 100k and 1M clients.
# Usage: bash bench/run.sh [--sizes 100000,1000000] [--reuse] [--naive-budget 60]
#        [--steps offers,...,campaign] [--workers 2] [--drain-budget 300]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

find_odoo
ensure_postgres
prepare_addons
VENV="${CUSTOMER_PORTFOLIO_VENV:-$HOME/.cache/customer_portfolio/venv}"
if "$VENV/bin/python" -c 'import odoo.release' 2>/dev/null; then
    PYTHON="$VENV/bin/python"
fi
# the campaign day's SMTP sink
if ! "$PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
    "$PYTHON" -m pip install --quiet aiosmtpd
fi
exec "$PYTHON" "$REPO_DIR/bench/benchmark.py" --config "$ODOO_CONF" "$@"
