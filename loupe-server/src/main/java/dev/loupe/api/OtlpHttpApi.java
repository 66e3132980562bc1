package dev.loupe.api;

import dev.loupe.auth.Authenticator;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.otlp.OtlpLogDecoder;
import dev.loupe.ingest.otlp.OtlpMetricDecoder;
import dev.loupe.ingest.otlp.OtlpSignal;
import dev.loupe.ingest.otlp.OtlpTraceDecoder;
import io.javalin.Javalin;
import java.util.List;

/** The OTLP/HTTP receiver on its own port (4318 by default), as collectors and SDKs expect. */
public final class OtlpHttpApi {
  private OtlpHttpApi() {}

  /**
   * Creates (does not start: {@code start()} binds {@code listener}) the app serving {@code POST /v1/traces},
   * {@code /v1/logs} and {@code /v1/metrics}, every path behind {@code auth} with scope write.
   */
  public static Javalin create(
      OtlpTraceDecoder traces, OtlpLogDecoder logs, OtlpMetricDecoder metricsDecoder, IngestPipeline pipeline,
      IngestMetrics metrics, long maxBodyBytes, IngestAdmission admission, Authenticator auth, HttpListener listener) {
    List<OtlpSignal<?, ?>> signals =
        List.of(OtlpSignal.traces(traces), OtlpSignal.logs(logs), OtlpSignal.metrics(metricsDecoder));
    return Javalin.create(config -> {
      listener.bind(config);
      config.routes.before(HttpAccess.otlp(auth));
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = Long.MAX_VALUE;
      for (OtlpSignal<?, ?> signal : signals) {
        config.routes.post("/v1/" + signal.name(),
            new OtlpHttpHandler(signal, pipeline, metrics, maxBodyBytes, admission));
      }
    });
  }
}
