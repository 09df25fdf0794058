#!/bin/sh
# soak-wall.sh — the wall soak through the real stream: the real
# jingbao-dispatchd with its simulator (the demo city plus UNITS extra
# units, all moving, each reporting at 1 Hz) and the real `jingbao --wall`
# signed in as the demo viewer, in its own process under Xvfb. Every
# SAMPLE_S seconds it prints the client's RSS (and its anonymous and
# file-backed parts, from /proc/PID/status) and the CPU it used (user +
# system), the server's RSS, the positions the server accepted (its
# simulator's own count), the moves the client applied and the heap glibc
# says is in use and what its arenas hold (mallinfo2, from the client's
# log).
#
# Warm-up: the run is SOAK_WALL_WARMUP minutes (default 10) of declared
# warm-up, then MINUTES measured minutes. A wall runs for weeks: what
# matters is the slope once its caches have filled, so the headline is the
# slope over the measured window (least squares, MB/h, from the sample at
# the end of the warm-up to the last). The slope over every sample (the
# warm-up included) is printed too, labelled, and so are the slopes over
# each third of the measured window, of the anonymous and file-backed RSS
# and of the heap in use, the CPU share of one core, the rate the server
# delivered, the client's reconnects and snapshot reloads (from its
# jb-stream log), and the mappings whose RSS changed by 100 kB or more
# over the measured window (from /proc/PID/smaps). SOAK_WALL_WARMUP=0
# measures from the first sample.
#
# Mode: a staffed room by default. The server's simulator raises its
# alarms (0.5 a minute) and plays the room's dispatcher through the API
# (--sim-handle): each incident is acknowledged within a minute, the
# nearest free unit is sent, and it is closed 0.5-1.5 x SOAK_WALL_HANDLE
# seconds after it came (default 600: 5 to 15 minutes), so that the open
# incidents reach a steady number. SOAK_WALL_HANDLE=0 is the unattended
# mode of earlier runs: nobody acknowledges or closes anything.
# SOAK_WALL_ALARMS=X raises X alarms a minute instead of 0.5 (to find in
# minutes what a wall gains per incident, with a small city).
#
# Renderer: GSK_RENDERER is left unset by default, so the wall runs on the
# renderer it chooses for itself (cairo); SOAK_WALL_RENDERER=gl measures
# GTK's GL renderer instead (llvmpipe under Xvfb: see docs/wall.md).
#
#   tests/bench/soak-wall.sh BUILDDIR [MINUTES (30)] [SAMPLE_S (60)] [UNITS (20000)]
#
# Run it with nice on a shared machine. Needs xvfb-run. With
# SOAK_WALL_KEEP=DIR it copies the client's and server's logs there.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

build=$(cd "${1:?usage: soak-wall.sh BUILDDIR [MINUTES] [SAMPLE_S] [UNITS]}" && pwd)
minutes=${2:-30}
sample_s=${3:-60}
units=${4:-20000}
warmup=${SOAK_WALL_WARMUP:-10}
handle=${SOAK_WALL_HANDLE:-600}
renderer=${SOAK_WALL_RENDERER:-default}
alarms=${SOAK_WALL_ALARMS:-0.5}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jb-soak-wall-XXXXXX")
server_pid=
client_pid=

cleanup () {
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${SOAK_WALL_KEEP:-}" ] && cp "$dir/client.log" "$dir/server.log" "$SOAK_WALL_KEEP"/ 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$build/src/server/jingbao-dispatchd" --db "$dir/db.sqlite" --listen 127.0.0.1:0 \
  --demo --demo-extra-units "$units" --simulate --sim-rate 1 --sim-moving-fraction 1 \
  --sim-alarms-per-min "$alarms" --sim-handle "$handle" >"$dir/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 1 600); do
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$dir/server.log" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.5
done
[ -n "$url" ] || { echo "soak-wall: the server did not start" >&2; cat "$dir/server.log" >&2; exit 1; }

case $warmup in
  ''|*[!0-9]*) echo "soak-wall: SOAK_WALL_WARMUP must be whole minutes, not \"$warmup\"" >&2; exit 1 ;;
