#!/usr/bin/env bash
# private-keyring.sh — runs COMMAND with a private session bus and a new,
# unlocked gnome-keyring in a temporary home, so that a libsecret test
# never touches a real keyring.
#
#   tests/app/private-keyring.sh COMMAND [ARGS…]
#
# Without dbus-run-session or gnome-keyring-daemon the command runs as it
# is; the test then finds no secret service and says it skipped.
set -euo pipefail

if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "private-keyring: dbus-run-session or gnome-keyring-daemon missing; no keyring" >&2
  unset DBUS_SESSION_BUS_ADDRESS
  exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/jb-keyring.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/home" "$dir/run"
chmod 700 "$dir/run"

export JB_KEYRING_DIR="$dir"
# No accessibility bus: one started on the private session bus would
# leave its address on the X display for the tests that come after.
export GTK_A11Y=none
dbus-run-session -- env HOME="$dir/home" XDG_DATA_HOME="$dir/home/.local/share" \
  XDG_RUNTIME_DIR="$dir/run" bash -c '
    # A throwaway password on stdin creates the login keyring unlocked (an
    # empty one creates none, and storing would then wait for a prompt).
    printf "jb-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
    exec "$@"' private-keyring "$@"
