# Shared by run.sh and test.sh: finds Odoo and PostgreSQL, links this checkout
# into an addons folder and writes an Odoo configuration file for it.
# Odoo itself is a prerequisite: nothing here installs or builds it.

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR="${CUSTOMER_PORTFOLIO_HOME:-$HOME/.cache/customer_portfolio}"
PYTHON="${PYTHON:-python3}"
ODOO_CONF="$STATE_DIR/odoo.conf"

die() {
    printf '\nerror: %s\n' "$*" >&2
    exit 1
}

say() {
    printf '==> %s\n' "$*"
}

find_odoo() {
    command -v "$PYTHON" >/dev/null 2>&1 ||
        die "'$PYTHON' was not found. Install Python 3.10+ and Odoo 19.0 (see README.md)."
    if ! "$PYTHON" -c 'import odoo.release' 2>/dev/null; then
        die "Odoo is missing: '$PYTHON -c \"import odoo\"' fails.
Install Odoo 19.0 Community from source so that python3 can import it, e.g.
    git clone --branch 19.0 --depth 1 https://github.com/odoo/odoo /opt/odoo
    pip install -r /opt/odoo/requirements.txt && pip install -e /opt/odoo
then run this command again."
    fi
    local serie missing
    serie=$("$PYTHON" -c 'import odoo.release as r; print(r.serie)')
    [ "$serie" = "19.0" ] || die "Odoo $serie was found, but this module needs Odoo 19.0."
    if ! missing=$("$PYTHON" -c 'import odoo.service.server' 2>&1); then
        die "Odoo 19.0 is there, but not its Python requirements:
    ${missing##*$'\n'}
Install them with 'pip install -r requirements.txt' in the Odoo source folder."
    fi
    # The core addons live in odoo/addons and, in a source checkout, in addons/.
    ODOO_ADDONS_PATH=$("$PYTHON" - <<'PY'
import os
import odoo

package = next(p for p in odoo.__path__ if os.path.isdir(p))
candidates = [os.path.join(os.path.dirname(package), "addons"), os.path.join(package, "addons")]
print(",".join(p for p in candidates if os.path.isfile(os.path.join(p, "web", "__manifest__.py"))
               or os.path.isfile(os.path.join(p, "base", "__manifest__.py"))))
PY
)
    [ -n "$ODOO_ADDONS_PATH" ] || die "Odoo's own addons (base, web) were not found next to its Python package."
}

pg_answers() {
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

ensure_postgres() {
    command -v psql >/dev/null 2>&1 ||
        die "PostgreSQL is missing: no 'psql' on PATH. Install PostgreSQL 13+ (e.g. apt-get install postgresql)."
    pg_answers && return 0
    if ! pg_isready -q 2>/dev/null; then
        say "PostgreSQL does not answer; starting the local cluster"
        if command -v pg_lsclusters >/dev/null 2>&1; then
            local version name
            # The cluster on the port psql uses, else the first one.
            read -r version name < <(pg_lsclusters --no-header |
                awk -v port="${PGPORT:-5432}" 'NR == 1 {first = $1 " " $2}
                    $3 == port {print $1, $2; found = 1; exit}
                    END {if (!found) print first}')
            [ -n "${version:-}" ] ||
                die "PostgreSQL is installed but has no cluster. Create one (pg_createcluster 15 main) and run this again."
            if [ "$(id -u)" = 0 ]; then
                pg_ctlcluster "$version" "$name" start ||
                    die "PostgreSQL is not running and 'pg_ctlcluster $version $name start' failed (see above)."
            else
                sudo -n pg_ctlcluster "$version" "$name" start ||
                    die "PostgreSQL is not running and could not be started: run 'sudo pg_ctlcluster $version $name start'."
            fi
        else
            die "PostgreSQL is not running and no local cluster was found to start. Start PostgreSQL 13+ and run this again."
        fi
        local tries=0
        until pg_isready -q 2>/dev/null; do
            tries=$((tries + 1))
            [ "$tries" -lt 30 ] || die "PostgreSQL did not start within 30 seconds."
            sleep 1
        done
    fi
    if ! pg_answers; then
        local user
        user=$(id -un)
        say "Creating the PostgreSQL role '$user'"
        if [ "$(id -u)" = 0 ]; then
            runuser -u postgres -- createuser --superuser "$user"
        else
            sudo -n -u postgres createuser --createdb "$user" ||
                die "PostgreSQL has no role '$user': run 'sudo -u postgres createuser --createdb $user'."
        fi
    fi
    pg_answers || die "PostgreSQL answers but refuses user '$(id -un)'. Give it a role with CREATEDB."
}

prepare_addons() {
    mkdir -p "$STATE_DIR/addons" "$STATE_DIR/data"
    ln -sfn "$REPO_DIR" "$STATE_DIR/addons/customer_portfolio"
    MODULE_DIR="$STATE_DIR/addons/customer_portfolio"
    cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $STATE_DIR/addons,$ODOO_ADDONS_PATH
data_dir = $STATE_DIR/data
admin_passwd = admin
http_interface = 127.0.0.1
http_port = 8069
CONF
}

odoo_bin() {
    "$PYTHON" -m odoo "$@"
}

recreate_db() {
    local db="$1"
    shift
    dropdb --if-exists --force "$db"
    rm -rf "$STATE_DIR/data/filestore/$db"
    say "Creating database '$db' with customer_portfolio"
    odoo_bin -c "$ODOO_CONF" -d "$db" -i customer_portfolio --stop-after-init \
        --log-level=warn "$@"
}

# The portfolio report prints with wkhtmltopdf; the tests read its PDF with
# pdftotext (poppler-utils). Installed from Debian's packages when missing.
ensure_pdf_tools() {
    local missing=()
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        say "warning: ${missing[*]} missing: PDF printing will not work (sudo apt-get install ${missing[*]})"
        return 0
    fi
    say "Installing ${missing[*]} to print the reports as PDF"
    if ! apt-get install -y "${missing[@]}"; then
        apt-get update && apt-get install -y "${missing[@]}" ||
            die "'apt-get install ${missing[*]}' failed: install them and run this again."
    fi
}