esac
if [ "$renderer" = default ]; then
  unset GSK_RENDERER
else
  GSK_RENDERER=$renderer
  export GSK_RENDERER
fi

printf demo >"$dir/password"
# The client's own pid (xvfb-run's child), for /proc.
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" GDK_BACKEND=x11 \
NO_AT_BRIDGE=1 XDG_CACHE_HOME="$dir/cache" XDG_DATA_HOME="$dir/data" G_MESSAGES_DEBUG="jb-stream jb-icon-atlas jb-wall-window jb-wall-session" \
  xvfb-run -a -s "-screen 0 1920x1080x24" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/client.pid" \
  "$build/src/app/jingbao" --wall -s "$url" -u wall --password-file "$dir/password" \
  --view 28.25,112.995,12 >"$dir/client.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do
  [ -s "$dir/client.pid" ] && break
  sleep 0.2
done
client_pid=$(cat "$dir/client.pid")

ticks=$(getconf CLK_TCK)
cpu_ticks () { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib () { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Anonymous and file-backed RSS (kB): memory the client made, and pages of
# files it maps (libraries, fonts) that it has touched.
rss_parts () { awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print a + 0, f + 0 }' "/proc/$1/status"; }
# RSS (kB) by mapping: the file's path, or [heap], [anon], ...
smaps_by_name () {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]"; next }
       /^Rss:/ { rss[name] += $2 }
       END { for (n in rss) print n, rss[n] }' "/proc/$1/smaps" 2>/dev/null | LC_ALL=C sort
}
applied () { sed -n 's/.*Applied so far: \([0-9]*\) moves.*/\1/p' "$dir/client.log" | tail -n 1 | awk '{ print $1 + 0 } END { if (NR == 0) print 0 }'; }
# The client's last heap line (jb-stream logs glibc's mallinfo2 with its
# totals): arenas, taken from the system, in use, free inside the arenas.
heap () { sed -n 's/.*Heap: arenas \([0-9]*\), from the system \([0-9.]*\) MB (mmapped [0-9.]* MB), in use \([0-9.]*\) MB, free \([0-9.]*\) MB.*/\1 \2 \3 \4/p' "$dir/client.log" | tail -n 1 | awk '{ print } END { if (NR == 0) print "0 0 0 0" }'; }
accepted () { sed -n 's/.*: \([0-9]*\) positions (.*/\1/p' "$dir/server.log" | awk '{ s += $1 } END { print s + 0 }'; }

echo "soak-wall: $units extra units, all moving at 1 Hz; $alarms alarms a minute; $warmup min of declared warm-up, then $minutes measured min; a sample every $sample_s s; GSK_RENDERER=${GSK_RENDERER:-unset (the wall's choice)}; server $url"
if [ "$handle" = 0 ]; then
  echo "soak-wall: mode: unattended (SOAK_WALL_HANDLE=0): nobody acknowledges or closes the incidents"
else
  echo "soak-wall: mode: staffed room (SOAK_WALL_HANDLE=$handle): a simulated dispatcher acknowledges each incident within a minute, sends a unit and closes it $(( handle / 2 ))-$(( handle * 3 / 2 )) s after it came"
fi
echo " min  client RSS MB  anon MB  file MB  client CPU s (in the period)  server RSS MB  positions accepted/s (server)  moves applied/s (client)  heap: arenas  from system MB  in use MB  free MB"
start=$(date +%s)
cpu0=$(cpu_ticks "$client_pid")
acc0=$(accepted)
app0=$(applied)
samples=
i=0
n_warmup=$(( warmup * 60 / sample_s ))
smaps_by_name "$client_pid" >"$dir/smaps-start"
while [ "$i" -lt $(( (warmup + minutes) * 60 / sample_s )) ]; do
  sleep "$sample_s"
  i=$(( i + 1 ))
  kill -0 "$client_pid" 2>/dev/null || { echo "soak-wall: the client died" >&2; tail -n 30 "$dir/client.log" >&2; exit 1; }
  now=$(date +%s)
  cpu=$(cpu_ticks "$client_pid")
  acc=$(accepted)
  app=$(applied)
  rss=$(rss_kib "$client_pid")
  srss=$(rss_kib "$server_pid")
  set -- $(rss_parts "$client_pid")
  anon=$1 file=$2
  t_min=$(echo "($now - $start) / 60" | bc -l)
  set -- $(heap)
  printf '%5.1f  %12.1f  %7.1f  %7.1f  %28.2f  %13.1f  %29.0f  %24.0f  %12s  %14s  %9s  %7s\n' "$t_min" "$(echo "$rss / 1024" | bc -l)" \
    "$(echo "$anon / 1024" | bc -l)" "$(echo "$file / 1024" | bc -l)" \
    "$(echo "($cpu - $cpu0) / $ticks" | bc -l)" "$(echo "$srss / 1024" | bc -l)" \
    "$(echo "($acc - $acc0) / $sample_s" | bc -l)" "$(echo "($app - $app0) / $sample_s" | bc -l)" "$1" "$2" "$3" "$4"
  samples="$samples $t_min:$rss:$cpu:$acc:$app:$3:$anon:$file"
  if [ "$i" -eq "$n_warmup" ]; then
    smaps_by_name "$client_pid" >"$dir/smaps-window"
    echo "----  the declared warm-up ($warmup min) ends here: the measured window starts at this sample"
  fi
  cpu0=$cpu
  acc0=$acc
  app0=$app
done

echo "$samples" | tr ' ' '\n' | awk -F: -v ticks="$ticks" -v w="$n_warmup" -v warmup="$warmup" '
  # Least squares over samples i..j of y (MB) against t (min), in MB/h.
  function slope(y, i, j,   k, m, sx, sy, sxx, sxy) {
    for (k = i; k <= j; k++) { m++; sx += t[k]; sy += y[k]; sxx += t[k] * t[k]; sxy += t[k] * y[k] }
    return (m < 2 || m * sxx == sx * sx) ? 0 : (m * sxy - sx * sy) / (m * sxx - sx * sx) * 60
  }
  NF == 8 { n++; t[n] = $1; r[n] = $2 / 1024; c[n] = $3; a[n] = $4; p[n] = $5; h[n] = $6; an[n] = $7 / 1024; fi[n] = $8 / 1024 }
  END {
    if (n < 3) { print "soak-wall: too few samples for a slope"; exit }
    # The measured window: from the sample that ends the warm-up (or the
    # first sample, without one) to the last.
    s = (w >= 1 && w < n) ? w : 1
    if (n - s < 2) { print "soak-wall: too few samples after the warm-up for a slope"; exit }
    span = (t[n] - t[s]) * 60
    printf "client RSS: %.1f MB at minute %.1f (the first sample), %.1f MB at minute %.1f (the measured window starts), %.1f MB at minute %.1f (the end)\n", r[1], t[1], r[s], t[s], r[n], t[n]
    printf "client RSS slope over the measured window (minute %.0f-%.0f, after the declared warm-up of %d min): %+.2f MB/h (target < 1)\n", t[s], t[n], warmup, slope(r, s, n)
    printf "client RSS slope over every sample (minute %.0f-%.0f, the warm-up included): %+.2f MB/h\n", t[1], t[n], slope(r, 1, n)
    # Where a slope comes from: each third of the measured window.
    k1 = s + int((n - s) / 3); k2 = s + int(2 * (n - s) / 3)
    printf "client RSS by third of the measured window: %+.2f MB/h (min %.0f-%.0f), %+.2f (min %.0f-%.0f), %+.2f (min %.0f-%.0f)\n", \
      slope(r, s, k1), t[s], t[k1], slope(r, k1, k2), t[k1], t[k2], slope(r, k2, n), t[k2], t[n]
    printf "client RSS, anonymous: %.1f -> %.1f MB over the measured window, slope %+.2f MB/h (every sample: %+.2f)\n", an[s], an[n], slope(an, s, n), slope(an, 1, n)
    printf "client RSS, file-backed (libraries, fonts): %.1f -> %.1f MB over the measured window, slope %+.2f MB/h (every sample: %+.2f)\n", fi[s], fi[n], slope(fi, s, n), slope(fi, 1, n)
    if (h[n] > 0) printf "client heap in use (mallinfo2): %.1f MB at the first sample, %.1f when the window starts -> %.1f MB at the end; slope %+.2f MB/h over the measured window, %+.2f over every sample\n", h[1], h[s], h[n], slope(h, s, n), slope(h, 1, n)
    printf "client CPU over the measured window: %.2f s per minute = %.1f %% of one core (every sample: %.1f %%)\n", (c[n] - c[s]) / ticks / (span / 60), (c[n] - c[s]) / ticks / span * 100, (n > 1 && t[n] > t[1]) ? (c[n] - c[1]) / ticks / ((t[n] - t[1]) * 60) * 100 : 0
    printf "server: %.0f positions accepted per second on average over the measured window\n", (a[n] - a[s]) / span
    printf "client: %.0f moves applied per second on average over the measured window (%.2f CPU ms per 1,000)\n", (p[n] - p[s]) / span, (p[n] > p[s]) ? (c[n] - c[s]) / ticks * 1e6 / (p[n] - p[s]) : 0
  }'
# What grew where over the measured window, by mapping.
from="$dir/smaps-window"
[ -s "$from" ] || from="$dir/smaps-start"
if [ -s "$from" ]; then
  smaps_by_name "$client_pid" >"$dir/smaps-end"
  LC_ALL=C join -a 1 -a 2 -e 0 -o 0,1.2,2.2 "$from" "$dir/smaps-end" |
    awk '{ d = $3 - $2 } d >= 100 || d <= -100 { printf "client RSS by mapping over the measured window: %+.1f MB (%.1f -> %.1f) %s\n", d / 1024, $2 / 1024, $3 / 1024, $1 }'
fi
grep -h 'Icon atlas' "$dir/client.log" | sed 's/.*Icon atlas/client: icon atlas/' || true
grep -h 'Renderer: ' "$dir/client.log" | sed 's/.*Renderer: /client: renderer /' | sort -u || true
# Every minute the wall maps in its font files and trims its heap.
echo "client: memory tended $(grep -c 'Memory tended' "$dir/client.log" || true) times; the last: $(grep -h 'Memory tended' "$dir/client.log" | tail -n 1 | sed 's/.*Memory tended: //')"
echo "client stream: $(grep -c 'Reconnecting in' "$dir/client.log" || true) reconnects, of which reloads: $(grep -c 'Missed events\|asked for a reload\|is behind ours' "$dir/client.log" || true)"
grep 'falling behind\|dispatch busy' "$dir/server.log" | tail -n 1 | sed 's/^/server (last period): /' || true
# The simulator's 10-second lines: alarms raised and, staffed, what the
# dispatcher did.
sed -n 's/.* \([0-9]*\) alarms, \(\([0-9]*\) incidents acknowledged, \([0-9]*\) units sent, \([0-9]*\) incidents closed\)\{0,1\}.*/\1 \3 \4 \5/p' "$dir/server.log" |
  awk -v mode="$handle" '{ a += $1; k += $2; s += $3; c += $4 } END {
    if (mode == 0) printf "incidents: %d alarms raised, none handled (unattended)\n", a
    else printf "incidents: %d alarms raised; the dispatcher acknowledged %d, sent %d units, closed %d\n", a, k, s, c }'
