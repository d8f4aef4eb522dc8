#!/usr/bin/env bash
# Serve Odoo with customer_portfolio and its demo data on http://localhost:8069
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${1:-customer_portfolio}"
find_odoo
ensure_postgres
prepare_addons
ensure_pdf_tools
if (exec 3<>/dev/tcp/127.0.0.1/8069) 2>/dev/null; then
    die "Port 8069 is already in use: stop the server that runs there and try again."
fi
recreate_db "$DB" --with-demo
cat <<MSG

  Customer Portfolio is ready.
  Open   http://localhost:8069/odoo/portfolio-clients
  Login  admin / admin   (agents: anna / anna, bruno / bruno, chloe / chloe;
         manager: marta / marta)
  Stop   Ctrl+C

MSG
exec "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$DB" --db-filter="^${DB}\$"
