package dev.loupe.api;

import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.otlp.OtlpLogDecoder;
import dev.loupe.ingest.otlp.OtlpMetricDecoder;
import dev.loupe.ingest.otlp.OtlpDecoded;
import dev.loupe.ingest.otlp.MalformedOtlp;
import dev.loupe.ingest.otlp.OtlpTraceDecoder;
import dev.loupe.model.Batch;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.javalin.Javalin;

/** The OTLP/HTTP receiver on its own port (4318 by default), as collectors and SDKs expect. */
public final class OtlpHttpApi {
  private OtlpHttpApi() {}

  /** Creates (does not start) the app serving {@code POST /v1/traces}, {@code /v1/logs} and {@code /v1/metrics}. */
  public static Javalin create(
      OtlpTraceDecoder traces, OtlpLogDecoder logs, OtlpMetricDecoder metricsDecoder, IngestPipeline pipeline,
      IngestMetrics metrics, long maxBodyBytes, IngestAdmission admission) {
    OtlpHttpHandler.Signal traceSignal = new OtlpHttpHandler.Signal() {
      @Override
      public OtlpDecoded decode(byte[] body, boolean json) throws MalformedOtlp {
        return json ? traces.decodeJson(body) : traces.decodeProtobuf(body);
      }

      @Override
      public com.google.protobuf.Message response(int rejected, String error) {
        var r = ExportTraceServiceResponse.newBuilder();
        if (rejected > 0) {
          r.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(error));
        }
        return r.build();
      }

      @Override
      public int accepted(Batch batch) {
        return batch.spans().size();
      }
    };
    OtlpHttpHandler.Signal logSignal = new OtlpHttpHandler.Signal() {
      @Override
      public OtlpDecoded decode(byte[] body, boolean json) throws MalformedOtlp {
        return json ? logs.decodeJson(body) : logs.decodeProtobuf(body);
      }

      @Override
      public com.google.protobuf.Message response(int rejected, String error) {
        var r = ExportLogsServiceResponse.newBuilder();
        if (rejected > 0) {
          r.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(error));
        }
        return r.build();
      }

      @Override
      public int accepted(Batch batch) {
        return batch.logs().size();
      }
    };
    OtlpHttpHandler.Signal metricSignal = new OtlpHttpHandler.Signal() {
      @Override
      public OtlpDecoded decode(byte[] body, boolean json) throws MalformedOtlp {
        return json ? metricsDecoder.decodeJson(body) : metricsDecoder.decodeProtobuf(body);
      }

      @Override
      public com.google.protobuf.Message response(int rejected, String error) {
        var r = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0) {
          r.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(error));
        }
        return r.build();
      }

      @Override
      public int accepted(Batch batch) {
        return batch.samples().size();
      }
    };
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = Long.MAX_VALUE;
      config.routes.post("/v1/traces", new OtlpHttpHandler("/v1/traces", traceSignal, pipeline, metrics, maxBodyBytes, admission));
      config.routes.post("/v1/logs", new OtlpHttpHandler("/v1/logs", logSignal, pipeline, metrics, maxBodyBytes, admission));
      config.routes.post("/v1/metrics", new OtlpHttpHandler("/v1/metrics", metricSignal, pipeline, metrics, maxBodyBytes, admission));
    });
  }
}
