package dev.loupe.api;

import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.otlp.OtlpTraceDecoder;
import io.javalin.Javalin;

/** The OTLP/HTTP receiver on its own port (4318 by default), as collectors and SDKs expect. */
public final class OtlpHttpApi {
  private OtlpHttpApi() {}

  /** Creates (does not start) the app serving {@code POST /v1/traces}. */
  public static Javalin create(OtlpTraceDecoder traces, IngestPipeline pipeline, IngestMetrics metrics, long maxBodyBytes) {
    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = Long.MAX_VALUE;
      config.routes.post("/v1/traces", new OtlpHttpHandler(traces, pipeline, metrics, maxBodyBytes));
    });
  }
}
