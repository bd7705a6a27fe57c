#!/usr/bin/env bash
# Mutation check: applies each mutation of a list (scripts/mutants.txt by
# default) one at a time to a scratch copy of the working tree, runs the
# tests named for it, and reports whether the tests killed it (failed) or
# let it survive (passed). The working tree itself is never modified.
#
#   scripts/mutants.sh [REGEX]         only mutants whose name matches REGEX
#   MUTANTS_LIST=FILE                  another list
#   MUTANTS_BASELINE=0                 skip running each test command unmutated first
#   MUTANTS_TIMEOUT=600                seconds one test command may take
#   MUTANTS_KEEP=1                     keep the scratch copy and the logs
#
# Set VOCDESK_TEST_POSTGRES so that storage tests run on both engines.
# Exit status: 0 when every mutant was killed, 1 otherwise.
#
# List format (see scripts/mutants.txt): blocks that start with
# "mutant: NAME", then "test: COMMAND" (run with bash -c in the copy's root)
# and one or more "file: PATH", "from: TEXT", "to: TEXT" lines; a "from"
# and the "to" after it are one edit of the latest "file". TEXT is literal,
# one line, and must occur exactly once in the file (else the mutant is
# reported "stale": the code moved and the list needs updating). "why:"
# lines are comments shown nowhere; lines starting with # are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
list=${MUTANTS_LIST:-scripts/mutants.txt}
filter=${1:-.}
timeout_s=${MUTANTS_TIMEOUT:-600}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vocdesk-mutants.XXXXXX")
if [[ ${MUTANTS_KEEP:-0} != 1 ]]; then
	trap 'rm -rf "$scratch"' EXIT
fi
copy=$scratch/tree
logs=$scratch/logs
mkdir -p "$copy" "$logs"
# Tracked and new (not ignored) files, as they are now, uncommitted edits included.
git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$copy"

# Parse the list into parallel arrays; a mutant's edits are stored as
# "file<US>from<US>to" records separated by RS.
names=() tests=() edits=()
US=$'\x1f' RS=$'\x1e'
cur=-1 file="" from="" havefrom=0
while IFS= read -r line || [[ -n $line ]]; do
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	key=${line%%:*}
	val=${line#*:}
	val=${val# }
	case $key in
	mutant) cur=${#names[@]}; names+=("$val"); tests+=(""); edits+=(""); file="" havefrom=0 ;;
	test) tests[cur]=$val ;;
	file) file=$val ;;
	from) from=$val havefrom=1 ;;
	to)
		if [[ $havefrom != 1 || -z $file ]]; then
			echo "mutants: ${names[cur]}: \"to\" without \"file\" and \"from\"" >&2
			exit 2
		fi
		edits[cur]+="$file$US$from$US$val$RS"
		havefrom=0
		;;
	why) ;;
	*) echo "mutants: $list: unknown line: $line" >&2; exit 2 ;;
	esac
done <"$list"

# replace FILE FROM TO: FROM must occur exactly once; prints the count.
replace() {
	FROM=$2 TO=$3 perl -0777 -i -e '
		local $/; my $s = <>; my $n = () = $s =~ /\Q$ENV{FROM}\E/g;
		$s =~ s/\Q$ENV{FROM}\E/$ENV{TO}/ if $n == 1; print $s; print STDERR $n;' "$1" 2>&1 >/dev/null || true
}

# run NAME COMMAND: runs the test command in the copy; 0 when it passed.
run() {
	(cd "$copy" && timeout "$timeout_s" bash -c "$2") >"$logs/$1.log" 2>&1
}

# failed_tests LOG: the top-level tests that failed, and the engines
# (subtests sqlite, postgres) they failed on.
failed_tests() {
	grep -aE '^\s*--- FAIL: ' "$1" | sed -E 's/^\s*--- FAIL: ([^ ]+).*/\1/' |
		awk -F/ '{ if (!($1 in seen)) { seen[$1] = ""; order[n++] = $1 }
			if (NF > 1 && ($2 == "sqlite" || $2 == "postgres") && index(seen[$1], $2) == 0) seen[$1] = seen[$1] "," $2 }
			END { for (i = 0; i < n; i++) { e = seen[order[i]]; printf "%s%s%s", (i ? " " : ""), order[i], (e == "" ? "" : "(" substr(e, 2) ")") } }'
}

engines="SQLite only"
[[ -n ${VOCDESK_TEST_POSTGRES:-} ]] && engines="SQLite and PostgreSQL"
echo "mutants from $list, engines: $engines, $(date -u +%FT%TZ)"

declare -A baseline=()
if [[ ${MUTANTS_BASELINE:-1} != 0 ]]; then
	for i in "${!names[@]}"; do
		[[ ${names[i]} =~ $filter ]] || continue
		cmd=${tests[i]}
		[[ -n ${baseline[$cmd]+x} ]] && continue
		if run "baseline-$i" "$cmd"; then baseline[$cmd]=ok; else
			baseline[$cmd]=fail
			echo "BASELINE FAILS (its mutants are skipped): $cmd"
			tail -n 20 "$logs/baseline-$i.log" | sed 's/^/    /'
		fi
	done
fi

killed=0 survived=0 broken=0
for i in "${!names[@]}"; do
	name=${names[i]}
	[[ $name =~ $filter ]] || continue
	cmd=${tests[i]}
	if [[ -z $cmd || -z ${edits[i]} ]]; then
		printf '%-9s %s: no test or no edit\n' ERROR "$name"; broken=$((broken + 1)); continue
	fi
	if [[ ${baseline[$cmd]:-ok} == fail ]]; then
		printf '%-9s %s: the tests fail without the mutant\n' SKIPPED "$name"; broken=$((broken + 1)); continue
	fi
	touched=() stale=""
	IFS=$RS read -r -d '' -a recs <<<"${edits[i]}" || true
	for rec in "${recs[@]}"; do
		[[ $rec == $'\n' || -z $rec ]] && continue
		IFS=$US read -r f fr to <<<"$rec"
		touched+=("$f")
		n=$(replace "$copy/$f" "$fr" "$to")
		[[ $n == 1 ]] || stale+=" $f: found ${n:-0} times: $fr;"
	done
	start=$SECONDS
	if [[ -n $stale ]]; then
		result=STALE detail=$stale
		broken=$((broken + 1))
	elif run "$i" "$cmd"; then
		result=SURVIVED detail=""
		survived=$((survived + 1))
	elif grep -aqE '\[(build|setup) failed\]|^# |cannot use|undefined: ' "$logs/$i.log" && ! grep -aqE -- '--- FAIL' "$logs/$i.log"; then
		result=ERROR detail="the mutant does not build: $(grep -am1 -E '\.go:[0-9]+' "$logs/$i.log" || true)"
		broken=$((broken + 1))
	else
		result=KILLED detail="by $(failed_tests "$logs/$i.log")"
		killed=$((killed + 1))
	fi
	for f in "${touched[@]}"; do cp "$root/$f" "$copy/$f"; done
	printf '%-9s %-34s %4ss  %s\n' "$result" "$name" $((SECONDS - start)) "$detail"
done
echo "killed $killed, survived $survived, not run (stale, error, skipped) $broken"
[[ ${MUTANTS_KEEP:-0} == 1 ]] && echo "logs in $logs"
[[ $survived == 0 && $broken == 0 ]]
