#!/usr/bin/env bash
# Lint the module, install it on a fresh database and run its whole test suite.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${1:-customer_portfolio_test}"
find_odoo
ensure_postgres
prepare_addons

# Test tools live in a virtual environment that still sees Odoo.
VENV="${CUSTOMER_PORTFOLIO_VENV:-$HOME/.cache/customer_portfolio/venv}"
REQS="$REPO_DIR/scripts/requirements-test.txt"
if ! "$VENV/bin/python" -c 'import odoo.release' 2>/dev/null; then
    say "Creating the test tools' virtual environment in $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv --system-site-packages "$VENV" ||
        die "'$PYTHON -m venv' failed: install the venv module (Debian, Ubuntu: apt-get install python3-venv)."
    if ! "$VENV/bin/python" -c 'import odoo.release' 2>/dev/null; then
        # Odoo lives in a virtual environment itself: add its site-packages.
        "$PYTHON" -c 'import site; print("import site; " + "; ".join(
            f"site.addsitedir({p!r})" for p in site.getsitepackages()))' \
            >"$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/odoo_site.pth"
        "$VENV/bin/python" -c 'import odoo.release' ||
            die "Odoo is not importable from the virtual environment $VENV."
    fi
fi
if ! cmp -s "$REQS" "$VENV/.requirements-test.txt"; then
    say "Installing the test tools"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    cp "$REQS" "$VENV/.requirements-test.txt"
fi
PYTHON="$VENV/bin/python"

say "Linting"
cd "$MODULE_DIR"
"$VENV/bin/ruff" check --no-fix .
"$VENV/bin/ruff" format --check .
(cd "$STATE_DIR/addons" && "$VENV/bin/pylint" --rcfile="$REPO_DIR/.pylintrc" customer_portfolio)
"$VENV/bin/oca-checks-odoo-module" "$MODULE_DIR"
# po-pretty-format would empty every translation equal to its source ("VIP",
# "ID"), which check_i18n.py below rightly reports as untranslated.
"$VENV/bin/oca-checks-po" --disable po-pretty-format \
    "$MODULE_DIR"/i18n/*.po "$MODULE_DIR"/i18n/*.pot

recreate_db "$DB"

say "Checking translations"
fresh_pot="$STATE_DIR/customer_portfolio.fresh.pot"
odoo_bin i18n export -c "$ODOO_CONF" -d "$DB" customer_portfolio -l pot \
    -o "$fresh_pot" >"$STATE_DIR/i18n-export.log" 2>&1 ||
    die "exporting the translation template failed, see $STATE_DIR/i18n-export.log"
"$PYTHON" "$REPO_DIR/scripts/check_i18n.py" "$fresh_pot" \
    "$MODULE_DIR/i18n/customer_portfolio.pot" fi de fr pt_BR pt ro

say "Running the tests"
set +e
"$PYTHON" -m pytest -p no:cacheprovider --rootdir "$STATE_DIR/addons" \
    --odoo-config "$ODOO_CONF" --odoo-database "$DB" --odoo-log-level=warn \
    "$MODULE_DIR/tests"
status=$?
set -e
[ "$status" -eq 0 ] || die "the test suite failed (pytest exit status $status)"
say "All checks passed"
