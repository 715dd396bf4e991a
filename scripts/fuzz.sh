#!/bin/sh
# make fuzz: runs each libFuzzer target for SECONDS from its committed seeds
# (tests/fuzz/corpus/TARGET) and what earlier runs found (DIR/corpus/TARGET);
# prints executions and coverage, and fails on the first crash, leak or
# sanitizer report, keeping the input that caused it in DIR.
set -u
dir=$1 seconds=$2
shift 2
status=0
for t in "$@"; do
    mkdir -p "$dir/corpus/$t" "tests/fuzz/corpus/$t"
    log="$dir/$t.log"
    if "$dir/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
           -rss_limit_mb=2048 -artifact_prefix="$dir/$t-" \
           "$dir/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9]*\).*/\1 edges, \2 features, corpus \3/p')
        echo "fuzz: $t: $runs runs in ${seconds}s, $cov"
    else
        echo "fuzz: $t FAILED (input kept in $dir/$t-*):"
        grep -E 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ ' "$log" | tail -n 20
        status=1
    fi
done
exit $status
