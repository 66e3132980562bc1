package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Inference;
import dev.loupe.store.Store;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server whose data directory is a small tmpfs that fills up: every acknowledged batch
 * stays readable, a refused one (503 with Retry-After) leaves nothing behind, and once space is
 * freed the next request succeeds without a restart. Needs root to mount the tmpfs, as CI has.
 */
class DiskFullTest {
  static final int PER_BATCH = 5;
  static final int PROMPT_CHARS = 200_000;
  static final String CAPTURE = "ingest:\n  capture:\n    prompts: true\n    completions: true\n";

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  final Random random = new Random(42);

  @Test
  void aFullDiskRefusesWithoutKeepingAndTheStoreRecoversOnceSpaceIsBack() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    mountTmpfs(data, "64m");
    Throwable failed = null;
    try {
      Set<String> acked = new LinkedHashSet<>();
      Set<String> refused = new LinkedHashSet<>();
      Path ballast = data.resolve("ballast");
      try (TestServer server = TestServer.start(data, clock, CAPTURE)) {
        fill(ballast, 6 << 20); // leaves about 6 MB: a few batches of 1 MB each
        int batch = 0;
        TestServer.Answer full = null;
        for (; batch < 100 && full == null; batch++) {
          TestServer.Answer a = server.post("api/v1/inferences", body(batch));
          if (a.status() == 200) {
            acked.addAll(ids(batch));
          } else {
            assertThat(a.status()).as("answer to batch %d: %s", batch, a.body()).isEqualTo(503);
            refused.addAll(ids(batch));
            full = a;
          }
        }
        assertThat(full).as("the disk never filled in %d batches", batch).isNotNull();
        assertThat(full.headers().firstValue("Retry-After")).as("503 says when to retry").isPresent();
        assertThat(acked).as("some batches fitted before the disk filled").isNotEmpty();
        for (int more = 0; more < 3; more++, batch++) {
          // Still full; a reopen may checkpoint the log into the smaller file, so one may fit now.
          TestServer.Answer a = server.post("api/v1/inferences", body(batch));
          assertThat(a.status()).as("still full: %s", a.body()).isIn(200, 503);
          (a.status() == 200 ? acked : refused).addAll(ids(batch));
        }
        assertStored(server.server().store(), acked);

        Files.delete(ballast);
        for (int after = 0; after < 3; after++, batch++) {
          TestServer.Answer a = server.post("api/v1/inferences", body(batch));
          assertThat(a.status()).as("space is back, without a restart: %s", a.body()).isEqualTo(200);
          acked.addAll(ids(batch));
        }
        assertStored(server.server().store(), acked);
        assertThat(server.server().store().unreadableRows()).isEmpty();
      }
      try (TestServer restarted = TestServer.start(data, clock, CAPTURE)) {
        assertStored(restarted.server().store(), acked);
        assertThat(restarted.server().store().unreadableRows()).as("every stored row is a valid record").isEmpty();
      }
    } catch (Throwable t) {
      failed = t;
      throw t;
    } finally {
      unmount(data, failed);
    }
  }

  /** Exactly the acknowledged records are stored, each as it was sent; none of a refused batch. */
  private void assertStored(Store store, Set<String> acked) {
    List<Inference> stored = store.inferences(0, Long.MAX_VALUE, 100_000);
    assertThat(stored).extracting(Inference::requestId).containsExactlyInAnyOrderElementsOf(acked);
    for (Inference i : stored) {
      assertThat(i.key().model()).isEqualTo("gpt-4o");
      assertThat(i.key().deployment()).isEqualTo("chat-prod");
      assertThat(i.prompt()).hasSize(PROMPT_CHARS);
      assertThat(i.completion()).isEqualTo("done " + i.requestId());
    }
  }

  private String body(int batch) {
    StringBuilder sb = new StringBuilder();
    for (String id : ids(batch)) {
      // Random text, so the write-ahead log cannot make it small.
      StringBuilder prompt = new StringBuilder(PROMPT_CHARS);
      for (int c = 0; c < PROMPT_CHARS; c++) prompt.append((char) ('a' + random.nextInt(26)));
      sb.append("{\"timestamp\":").append(clock.millis() - 1000).append(",\"deployment\":\"chat-prod\"")
          .append(",\"model\":\"gpt-4o\",\"request_id\":\"").append(id).append("\",\"latency_ms\":120")
          .append(",\"prompt\":\"").append(prompt).append("\",\"completion\":\"done ").append(id).append("\"}\n");
    }
    return sb.toString();
  }

  private static List<String> ids(int batch) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PER_BATCH; i++) ids.add("r-" + batch + "-" + i);
    return ids;
  }

  /** Writes the ballast until the file system is full, then gives back {@code headroom} bytes. */
  private static void fill(Path ballast, long headroom) throws IOException {
    byte[] mb = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      for (int i = 0; i < 4096; i++) out.write(mb);
      throw new AssertionError("the tmpfs did not fill with 4 GB of ballast");
    } catch (IOException full) {
      // No space left: the ballast holds what there was.
    }
    try (FileChannel ch = FileChannel.open(ballast, StandardOpenOption.WRITE)) {
      ch.truncate(Math.max(0, ch.size() - headroom));
    }
  }

  private static void mountTmpfs(Path at, String size) throws Exception {
    String uid = run("id", "-u").trim();
    if (!uid.equals("0")) {
      throw new AssertionError("DiskFullTest mounts a small tmpfs and needs root (uid 0, as in CI); running as uid "
          + uid + ". Run the build as root, e.g. in the CI container.");
    }
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString());
  }

  /** Unmounts, lazily if still in use (never left behind); a busy mount fails a test that passed. */
  private static void unmount(Path at, Throwable failed) throws Exception {
    try {
      run("umount", at.toString());
    } catch (AssertionError busy) {
      run("umount", "-l", at.toString());
      AssertionError e = new AssertionError("the data directory was still in use after the server closed", busy);
      if (failed == null) throw e;
      failed.addSuppressed(e);
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
    }
    return out;
  }
}
