package dev.loupe.loadgen;

import java.io.IOException;

/** One way of sending a prepared request body to Loupe: over HTTP, or as a gRPC export. */
@FunctionalInterface
public interface BodySender {
  /** Sends {@code body} and waits for the answer; {@code true} when Loupe acknowledged it as stored. */
  boolean send(byte[] body) throws IOException;
}
