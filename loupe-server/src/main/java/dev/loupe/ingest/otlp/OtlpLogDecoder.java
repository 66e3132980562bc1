package dev.loupe.ingest.otlp;

import dev.loupe.ingest.events.FieldReader;
import dev.loupe.ingest.events.LogLineMapper;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.LogRecord;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.TimestampAdmission;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OTLP logs export into log records and, for records that describe a model request,
 * inferences, through {@link LogLineMapper}: the same mapping as {@code POST /api/v1/logs}, fed
 * the record's attributes, its resource's, and its time, severity, body and trace ids; and a record
 * that reports a pipeline's run ({@link PipelineRunAttributes}) into that run too.
 */
public final class OtlpLogDecoder {
  private static final HexFormat HEX = HexFormat.of();

  private final TimestampAdmission admission;

  /** Admits log records of any time; the server passes its {@link TimestampAdmission}. */
  public OtlpLogDecoder() {
    this(TimestampAdmission.anyTime());
  }

  /** Rejects a log record whose time {@code admission} does not admit, as {@code POST /api/v1/logs} does. */
  public OtlpLogDecoder(TimestampAdmission admission) {
    this.admission = admission;
  }

  public OtlpDecoded decode(ExportLogsServiceRequest request) {
    List<LogRecord> logs = new ArrayList<>();
    List<Inference> inferences = new ArrayList<>();
    List<PipelineRun> runs = new ArrayList<>();
    int rejected = 0;
    String first = null;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (io.opentelemetry.proto.logs.v1.LogRecord r : sl.getLogRecordsList()) {
          Map<String, Object> fields = new LinkedHashMap<>();
          for (KeyValue kv : rl.getResource().getAttributesList()) fields.put(kv.getKey(), value(kv.getValue()));
          Map<String, Object> own = new LinkedHashMap<>();
          for (KeyValue kv : r.getAttributesList()) own.put(kv.getKey(), value(kv.getValue()));
          fields.putAll(own);
          long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
          if (nanos != 0) fields.putIfAbsent("timestamp", nanos / 1_000_000);
          if (!r.getSeverityText().isEmpty()) fields.putIfAbsent("level", r.getSeverityText());
          else if (r.getSeverityNumberValue() > 0) fields.putIfAbsent("level", severity(r.getSeverityNumberValue()));
          if (r.hasBody()) fields.putIfAbsent("message", AnyValues.text(r.getBody()));
          if (!r.getTraceId().isEmpty()) fields.putIfAbsent("trace_id", HEX.formatHex(r.getTraceId().toByteArray()));
          if (!r.getSpanId().isEmpty()) fields.putIfAbsent("span_id", HEX.formatHex(r.getSpanId().toByteArray()));
          try {
            // The record's own time, before the shared mapping reads it as a JSON timestamp of guessed unit.
            if (nanos != 0) admission.check(r.getTimeUnixNano() != 0 ? "time_unix_nano" : "observed_time_unix_nano", nanos / 1_000_000);
            LogLineMapper.Mapped m = LogLineMapper.map(new FieldReader(fields));
            // The record's own attributes only: a resource's pipeline.name would make every log a run.
            PipelineRun run = PipelineRunAttributes.fromLog(own, m.log().timestampMillis());
            logs.add(m.log());
            if (m.inference() != null) inferences.add(m.inference());
            if (run != null) runs.add(run);
          } catch (InvalidRecordException e) {
            rejected++;
            if (first == null) first = "log record: " + e.getMessage();
          }
        }
      }
    }
    return new OtlpDecoded(
        new Batch(inferences, logs, List.of(), List.of(), List.of(), List.of(), java.util.Map.of(), runs), rejected,
        first);
  }

  /** Typed like a JSON log line's fields, so the shared mapping reads numbers as numbers. */
  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BOOL_VALUE -> v.getBoolValue();
      case STRING_VALUE -> v.getStringValue();
      default -> AnyValues.text(v);
    };
  }

  /** OTLP severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
  private static String severity(int n) {
    String[] names = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    return names[Math.min(5, (n - 1) / 4)];
  }
}
