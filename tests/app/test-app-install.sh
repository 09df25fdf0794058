#!/usr/bin/env bash
# test-app-install.sh — the installed layout works.
#
#   tests/app/test-app-install.sh BUILD_DIR
#
# Installs the build with `meson install --destdir` into a temporary
# directory, as a package build does, then runs the installed `jingbao`
# from there: --version, --help in Chinese from the installed catalogue,
# and (with a display) the sign-in dialog, whose title comes from the
# installed binary's resources and the installed schema, found by window
# title in English and in Chinese. Checks the desktop file, metainfo,
# icons, schema and the wall's systemd unit are where they belong.
#
# A DESTDIR install runs no post-install hooks (the package manager's
# triggers do that on the target): the schemas are compiled here the way
# the trigger would.
set -euo pipefail

build=${1:?BUILD_DIR}
fail() { echo "not ok: $*" >&2; exit 1; }

dest=$(mktemp -d "${TMPDIR:-/tmp}/jb-install.XXXXXX")
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$dest"
}
trap cleanup EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root="$dest$prefix"
share="$root/share"

for f in bin/jingbao bin/jingbao-dispatchd \
         share/applications/io.github.jingbao.Console.desktop \
         share/metainfo/io.github.jingbao.Console.metainfo.xml \
         share/icons/hicolor/scalable/apps/io.github.jingbao.Console.svg \
         share/icons/hicolor/symbolic/apps/io.github.jingbao.Console-symbolic.svg \
         share/glib-2.0/schemas/io.github.jingbao.Console.gschema.xml \
         share/locale/zh_CN/LC_MESSAGES/jingbao.mo \
         lib/systemd/user/jingbao-wall.service; do
  [ -e "$root/$f" ] || fail "$f is not installed"
  echo "ok: installed $f"
done
grep -q "^ExecStart=$prefix/bin/jingbao --wall" "$root/lib/systemd/user/jingbao-wall.service" ||
  fail "the unit does not start the installed binary"
grep -q '^Exec=jingbao' "$share/applications/io.github.jingbao.Console.desktop" || fail "desktop Exec"

glib-compile-schemas --strict "$share/glib-2.0/schemas"

export GSETTINGS_SCHEMA_DIR="$share/glib-2.0/schemas"
export GSETTINGS_BACKEND=memory
export XDG_DATA_DIRS="$share:${XDG_DATA_DIRS:-/usr/share}"
# The binary looks for its catalogue under its configured prefix; the
# DESTDIR copy is named explicitly (the only thing not found by itself).
export JB_LOCALEDIR="$share/locale"
unset JB_DISPATCHD

version=$("$root/bin/jingbao" --version)
[ "$version" = "jingbao $(meson introspect "$build" --projectinfo | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" ] ||
  fail "--version said: $version"
echo "ok: $version"

if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$root/bin/jingbao" --help | grep -q '以无人值守大屏方式运行' ||
    fail "--help is not in Chinese with the installed catalogue"
  echo "ok: --help in Chinese"
else
  echo "skip: no zh_CN.UTF-8 locale (localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)"
fi

if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null; then
  echo "skip: no display or no xdotool for the window check"
  exit 0
fi

# Nothing listens on port 9: the sign-in dialog stays up. Its title is
# in the installed resources (a GtkBuilder template).
wait_title() {
  for _ in $(seq 300); do
    if xdotool search --name "^$1\$" >/dev/null 2>&1; then return 0; fi
    kill -0 "$app_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
"$root/bin/jingbao" --server http://127.0.0.1:9 >/dev/null 2>&1 &
app_pid=$!
wait_title "Sign In" || fail "no sign-in window from the installed jingbao"
echo "ok: the installed jingbao shows its sign-in dialog"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""

if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$root/bin/jingbao" --server http://127.0.0.1:9 >/dev/null 2>&1 &
  app_pid=$!
  wait_title "登录" || fail "no Chinese sign-in window from the installed jingbao"
  echo "ok: in Chinese too"
fi
