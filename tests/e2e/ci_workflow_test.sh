# The shipped GitHub Actions workflow (docs/examples/ci/expt-lint.yml) is valid YAML with the
# steps it promises, and its lint step, run as written in a checkout laid out as the workflow
# lays it out, turns a broken spec into an error annotation on its line and fails the job.
. "$(dirname "$0")/lib.sh"

workflow="$EXPT_SOURCE_DIR/docs/examples/ci/expt-lint.yml"
STEP="the workflow's structure"
python3 - "$workflow" >"$WORK/lint-step" <<'PY' || fail "docs/examples/ci/expt-lint.yml is not what it should be"
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
on = w.get(True, w.get("on"))  # YAML 1.1 reads the key `on` as true
assert "pull_request" in on, on
steps = w["jobs"]["lint"]["steps"]
uses = [s.get("uses", "") for s in steps]
assert sum(u.startswith("actions/checkout@") for u in uses) == 1, uses
runs = [s["run"] for s in steps if "run" in s]
assert any("apt-get install" in r and ".deb" in r for r in runs), runs  # the package, not a build
assert not any("scripts/setup" in r or "cmake" in r for r in runs), runs
lint = [r for r in runs if " lint " in r]
assert len(lint) == 1 and "--format github" in lint[0], lint
print(lint[0])
PY

mkdir -p "$WORK/bin" "$WORK/checkout/specs"
ln -s "$EXPT" "$WORK/bin/expt"  # as the package installs it: expt on PATH
export PATH="$WORK/bin:$PATH"
cp "$FIXTURES"/specs/*.yaml "$WORK/checkout/specs/"
cd "$WORK/checkout"
run bash -e "$WORK/lint-step"
expect_rc 0
cp "$FIXTURES/specs-invalid/allocation-sum.yaml" specs/
run bash -e "$WORK/lint-step"
expect_rc 1
expect_stdout_has "::error file=specs/allocation-sum.yaml,line="
pass
