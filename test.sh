#!/usr/bin/env bash
# The README's test command: installs what the tests need when it is missing, runs the tests, and ends with one line
# of its own, "N passed, N failed, N skipped", read from the run's TRX report. Its exit code is 0 only when nothing failed.
#
#   ./test.sh                           every test (installs the packages of .ci/apt-packages that are missing)
#   ./test.sh --filter Category=Unit    the unit tests only: seconds, nothing installed
#
# Arguments are passed on to `dotnet test`. CUCOS_TEST_POSTGRES names a PostgreSQL server to use instead of the
# throwaway one the tests start; CUCOS_TEST_NO_INSTALL=1 never installs anything.
set -uo pipefail
cd "$(dirname "$0")"

summary_failed() {
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (10.0) is not installed; install it (https://dot.net) and run ./test.sh again." >&2
  summary_failed
fi
dotnet --version

# The unit tests need nothing beyond the SDK, so a run of only them installs nothing.
filter=""
previous=""
for argument in "$@"; do
  case "$argument" in --filter=*) filter="${argument#--filter=}" ;; esac
  if [ "$previous" = --filter ]; then filter="$argument"; fi
  previous="$argument"
done
needs_packages=true
if [ "$filter" = "Category=Unit" ] || [ "${CUCOS_TEST_NO_INSTALL:-}" = 1 ]; then needs_packages=false; fi

# The other tests need programs from Debian packages, listed in .ci/apt-packages: the PostgreSQL server binaries
# (the tests start their own throwaway server with initdb and pg_ctl on a loopback port; nothing is started
# here) and the reference tools some workers are checked against. Missing ones are installed with apt-get.
missing=()
if $needs_packages; then
  while read -r package command; do
    case "$package" in ""|\#*) continue ;; esac
    if [ "$package" = postgresql ] && [ -n "${CUCOS_TEST_POSTGRES:-}" ]; then continue; fi
    # shellcheck disable=SC2086 # the command may be a glob such as /usr/lib/postgresql/*/bin/initdb
    if ! ls ${command:-/usr/bin/$package} >/dev/null 2>&1 && ! command -v "${command:-$package}" >/dev/null 2>&1; then
      missing+=("$package")
    fi
  done < .ci/apt-packages
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing for the tests: ${missing[*]}"
  by_hand="install them by hand (sudo apt-get install ${missing[*]}), or run only the unit tests: ./test.sh --filter Category=Unit"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: the tests need ${missing[*]}, and this machine has no apt-get to install them; $by_hand." >&2
    summary_failed
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: the tests need ${missing[*]}, and installing them with apt-get needs root; run sudo ./test.sh, or $by_hand." >&2
    summary_failed
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "error: apt-get could not install ${missing[*]} (see its message above); $by_hand. For PostgreSQL you may instead set CUCOS_TEST_POSTGRES to a server's connection string." >&2
    summary_failed
  fi
fi

# ESLint (for static_analysis) comes from the npm registry of the user's npm configuration into tools/eslint, at the
# pinned versions of its lock file; the script does nothing when they are there.
if $needs_packages && ! scripts/install-eslint.sh; then
  echo "error: ESLint could not be installed into tools/eslint (see above); install it by hand with scripts/install-eslint.sh, or run only the unit tests: ./test.sh --filter Category=Unit." >&2
  summary_failed
fi

out=TestResults/test.sh
rm -rf "$out"
mkdir -p "$out"

dotnet test Cucos.Orleans.sln --logger "trx;LogFileName=results.trx" --results-directory "$out" "$@"
status=$?

trx=$(find "$out" -name '*.trx' | head -n 1)
if [ -z "$trx" ]; then
  echo "error: the test run wrote no TRX report (exit code $status); see the output above." >&2
  summary_failed
fi
counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
total=$(counter total)
executed=$(counter executed)
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( total - executed ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (build error, crashed host) although no test said so
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
