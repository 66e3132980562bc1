#!/bin/bash
# json-per-core.sh JAR EVENTS CONC [server java args]: JSON events end to end; server on core 0, generator on core 1
JAR=$1; N=$2; C=$3; shift 3
mkdir -p ${WORK:-/tmp/loupe-issue15}
PID=$(taskset -c 0 $(dirname $0)/serve.sh $JAR ${WORK:-/tmp/loupe-issue15}/t4 19850 "$@")
LOUPE_LOG_LEVEL=WARN taskset -c 1 java -jar ${GEN:-loupe-server/target/loupe.jar} bench ingest --url http://127.0.0.1:19850 --events 300000 --warmup 0 --concurrency $C --batch 1000 >/dev/null 2>&1
L0=$(cut -d' ' -f1 /proc/loadavg); T0=$(awk '{print $14+$15}' /proc/$PID/stat); python3 $(dirname $0)/threads.py $PID ${WORK:-/tmp/loupe-issue15}/th0-$$.json
OUT=$(LOUPE_LOG_LEVEL=WARN taskset -c 1 java -jar ${GEN:-loupe-server/target/loupe.jar} bench ingest --url http://127.0.0.1:19850 --events $N --warmup 0 --concurrency $C --batch 1000 2>&1 | tail -2)
T1=$(awk '{print $14+$15}' /proc/$PID/stat); python3 $(dirname $0)/threads.py $PID ${WORK:-/tmp/loupe-issue15}/th1-$$.json
echo "== $JAR json c=$C load=$L0..$(cut -d' ' -f1 /proc/loadavg)"; echo "$OUT"
SECS=$(echo "$OUT" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'); NN=$(echo "$OUT" | sed -n 's/^events=\([0-9]*\).*/\1/p')
python3 -c "cpu=($T1-$T0)/100; print(f'server cpu_s={cpu:.1f} over {$SECS:.1f} s (={cpu/$SECS:.2f} cores) -> events per server CPU-second = {$NN/cpu:.0f}')"
python3 $(dirname $0)/threaddiff.py ${WORK:-/tmp/loupe-issue15}/th0-$$.json ${WORK:-/tmp/loupe-issue15}/th1-$$.json
kill $PID; while kill -0 $PID 2>/dev/null; do sleep 0.5; done
