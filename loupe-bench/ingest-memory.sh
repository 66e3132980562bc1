#!/usr/bin/env bash
# Ingest at full speed against a server started with a given heap, recording its peak RSS (ps) and
# peak heap used (/metrics jvm_memory_used_bytes) while the load runs. See BENCHMARKS.md.
# usage: loupe-bench/ingest-memory.sh HEAP ingest|otlp BATCH CONCURRENCY COUNT
# e.g.   loupe-bench/ingest-memory.sh 2g ingest 40000 32 2560000
set -u
heap=$1 kind=$2 batch=$3 conc=$4 count=$5
jar=$(realpath "${JAR:-loupe-server/target/loupe.jar}")
work=${WORK:-/tmp/loupe-memory-bench}
mkdir -p "$work" && cd "$work" && rm -rf data
cat > loupe.yml <<YML
server:
  host: 127.0.0.1
  port: 19710
  data_dir: $work/data
otlp:
  http_port: 19718
  grpc_port: 19717
YML
LOUPE_LOG_LEVEL=WARN java -Xmx"$heap" -jar "$jar" serve --config loupe.yml > server.log 2>&1 &
pid=$!
until curl -sf localhost:19710/readyz >/dev/null; do sleep 0.2; done
echo "ready; rss_kb=$(ps -o rss= -p $pid)"
( maxrss=0; maxheap=0
  while kill -0 $pid 2>/dev/null; do
    r=$(ps -o rss= -p $pid | tr -d ' '); [ -n "$r" ] && [ "$r" -gt "$maxrss" ] && maxrss=$r
    h=$(curl -s localhost:19710/metrics | awk '/^jvm_memory_used_bytes\{area="heap"\}/{printf "%d", $2}')
    [ -n "$h" ] && [ "$h" -gt "$maxheap" ] && maxheap=$h
    echo "$maxrss $maxheap" > peak.txt; sleep 0.5
  done ) &
mon=$!
if [ "$kind" = ingest ]; then
  java -Xmx4g -jar "$jar" bench ingest --url http://127.0.0.1:19710/ --batch "$batch" --concurrency "$conc" \
    --events "$count" --warmup $((batch * conc)) 2>&1 | tail -3
else
  java -Xmx4g -jar "$jar" bench otlp --url http://127.0.0.1:19718/v1/traces --batch "$batch" --concurrency "$conc" \
    --spans "$count" --warmup $((batch * conc)) 2>&1 | tail -3
fi
curl -s localhost:19710/metrics | grep -E '^loupe_ingest_requests_total' | grep -v 'code="200"'
sleep 1
read -r maxrss maxheap < peak.txt
echo "heap=$heap kind=$kind batch=$batch concurrency=$conc peak_rss_mib=$((maxrss / 1024))" \
  "peak_heap_used_mib=$((maxheap / 1048576)) out_of_memory_errors=$(grep -c OutOfMemoryError server.log)"
kill $pid; wait $pid 2>/dev/null; kill $mon 2>/dev/null
