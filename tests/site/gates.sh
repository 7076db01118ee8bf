#!/usr/bin/env bash
# The quality gates of the public sites, run by .ci/run after `cargo test`
# (README, "For CI maintainers"). Builds the example site and the three
# example programme sites at a fixed day, then runs real third-party tools
# on what visitors get:
#   1. the W3C Nu HTML checker (vnu.jar, Java) on every HTML and CSS file;
#   2. the RFC 5545 line checker and Python's icalendar on every .ics file,
#      and feedparser plus the RFC 4287 checks of atom_check.py on every
#      Atom feed;
#   3. axe-core (WCAG 2.1 A and AA) in Debian's Chromium on every page, and
#      the visitor tests (browser.mjs), with screenshots;
#   4. the preview's error overlay under `engage serve` (serve-overlay.mjs).
# Needs: java, Python with icalendar and feedparser ($GATES_PYTHON, else python3), node
# with `npm ci` done here, Chromium ($CHROMIUM, else /usr/bin/chromium). Under CI=true a missing tool fails the run; elsewhere
# it is reported and that gate is skipped, so that a contributor without a
# browser can still run the rest.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=../..
# A fixed day: past and upcoming events, and so the pages, are the same at
# every run (the example calendar has events on both sides of it).
TODAY=${GATES_TODAY:-2026-11-15}
ENGAGE=${ENGAGE:-$ROOT/target/debug/engage}
OUT=out
export GATES_ARTIFACTS=${GATES_ARTIFACTS:-$PWD/artifacts}
SITES="root escom cire micro-credential"

missing=0
need() { # need NAME TEST...: the tool NAME is there, or the gate is skipped (fails under CI)
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then return 0; fi
  if [ "${CI:-}" = true ]; then
    echo "gates: $name is missing (CI=true: failing, never skipping)" >&2
    exit 1
  fi
  echo "gates: $name is missing: SKIPPING its gate (run .ci/run or see README)" >&2
  missing=1
  return 1
}

timed() { # timed LABEL CMD...: runs CMD and prints how long it took
  local label=$1 start=$SECONDS; shift
  "$@"
  echo "gates: $label passed in $((SECONDS - start)) s"
}

build_sites() {
  rm -rf "$OUT" && mkdir -p "$OUT"
  for s in $SITES; do
    local dir=$ROOT
    [ "$s" = root ] || dir=$ROOT/examples/$s
    # Each site in a folder of its own: a build clears leftover staging
    # folders beside its output.
    "$ENGAGE" --root "$dir" --lang en build --today "$TODAY" --output "$PWD/$OUT/$s" >/dev/null 2>"$OUT/$s.log" \
      || { cat "$OUT/$s.log" >&2; return 1; }
  done
  # The staff dashboard and an attestation of a complete record per site
  # (engage report, engage attest) pass the same gates as the public pages.
  local s dir handle
  for s in root:alice escom:sam cire:karim micro-credential:ines; do
    handle=${s#*:} s=${s%%:*} dir=$ROOT
    [ "$s" = root ] || dir=$ROOT/examples/$s
    "$ENGAGE" --root "$dir" --lang en report --today "$TODAY" --output "$PWD/$OUT/report-$s" 2>"$OUT/$s.log" \
      || { cat "$OUT/$s.log" >&2; return 1; }
    "$ENGAGE" --root "$dir" --lang en attest "$handle" --today "$TODAY" --output "$PWD/$OUT/attest-$s" 2>"$OUT/$s.log" \
      || { cat "$OUT/$s.log" >&2; return 1; }
  done
  rm -f "$OUT"/*.log
  echo "gates: built $SITES at --today $TODAY: $(find "$OUT" -name '*.html' | wc -l) HTML, $(find "$OUT" -name '*.css' | wc -l) CSS, $(find "$OUT" -name '*.ics' | wc -l) .ics files"
}

vnu() {
  # --errors-only: warnings are advice; any error fails (exit status 1).
  java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --also-check-css --skip-non-html "$OUT"
}

timed build build_sites
if need java java -version && need vnu.jar test -f node_modules/vnu-jar/build/dist/vnu.jar; then
  timed "Nu HTML checker ($(find "$OUT" -name '*.html' -o -name '*.css' | wc -l) files)" vnu
fi
PYTHON=${GATES_PYTHON:-python3}
if need "Python icalendar" "$PYTHON" -c 'import icalendar'; then
  timed "iCalendar (RFC 5545 lines + icalendar)" "$PYTHON" ics_check.py "$OUT"
fi
if need "Python feedparser" "$PYTHON" -c 'import feedparser'; then
  timed "Atom feeds (feedparser + RFC 4287)" "$PYTHON" atom_check.py "$OUT"
fi
if need chromium test -x "${CHROMIUM:-/usr/bin/chromium}" && need playwright-core test -d node_modules/playwright-core; then
  timed "axe-core and visitor tests in Chromium" node browser.mjs "$OUT"
  # `engage serve` on a copy of the example site: the error overlay appears
  # on a broken save and goes away on the fix (screenshot in the artifacts).
  mkdir -p "$GATES_ARTIFACTS"
  timed "serve error overlay in Chromium" node serve-overlay.mjs "$ENGAGE" "$ROOT" "$GATES_ARTIFACTS/serve-overlay.png"
fi
if [ "$missing" = 1 ]; then
  echo "gates: some gates were SKIPPED (tools missing)" >&2
fi
