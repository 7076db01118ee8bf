#!/usr/bin/env bash
# Fuzzes engage's parsers: fuzz/run.sh [TARGET...] [--seconds N]
#
# Runs each target (all of them by default) for N seconds (60 by default),
# its corpus seeded from the example site, and prints libFuzzer's final
# statistics per target. Exits 1 when a target crashes (the input is kept in
# fuzz/artifacts/TARGET/), 2 on a usage or build error.
#
# Not part of .ci/run: it takes minutes. cargo-fuzz needs nightly features:
# rustup's nightly toolchain is used, installed when missing; where it
# cannot be (no rustup, no network), the stable compiler is allowed them
# with RUSTC_BOOTSTRAP=1.
#
# FUZZ_SANITIZER chooses the sanitizer: address by default, `none` where the
# address sanitizer runtime is missing (and for more executions per second).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() {
	echo "usage: fuzz/run.sh [TARGET...] [--seconds N]" >&2
	exit 2
}

seconds=60
targets=()
while (($#)); do
	case $1 in
	--seconds)
		[[ ${2:-} =~ ^[0-9]+$ ]] || usage
		seconds=$2
		shift 2
		;;
	--seconds=*)
		seconds=${1#--seconds=}
		[[ $seconds =~ ^[0-9]+$ ]] || usage
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		targets+=("$1")
		shift
		;;
	esac
done

all=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^engage-fuzz$')
if ((${#targets[@]} == 0)); then
	mapfile -t targets <<<"$all"
fi
for t in "${targets[@]}"; do
	grep -qx "$t" <<<"$all" || {
		echo "fuzz/run.sh: unknown target \`$t\`; the targets are:" $all >&2
		exit 2
	}
done

if ! command -v cargo-fuzz >/dev/null; then
	echo "fuzz/run.sh: installing cargo-fuzz" >&2
	cargo install cargo-fuzz --locked
fi

cargo=(cargo)
if command -v rustup >/dev/null && ! rustup toolchain list | grep -q '^nightly'; then
	echo "fuzz/run.sh: installing the nightly toolchain" >&2
	rustup toolchain install nightly --profile minimal ||
		echo "fuzz/run.sh: could not install nightly" >&2
fi
if command -v rustup >/dev/null && rustup toolchain list | grep -q '^nightly'; then
	cargo=(cargo +nightly)
else
	echo "fuzz/run.sh: no nightly toolchain: using the stable one with RUSTC_BOOTSTRAP=1" >&2
	export RUSTC_BOOTSTRAP=1
fi
sanitizer=${FUZZ_SANITIZER:-address}


# Where each target's seeds come from: the example site's files of the kind
# it parses (the faq target gets bodies: it writes its own front matter).
seeds() {
	case $1 in
	page) find content tests/fixtures examples -name '*.md' ;;
	faq) find content tests/fixtures -name 'faq.*.md' ;;
	calendar) find data/calendar tests/fixtures -path '*calendar*' -name '*.yml' ;;
	programme) find data/programmes examples tests/fixtures -path '*programmes*' -name '*.yml' ;;
	record) find data/portfolios examples tests/fixtures/portfolios -name '*.yml' ! -path '*calendar*' ! -path '*programmes*' ! -name site.yml ;;
	site_config) find data examples tests/fixtures -name site.yml ;;
	esac
}

strip_front_matter() {
	awk 'NR == 1 && /^---/ { fm = 1; next } fm && /^---/ { fm = 0; next } !fm'
}

# Built apart from the run, so that a build error is not taken for a crash.
for t in "${targets[@]}"; do
	"${cargo[@]}" fuzz build --sanitizer "$sanitizer" "$t" || exit 2
done
mkdir -p fuzz/target/logs

failed=()
summary=()
for t in "${targets[@]}"; do
	corpus=fuzz/corpus/$t
	mkdir -p "$corpus" "fuzz/artifacts/$t"
	while IFS= read -r f; do
		# Named by content, so that seeding again adds nothing twice.
		name=$(sha1sum <"$f" | cut -c1-40)
		if [[ $t == faq ]]; then
			strip_front_matter <"$f" >"$corpus/$name"
		else
			cp "$f" "$corpus/$name"
		fi
	done < <(seeds "$t")
	log=fuzz/target/logs/$t.log
	echo "== $t: ${seconds}s" >&2
	status=0
	"${cargo[@]}" fuzz run --sanitizer "$sanitizer" "$t" "$corpus" -- \
		-max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	if ((status != 0)); then
		failed+=("$t")
		grep -E '^(==[0-9]+==|thread .* panicked|SUMMARY|artifact_prefix|Test unit written)' "$log" >&2 || tail -20 "$log" >&2
		summary+=("$t: CRASH after ${execs:-?} executions (log: $log)")
	else
		summary+=("$t: ${execs:-?} executions in ${seconds}s (${rate:-?}/s), no crash")
	fi
done

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
	echo "crashed: ${failed[*]} (inputs in fuzz/artifacts/; minimise with: cargo fuzz tmin TARGET ARTIFACT)" >&2
	exit 1
fi
