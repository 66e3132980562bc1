#!/bin/bash
# otlp-per-core.sh JAR SPANS "PROTO:CONC ..." [server java args]: server on core 0, generator on core 1; spans per server CPU-second
JAR=$1; SPANS=$2; COMBOS=$3; shift 3
mkdir -p ${WORK:-/tmp/loupe-issue15}
for combo in $COMBOS; do
  P=${combo%%:*}; C=${combo##*:}
  PID=$(taskset -c 0 $(dirname $0)/serve.sh $JAR ${WORK:-/tmp/loupe-issue15}/t3 19840 "$@")
  if [ "$P" = grpc ]; then U="--protocol grpc --url http://127.0.0.1:19842"; else U="--url http://127.0.0.1:19841/v1/traces"; fi
  # warm-up run not measured (JIT), then the measured run with server CPU read from /proc
  LOUPE_LOG_LEVEL=WARN taskset -c 1 java -jar ${GEN:-loupe-server/target/loupe.jar} bench otlp $U --spans 300000 --warmup 0 --concurrency $C >/dev/null 2>&1
  L0=$(cut -d' ' -f1 /proc/loadavg)
  T0=$(awk '{print $14+$15}' /proc/$PID/stat); python3 $(dirname $0)/threads.py $PID ${WORK:-/tmp/loupe-issue15}/th0-$$.json
  OUT=$(LOUPE_LOG_LEVEL=WARN taskset -c 1 java -jar ${GEN:-loupe-server/target/loupe.jar} bench otlp $U --spans $SPANS --warmup 0 --concurrency $C 2>&1 | tail -2)
  T1=$(awk '{print $14+$15}' /proc/$PID/stat); python3 $(dirname $0)/threads.py $PID ${WORK:-/tmp/loupe-issue15}/th1-$$.json
  SECS=$(echo "$OUT" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'); N=$(echo "$OUT" | sed -n 's/^spans=\([0-9]*\).*/\1/p')
  echo "== $JAR $P c=$C load=$L0..$(cut -d' ' -f1 /proc/loadavg)"; echo "$OUT"
  python3 -c "cpu=($T1-$T0)/100; print(f'server cpu_s={cpu:.1f} over {$SECS:.1f} s (={cpu/$SECS:.2f} cores) -> spans per server CPU-second = {$N/cpu:.0f}')"
  python3 $(dirname $0)/threaddiff.py ${WORK:-/tmp/loupe-issue15}/th0-$$.json ${WORK:-/tmp/loupe-issue15}/th1-$$.json
  kill $PID; while kill -0 $PID 2>/dev/null; do sleep 0.5; done
done
