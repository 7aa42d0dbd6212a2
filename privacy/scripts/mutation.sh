#!/usr/bin/env bash
# Mutation score of the WHOLE privacy module (issue 20), in batches: each batch is one PIT run
# (the parent POM's `mutation` profile, one thread) on a few classes against the unit tests that
# exercise them directly, so that a surviving mutant reruns a handful of fast tests instead of
# every test of the module. At the end the batches' mutations.xml are added up: the module's
# score is the sum of the detected mutants over the sum of the generated ones, by class and in
# total. Exit status 1 when that score is under 85 % (the issue's bar), 2 on a usage error.
#
#   privacy/scripts/mutation.sh              every batch, then the combined score
#   privacy/scripts/mutation.sh names dates  only those batches (the others' last reports count)
#   privacy/scripts/mutation.sh --score      only the combined score of the reports already there
#   privacy/scripts/mutation.sh --list       the batches, their classes and tests
#
# MVN overrides the Maven command (default `mvn -B`; e.g. MVN="mvn -B -o" offline). Reports:
# privacy/target/pit-batches/<batch>/index.html and mutations.xml. Not part of bin/test.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
MVN="${MVN:-mvn -B}"
OUT="$REPO/privacy/target/pit-batches"
THRESHOLD=85
P=io.carelake.privacy

# batch | classes mutated | tests run against them (PIT runs, per mutant, only those that cover it)
BATCHES=(
  "keys|KeyedHashes* PseudonymKey* WilsonInterval* Generalise*|TestKeyedHashesProperties TestResidentIdNormalisation TestPseudonymKey TestWilsonInterval TestGeneralise"
  "text|NormalisedText* HanFold* Scan* AsciiRuns* DigitRuns*|TestNormalisedText TestScanAndDigitRuns TestPhiScrubber"
  "scrubber|PhiScrubber* NumberDetector* Detector*|TestResolveAndGate TestPhiScrubber TestScanAndDigitRuns TestPhonesAndWebAddresses TestCuedAndCodedIdentifiers"
  "numbers|ResidentIdRule* BankCardRule* PhoneRule* SsnRule*|TestNumberRules TestPhoneAndSsnEdges TestAgesAndSmallDetectors TestPhonesAndWebAddresses TestPhiScrubber"
  "coded|WebAddresses* CodedIdentifiers* CuedTokens* VehiclePlates*|TestPhonesAndWebAddresses TestCuedAndCodedIdentifiers TestCodedAndCuedForms TestNewCategoriesRecall"
  "names|ChineseNames* LatinNames* NameLexicon* OwnIdentifiers*|TestOwnIdentifiers TestNames TestCuedAndCodedIdentifiers TestPhiScrubber"
  "dates|TextDates* Ages* Addresses*|TestTextDates TestAgesAndSmallDetectors TestAddresses"
)

globs() { # "A* B" -> io.carelake.privacy.A*,io.carelake.privacy.B
  local out="" x
  for x in $1; do out="${out:+$out,}$P.$x"; done
  echo "$out"
}

list() {
  local b
  for b in "${BATCHES[@]}"; do
    IFS='|' read -r name classes tests <<<"$b"
    printf '%-9s classes: %s\n          tests:   %s\n' "$name" "$classes" "$tests"
  done
}

run_batch() { # name classes tests
  local name=$1 dir="$OUT/$1" start
  rm -rf "$dir"
  mkdir -p "$dir"
  start=$(date +%s)
  echo "== batch $name: $2 ($(date -u +%H:%M:%S) UTC)"
  # the threshold is checked on the combined score below, not per batch
  if ! $MVN -q -Pmutation -pl privacy -am test -Dpit.targetClasses="$(globs "$2")" \
      -Dpit.targetTests="$(globs "$3")" -Dpit.mutationThreshold=0 \
      -DreportsDirectory="$dir" >"$dir/build.log" 2>&1; then
    echo "batch $name failed: see $dir/build.log" >&2
    tail -20 "$dir/build.log" >&2
    exit 1
  fi
  echo "   $(( $(date +%s) - start )) s"
}

score() {
  local files=()
  local f
  for f in "$OUT"/*/mutations.xml; do
    [[ -f $f ]] && files+=("$f")
  done
  if (( ${#files[@]} == 0 )); then
    echo "no batch report under $OUT: run privacy/scripts/mutation.sh first" >&2
    exit 1
  fi
  # one <mutation ...> element per line in PIT's mutations.xml
  awk -v threshold="$THRESHOLD" '
    /<mutation / {
      cls = $0; sub(/.*<mutatedClass>/, "", cls); sub(/<\/mutatedClass>.*/, "", cls)
      sub(/\$.*/, "", cls); sub(/.*\./, "", cls)
      st = ""
      if (match($0, /status=.[A-Z_]+/)) st = substr($0, RSTART + 8, RLENGTH - 8)
      det = ($0 ~ /detected=.true/)
      all[cls]++; total++
      if (det) { killed[cls]++; detected++ }
      else if (st == "NO_COVERAGE") { nocov[cls]++; nocovered++ }
      else { survived[cls]++; surv++ }
    }
    END {
      printf "%-18s %9s %8s %9s %11s %7s\n", "class", "generated", "killed", "survived", "no coverage", "%"
      for (c in all) {
        printf "%-18s %9d %8d %9d %11d %6.1f%%\n", c, all[c], killed[c], survived[c], nocov[c], 100 * killed[c] / all[c] | "sort"
      }
      close("sort")
      pct = total ? 100 * detected / total : 0
      printf "%-18s %9d %8d %9d %11d %6.1f%%\n", "WHOLE MODULE", total, detected, surv, nocovered, pct
      if (pct < threshold) {
        printf "the whole-module mutation score %.1f %% is under %d %%\n", pct, threshold > "/dev/stderr"
        exit 1
      }
    }' "${files[@]}"
}

case "${1:-}" in
  --score) score; exit ;;
  --list) list; exit ;;
  -*) echo "usage: privacy/scripts/mutation.sh [--score | --list | batch ...]" >&2; exit 2 ;;
esac
wanted=("$@")
ran=0
for b in "${BATCHES[@]}"; do
  IFS='|' read -r name classes tests <<<"$b"
  if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then
    continue
  fi
  run_batch "$name" "$classes" "$tests"
  ran=$((ran + 1))
done
if (( ran == 0 )); then
  echo "no batch named ${wanted[*]}; the batches are:" >&2
  list >&2
  exit 2
fi
score
