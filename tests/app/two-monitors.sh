#!/usr/bin/env bash
# two-monitors.sh — runs COMMAND on a private Xorg with two dummy monitors
# (DUMMY0 1920x1080 at 0,0 and DUMMY1 1280x1024 right of it) and openbox,
# on a free display, and stops both afterwards.
#
#   tests/app/two-monitors.sh COMMAND [ARGS…]
#
# Plain Xvfb is not enough: GTK 4.8 ignores RandR monitors without an
# output. Exits 77 (meson's "skipped") when Xorg's dummy driver or openbox
# is not installed (scripts/install-deps installs them). With
# TWO_MONITORS_SHOT=FILE.png the whole screen is saved before stopping.
set -euo pipefail

for tool in Xorg openbox xrandr; do
  if ! command -v "$tool" >/dev/null; then
    echo "two-monitors: $tool is not installed (scripts/install-deps); skipped" >&2
    exit 77
  fi
done
if [ ! -e /usr/lib/xorg/modules/drivers/dummy_drv.so ]; then
  echo "two-monitors: the Xorg dummy driver is not installed (scripts/install-deps); skipped" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/jb-two-monitors.XXXXXX")
xorg_pid=""
wm_pid=""
cleanup() {
  [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null || true
  if [ -n "$xorg_pid" ]; then
    kill "$xorg_pid" 2>/dev/null || true
    wait "$xorg_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/two-monitors.conf" <<'CONF'
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 256000
    Option "Monitor-DUMMY0" "m0"
    Option "Monitor-DUMMY1" "m1"
EndSection
Section "Monitor"
    Identifier "m0"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
    Option "PreferredMode" "1920x1080"
EndSection
Section "Monitor"
    Identifier "m1"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
    Option "PreferredMode" "1280x1024"
    Option "Enable" "true"
    Option "RightOf" "DUMMY0"
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "m0"
    DefaultDepth 24
EndSection
CONF

# A free display: no lock file and no socket. Several runs side by side
# may race for one; Xorg then fails and the next number is tried.
for n in $(seq 60 160); do
  [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
  # A clean environment: the tests' malloc checks are not for Xorg.
  env -i PATH="$PATH" Xorg ":$n" -config "$dir/two-monitors.conf" -noreset -nolisten tcp -keeptty \
       -logfile "$dir/xorg.log" >/dev/null 2>&1 &
  xorg_pid=$!
  for _ in $(seq 100); do
    if DISPLAY=":$n" xrandr --listmonitors >/dev/null 2>&1; then
      break
    fi
    kill -0 "$xorg_pid" 2>/dev/null || break
    sleep 0.1
  done
  if DISPLAY=":$n" xrandr --listmonitors >/dev/null 2>&1; then
    export DISPLAY=":$n"
    break
  fi
  kill "$xorg_pid" 2>/dev/null || true
  wait "$xorg_pid" 2>/dev/null || true
  xorg_pid=""
done
if [ -z "$xorg_pid" ]; then
  echo "two-monitors: Xorg did not start on any display" >&2
  exit 1
fi

# A clean environment: the tests' G_DEBUG, malloc checks and sanitizer
# options are for the code under test, not for the window manager.
env -i DISPLAY="$DISPLAY" HOME="${HOME:-/tmp}" PATH="$PATH" openbox --sm-disable >"$dir/openbox.log" 2>&1 &
wm_pid=$!
# openbox is ready once it owns the window-manager selection.
for _ in $(seq 100); do
  xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
  sleep 0.1
done

export GDK_BACKEND=x11
export GSK_RENDERER=cairo
status=0
"$@" || status=$?

if [ -n "${TWO_MONITORS_SHOT:-}" ]; then
  import -window root "$TWO_MONITORS_SHOT" || true
fi
if [ $status -ne 0 ] && [ -s "$dir/openbox.log" ]; then
  echo "two-monitors: openbox said:" >&2; cat "$dir/openbox.log" >&2
fi
exit $status
