package dev.loupe.ingest.events;

import dev.loupe.model.Batch;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceContext;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.LogRecord;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.Score;
import dev.loupe.model.TimestampAdmission;
import java.util.ArrayList;
import dev.loupe.ingest.azure.AzureMonitorMetricMapper;
import dev.loupe.ingest.azure.AzureOpenAiLogMapper;
import java.util.List;
import java.util.Map;

/**
 * Decodes the body of one JSON ingest request into a {@link Batch}: every object that is valid is
 * kept, every other one becomes a {@link Rejection} with its line and the field at fault.
 */
public final class JsonEventDecoder {

  /** Which endpoint the body came to. */
  public enum Kind {
    INFERENCES("inferences"),
    LOGS("logs"),
    DEPLOYMENTS("deployments"),
    SCORES("scores"),
    /** A user's thumbs or rating on one answer ({@link FeedbackJson}). */
    FEEDBACK("feedback"),
    /** Ground-truth labels that become accuracy scores ({@link LabelJson}). */
    LABELS("labels"),
    /**
     * Azure Monitor records of Azure OpenAI resources: logs ({@code AzureOpenAiLogMapper}) and
     * metrics ({@code AzureMonitorMetricMapper}), mixed as one stream carries them.
     */
    AZURE_OPENAI("azure/openai"),
    /** Runs of the data pipeline the path names ({@link PipelineRunJson}). */
    PIPELINE_RUNS("pipelines/{name}/runs");

    private final String path;

    Kind(String path) {
      this.path = path;
    }

    /** The endpoint, {@code /api/v1/…}. */
    public String path() {
      return "/api/v1/" + path;
    }
  }

  /**
   * The records kept, the rejections, and how many records the body held in all. {@code skipped}:
   * points that carry no record at all (Azure's empty minutes), neither received nor rejected.
   * {@code labels}: ground truth whose model answer must still be looked up (they are counted in
   * {@code received}; each becomes a score or a rejection).
   */
  public record Decoded(
      Batch batch, List<Rejection> rejections, int received, int skipped, List<LabelJson.GroundTruth> labels) {
    public Decoded(Batch batch, List<Rejection> rejections, int received, int skipped) {
      this(batch, rejections, received, skipped, List.of());
    }
  }

  private final TimestampAdmission admission;
  private final TimestampAdmission runAdmission;

  public JsonEventDecoder(TimestampAdmission admission) {
    this(admission, admission);
  }

  /** {@code runAdmission} admits pipeline runs: kept longer than events, so older ones may be sent. */
  public JsonEventDecoder(TimestampAdmission admission, TimestampAdmission runAdmission) {
    this.admission = admission;
    this.runAdmission = runAdmission;
  }

  /** Decodes; throws {@link MalformedJsonException} only when nothing in the body can be read. */
  public Decoded decode(Kind kind, byte[] body) {
    return decode(kind, body, Map.of());
  }

