#!/usr/bin/env bash
# Gate a merge on the schema workbench's verdicts, from any CI that can reach PostgreSQL.
#
#   WORKBENCH_DSN=postgresql://user:pass@host:5432/postgres examples/ci/workbench-ci.sh \
#     [extra `workbench report` options...]
#
# The DSN travels in the environment only: a command line (this script's, the workbench's,
# pg_isready's) is visible to every user of the machine in `ps`, so a DSN given as an argument
# is refused.
#
# Builds the two variants in databases of its own on that server (<WORKBENCH_DATABASE>_baseline
# and _remediated; the DSN's own database is never written), seeds them with the ci profile,
# runs the report and exits non-zero when a risk at or above FAIL_ON stands on GATE_VARIANT.
# The run bundle (scorecard.json, index.html, evidence) is copied to ARTIFACT_DIR for the CI
# to keep, whatever the outcome.
#
# Environment (all optional but the DSN):
#   WORKBENCH_DSN       server to use (required)
#   FAIL_ON             low | medium | high | critical            (default: high)
#   GATE_VARIANT        remediated | baseline                      (default: remediated)
#   PROFILE             seeding profile                            (default: ci)
#   WORKBENCH_DATABASE  prefix of the workbench's databases        (default: workbench)
#   WORKBENCH_RESULTS   where runs are written                     (default: ./results)
#   ARTIFACT_DIR        where the run bundle is copied             (default: ./workbench-results)
#   WORKBENCH           the command to run                         (default: workbench, else
#                                                                   python -m workbench)
set -uo pipefail

if [[ $# -gt 0 && $1 != -* ]]; then
  echo "workbench-ci: pass the DSN in WORKBENCH_DSN, not as an argument (visible in ps)" >&2
  exit 2
fi
if [[ -z ${WORKBENCH_DSN:-} ]]; then
  echo "workbench-ci: set WORKBENCH_DSN to the PostgreSQL server to use" >&2
  exit 2
fi
FAIL_ON=${FAIL_ON:-high}
GATE_VARIANT=${GATE_VARIANT:-remediated}
PROFILE=${PROFILE:-ci}
ARTIFACT_DIR=${ARTIFACT_DIR:-workbench-results}
export WORKBENCH_RESULTS=${WORKBENCH_RESULTS:-$PWD/results}
export WORKBENCH_DSN

if [[ -n ${WORKBENCH:-} ]]; then
  read -r -a cmd <<<"$WORKBENCH"
elif command -v workbench >/dev/null; then
  cmd=(workbench)
else
  cmd=(python -m workbench)
fi

# Fail fast, in one line, when the server does not answer (the report would say the same,
# but only after importing everything). pg_isready gets the DSN with its password redacted: it never
# authenticates, and its command line is visible in ps.
if command -v pg_isready >/dev/null && ! pg_isready -q -d "$("${cmd[@]}" db url)" -t 10; then
  echo "workbench-ci: PostgreSQL does not answer at the given DSN" >&2
  exit 2
fi

started=$(date +%s)
"${cmd[@]}" report --profile "$PROFILE" \
  --fail-on "$FAIL_ON" --gate-variant "$GATE_VARIANT" "$@"
status=$?
echo "workbench-ci: report exited $status after $(( $(date +%s) - started ))s"

latest="$WORKBENCH_RESULTS/latest"
if [[ -e $latest ]]; then
  mkdir -p "$ARTIFACT_DIR"
  cp -RL "$latest/." "$ARTIFACT_DIR/"
  echo "workbench-ci: run bundle copied to $ARTIFACT_DIR (open index.html)"
else
  echo "workbench-ci: no run bundle was written" >&2
fi
exit "$status"
