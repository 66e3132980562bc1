#!/bin/bash
# paced.sh RATE SECONDS JAR... (jar paths) : a paced OTLP/HTTP load against each jar's server in turn
RATE=$1; SECS=$2; shift 2
mkdir -p ${WORK:-/tmp/loupe-issue15}
for j in "$@"; do
  PID=$($(dirname $0)/serve.sh $j ${WORK:-/tmp/loupe-issue15}/p-$(basename $j .jar) 19830)
  echo "== $j paced rate=$RATE for $SECS s, start load=$(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
  LOUPE_LOG_LEVEL=WARN java -jar ${GEN:-loupe-server/target/loupe.jar} bench otlp --url http://127.0.0.1:19831/v1/traces \
    --rate $RATE --duration $SECS --concurrency 4 --warmup 100000 2>&1 | tail -45
  echo "checkpoints: $(grep -c 'checkpointed in the background' ${WORK:-/tmp/loupe-issue15}/p-$(basename $j .jar).log); store: $(du -sh ${WORK:-/tmp/loupe-issue15}/p-$(basename $j .jar) | cut -f1)"
  grep 'checkpointed in the background' ${WORK:-/tmp/loupe-issue15}/p-$(basename $j .jar).log | sed 's/.*in the background in \([0-9]*\) ms.*/\1/' | sort -n | tail -3 | tr '\n' ' '; echo " (longest background checkpoints, ms)"
  kill $PID; while kill -0 $PID 2>/dev/null; do sleep 0.5; done
done
