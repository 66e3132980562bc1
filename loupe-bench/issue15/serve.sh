#!/bin/bash
# serve.sh JAR DATADIR PORTBASE [extra java args...]  -> starts a server, prints pid
JAR=$1; D=$2; P=$3; shift 3
rm -rf $D; mkdir -p $D
printf 'otlp: {http_port: %d, grpc_port: %d}\n' $((P+1)) $((P+2)) > $D.yml
LOUPE_LOG_LEVEL=INFO nohup java "$@" -jar $JAR serve --config $D.yml --host 127.0.0.1 --port $P --data-dir $D > $D.log 2>&1 &
echo $!
for i in $(seq 1 120); do curl -sf http://127.0.0.1:$P/healthz >/dev/null 2>&1 && break; curl -sf http://127.0.0.1:$P/ >/dev/null 2>&1 && break; sleep 0.5; done
