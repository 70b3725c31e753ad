# Headless Chromium for the browser tests of scripts/test. Source it; it defines functions only.
#
#   provision_chromium   finds Chromium and chromedriver (FLEETGATE_TEST_CHROMIUM and
#                        FLEETGATE_TEST_CHROMEDRIVER, else Debian's /usr/bin/chromium and
#                        /usr/bin/chromedriver); installs Debian's 'chromium' and 'chromium-driver'
#                        with apt-get when they are missing and we are root, and otherwise dies
#                        saying how to provide them (the browser tests are never skipped). Makes a
#                        throwaway directory for the browsers' profiles (--user-data-dir). Sets
#                        CHROMIUM_BIN, CHROMEDRIVER_BIN and CHROMIUM_DIR.
#   chromium_remove      deletes that directory
#
# The caller defines die() and installs a trap that calls chromium_remove.

CHROMIUM_BIN=""
CHROMEDRIVER_BIN=""
CHROMIUM_DIR=""

install_chromium() {
  [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null \
    || die "Chromium or chromedriver not found ($CHROMIUM_BIN, $CHROMEDRIVER_BIN) and cannot apt-get install them (need root on Debian/Ubuntu). Install the packages 'chromium' and 'chromium-driver', or set FLEETGATE_TEST_CHROMIUM and FLEETGATE_TEST_CHROMEDRIVER to a headless-capable Chromium and its matching chromedriver."
  echo "Installing Chromium and chromedriver with apt-get..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || die "apt-get could not install 'chromium' and 'chromium-driver'; install them, or set FLEETGATE_TEST_CHROMIUM and FLEETGATE_TEST_CHROMEDRIVER"
}

provision_chromium() {
  CHROMIUM_BIN=${FLEETGATE_TEST_CHROMIUM:-/usr/bin/chromium}
  CHROMEDRIVER_BIN=${FLEETGATE_TEST_CHROMEDRIVER:-/usr/bin/chromedriver}
  if [ ! -x "$CHROMIUM_BIN" ] || [ ! -x "$CHROMEDRIVER_BIN" ]; then
    if [ -n "${FLEETGATE_TEST_CHROMIUM:-}${FLEETGATE_TEST_CHROMEDRIVER:-}" ]; then
      die "FLEETGATE_TEST_CHROMIUM ($CHROMIUM_BIN) or FLEETGATE_TEST_CHROMEDRIVER ($CHROMEDRIVER_BIN) is not an executable"
    fi
    install_chromium
    [ -x "$CHROMIUM_BIN" ] && [ -x "$CHROMEDRIVER_BIN" ] \
      || die "after installing, $CHROMIUM_BIN or $CHROMEDRIVER_BIN is still missing"
  fi
  CHROMIUM_DIR=$(mktemp -d -t fleetgate-chromium.XXXXXX)
  echo "Using $("$CHROMIUM_BIN" --version 2>/dev/null | head -1) with $CHROMEDRIVER_BIN (profiles in $CHROMIUM_DIR)"
}

chromium_remove() {
  [ -n "$CHROMIUM_DIR" ] && rm -rf "$CHROMIUM_DIR"
  CHROMIUM_DIR=""
}
