#!/usr/bin/env bash
# Admin UI page timings (issue 22): every admin page in headless Chromium, on a Berth holding
# 100 000 repositories and one repository with 1 000 tags. Prints, per page, the median and worst
# time to interactive of ROUNDS full loads with the script bundle in the browser's cache (a returning
# admin), ROUNDS full loads with the cache cleared (a first visit) and ROUNDS moves inside the admin UI
# (menu-style route changes). Berth runs on the JVM's default JIT, as shipped. Measures, never fails on
# a number. Needs: chromium, chromium-driver (as .ci/run installs).
#
#   deploy/bench/admin-page-bench.sh
#   ROUNDS=10 deploy/bench/admin-page-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
echo "admin-page-bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -q -pl deploy -am verify -Dit.test=AdminPageBench -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false \
  -Dberth.fuzz.phase=none -Dberth.image.skip=true -Dberth.bench.rounds="${ROUNDS:-5}"
echo "admin-page-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat deploy/target/admin-page-bench.md
