package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails half-way stops what it had started, so the ports and the data file are free again. */
class FailedStartTest {
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aTakenGrpcPortFailsTheStartAndLeavesTheHttpPortsFree() throws IOException {
    int http = freePort();
    int otlpHttp = freePort();
    LoupeConfig base = LoupeConfig.DEFAULTS.withServer(new LoupeConfig.Server("127.0.0.1", http, dir.toString()));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      LoupeConfig clash = base.withOtlp(base.otlp().withPorts(otlpHttp, taken.getLocalPort()));
      assertThatThrownBy(() -> LoupeServer.start(clash, Clock.systemUTC()))
          .hasMessageContaining("OTLP/gRPC").hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
    try (LoupeServer again = LoupeServer.start(base.withOtlp(base.otlp().withPorts(otlpHttp, 0)), Clock.systemUTC())) {
      assertThat(again.port()).as("the failed start let go of its HTTP port").isEqualTo(http);
      assertThat(again.otlpHttpPort()).isEqualTo(otlpHttp);
    }
  }
}
