package dev.loupe.ingest.prometheus.exposition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps everything a parser hands over, copying the reused label arrays. */
final class RecordingHandler implements ExpositionHandler {
  record Sample(String family, MetricType type, String name, Map<String, String> labels, double value, long timestampMillis) {}

  record Exemplar(Map<String, String> labels, double value, long timestampMillis) {}

  final List<Sample> samples = new ArrayList<>();
  final List<Exemplar> exemplars = new ArrayList<>();
  final Map<String, MetricType> types = new LinkedHashMap<>();
  final Map<String, String> helps = new LinkedHashMap<>();
  final Map<String, String> units = new LinkedHashMap<>();

  static RecordingHandler parse(ExpositionParser parser, String body) throws ExpositionParseException {
    return parse(parser, body.getBytes(StandardCharsets.UTF_8));
  }

  static RecordingHandler parse(ExpositionParser parser, byte[] body) throws ExpositionParseException {
    RecordingHandler h = new RecordingHandler();
    parser.parse(body, 0, body.length, h);
    return h;
  }

  @Override
  public void type(String family, MetricType type) {
    types.put(family, type);
  }

  @Override
  public void help(String family, String help) {
    helps.put(family, help);
  }

  @Override
  public void unit(String family, String unit) {
    units.put(family, unit);
  }

  @Override
  public void sample(String family, MetricType type, String name, String[] labels, int labelCount, double value,
      long timestampMillis) {
    samples.add(new Sample(family, type, name, copy(labels, labelCount), value, timestampMillis));
  }

  @Override
  public void exemplar(String[] labels, int labelCount, double value, long timestampMillis) {
    exemplars.add(new Exemplar(copy(labels, labelCount), value, timestampMillis));
  }

  private static Map<String, String> copy(String[] labels, int count) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) m.put(labels[2 * i], labels[2 * i + 1]);
    return m;
  }

  Sample first(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
