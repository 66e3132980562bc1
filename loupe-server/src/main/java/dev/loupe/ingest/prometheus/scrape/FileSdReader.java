package dev.loupe.ingest.prometheus.scrape;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loupe.server.ScrapeConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Prometheus file_sd target files: a JSON or YAML list of {@code {targets, labels}}. A
 * file that fails to read is reported with its name and position and contributes nothing.
 */
public final class FileSdReader {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private record Entry(List<String> targets, Map<String, String> labels) {}

  private FileSdReader() {}

  /** The files a pattern names today: a path, or a glob in its last element ({@code dir/*.json}). */
  public static List<Path> expand(String pattern) throws IOException {
    Path p = Path.of(pattern);
    String last = p.getFileName().toString();
    if (!last.contains("*") && !last.contains("?") && !last.contains("[")) {
      return Files.exists(p) ? List.of(p) : List.of();
    }
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    if (!Files.isDirectory(dir)) return List.of();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, last)) {
      s.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  public static List<TargetGroup> read(Path file) throws FileSdException {
    String name = file.getFileName().toString();
    ObjectMapper mapper = name.endsWith(".json") ? JSON : YAML;
    List<Entry> entries;
    try {
      entries = mapper.readValue(file.toFile(), new TypeReference<List<Entry>>() {});
    } catch (JsonProcessingException e) {
      var l = e.getLocation();
      throw new FileSdException(
          file + (l == null ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr()) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new FileSdException(file + ": cannot read: " + e.getMessage());
    }
    List<TargetGroup> groups = new ArrayList<>();
    if (entries == null) return groups;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e == null || e.targets() == null) {
        throw new FileSdException(file + ": group " + i + " has no targets");
      }
      for (String t : e.targets()) {
        try {
          ScrapeConfig.checkTarget(t);
        } catch (IllegalArgumentException bad) {
          throw new FileSdException(file + ": group " + i + ": " + bad.getMessage());
        }
      }
      groups.add(new TargetGroup(e.targets(), e.labels() == null ? Map.of() : e.labels(), file.toString()));
    }
    return groups;
  }

  /** A target file that cannot be used, with where and why. */
  public static final class FileSdException extends Exception {
    public FileSdException(String message) {
      super(message);
    }
  }
}