  /**
   * Decodes a body posted to a path with parameters ({@code name} of {@code pipelines/{name}/runs});
   * a bad parameter rejects every record of the body, each naming it.
   */
  public Decoded decode(Kind kind, byte[] body, Map<String, String> pathParams) {
    JsonRecords.Split split = JsonRecords.split(body);
    List<Rejection> rejections = new ArrayList<>(split.rejections());
    List<Inference> inferences = new ArrayList<>();
    List<LogRecord> logs = new ArrayList<>();
    List<Deployment> deployments = new ArrayList<>();
    List<Score> scores = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    List<LabelJson.GroundTruth> labels = new ArrayList<>();
    List<PipelineRun> runs = new ArrayList<>();
    Map<String, InferenceContext> contexts = new java.util.HashMap<>();
    int enveloped = 0;
    int skipped = 0;
    for (JsonRecords.Item item : split.items()) {
      FieldReader f = new FieldReader(item.fields());
      try {
        switch (kind) {
          case INFERENCES: {
            Inference i = InferenceJson.read(f);
            InferenceContext context = InferenceContextJson.read(f);
            admission.check("timestamp", i.timestampMillis());
            inferences.add(i);
            String key = InferenceContext.keyOf(i);
            if (key != null && !context.isEmpty()) contexts.put(key, context);
            break;
          }
          case LOGS: {
            LogLineMapper.Mapped m = LogLineMapper.map(f);
            admission.check("timestamp", m.log().timestampMillis());
            logs.add(m.log());
            if (m.inference() != null) inferences.add(m.inference());
            break;
          }
          case DEPLOYMENTS: {
            Deployment d = DeploymentJson.read(f);
            admission.check("timestamp", d.timestampMillis());
            deployments.add(d);
            break;
          }
          case SCORES: {
            Score s = ScoreJson.read(f);
            admission.check("timestamp", s.timestampMillis());
            scores.add(s);
            break;
          }
          case FEEDBACK: {
            Score s = FeedbackJson.read(f, admission.now());
            admission.check("timestamp", s.timestampMillis());
            scores.add(s);
            break;
          }
          case LABELS: {
            LabelJson.GroundTruth g = LabelJson.read(item.line(), f, admission.now());
            admission.check("timestamp", g.timestampMillis());
            if (g.pending()) labels.add(g); else scores.add(g.score(g.predicted()));
            break;
          }
          case PIPELINE_RUNS: {
            PipelineRun r = PipelineRunJson.read(pathParams.get("name"), f, admission.now());
            runAdmission.check("started_at", r.startedAtMillis());
            runAdmission.check("finished_at", r.finishedAtMillis());
            runs.add(r);
            break;
          }
          case AZURE_OPENAI: {
            AzureCounts counts = azure(item, inferences, samples, rejections);
            enveloped += counts.extraReceived();
            skipped += counts.skipped();
            break;
          }
          default:
            throw new AssertionError(kind);
        }
      } catch (InvalidRecordException e) {
        rejections.add(new Rejection(item.line(), 0, e.field(), reasonOf(e)));
      } catch (RuntimeException e) {
        // A bad record never fails the batch: whatever it broke, it is rejected alone.
        rejections.add(new Rejection(item.line(), 0, null, "invalid record: " + e.getMessage()));
      }
    }
    rejections.sort((a, b) -> Integer.compare(a.line(), b.line()));
    int received = split.items().size() + split.rejections().size() + enveloped;
    return new Decoded(
        new Batch(inferences, logs, deployments, scores, samples, List.of(), contexts, runs), rejections, received,
        skipped,
        labels);
  }

  /** Received records beyond the item itself (an envelope's others, a response's points), and points skipped. */
  private record AzureCounts(int extraReceived, int skipped) {}

  /**
   * One Azure Monitor item: Event Hubs and storage deliver {@code {"records": [...]}}, Log
   * Analytics one record per line. One stream often mixes logs and metrics, so each record is
   * routed by its shape; a bad record of an envelope is rejected alone, named by its index.
   */
  private AzureCounts azure(JsonRecords.Item item, List<Inference> inferences, List<Sample> samples,
      List<Rejection> rejections) {
    Object envelope = item.fields().get("records");
    List<?> records = envelope instanceof List<?> l ? l : List.of(item.fields());
    int extra = records.size() - 1; // each record of an envelope counts as received
    int skipped = 0;
    for (int n = 0; n < records.size(); n++) {
      String where = envelope == null ? "" : "records[" + n + "] ";
      try {
        if (!(records.get(n) instanceof Map<?, ?> m)) throw new InvalidRecordException("records", "must hold objects");
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) m;
        if (AzureMonitorMetricMapper.isMetricsResponse(record)) {
          AzureMonitorMetricMapper.Points points = AzureMonitorMetricMapper.mapResponse(record, admission);
          samples.addAll(points.samples());
          for (AzureMonitorMetricMapper.Rejected r : points.rejected()) {
            rejections.add(new Rejection(item.line(), 0, where + r.field(), r.reason()));
          }
          // each data point of a response counts as a received record
          extra += points.samples().size() + points.rejected().size() - 1;
          skipped += points.skipped();
        } else if (AzureMonitorMetricMapper.isMetricRecord(record)) {
          Sample s = AzureMonitorMetricMapper.mapRecord(record);
          admission.check("time", s.timestampMillis());
          samples.add(s);
        } else {
          Inference i = AzureOpenAiLogMapper.map(record);
          admission.check("time", i.timestampMillis());
          inferences.add(i);
        }
      } catch (InvalidRecordException e) {
        rejections.add(new Rejection(item.line(), 0, where + e.field(), reasonOf(e)));
      } catch (RuntimeException e) {
        // Whatever else one record breaks, the envelope's other records are still read.
        rejections.add(new Rejection(item.line(), 0, where.isEmpty() ? null : where.trim(),
            "invalid record: " + e.getMessage()));
      }
    }
    return new AzureCounts(extra, skipped);
  }

  private static String reasonOf(InvalidRecordException e) {
    String m = e.getMessage();
    String prefix = e.field() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
