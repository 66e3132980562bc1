package dev.loupe.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real HTTP server on a loopback port that records every POST it gets, answering with scripted
 * statuses (200 once the script is used up). Can be started again on the same port.
 */
public final class RecordingReceiver implements AutoCloseable {
  /** One request as received; header names lower-cased. */
  public record Request(String path, Map<String, String> headers, String body) {}

  private final int port;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private HttpServer server;

  private RecordingReceiver(int port) {
    this.port = port;
  }

  /** Starts on a free port. */
  public static RecordingReceiver start() {
    RecordingReceiver r = new RecordingReceiver(0);
    r.listen(0);
    return r;
  }

  /** A receiver that will listen on a free port once {@link #restart}ed: a receiver that is down. */
  public static RecordingReceiver down() {
    return new RecordingReceiver(ExternalServer.freePort());
  }

  /** Listens again on the same port. */
  public void restart() {
    if (server != null) server.stop(0);
    listen(port());
  }

  private void listen(int p) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
      int status;
      synchronized (this) {
        requests.add(new Request(exchange.getRequestURI().getPath(), headers, body));
        status = statuses.isEmpty() ? 200 : statuses.poll();
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  /** The next requests are answered with these statuses, in order. */
  public synchronized RecordingReceiver answer(Integer... codes) {
    statuses.addAll(List.of(codes));
    return this;
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<String> bodies() {
    return requests.stream().map(Request::body).toList();
  }

  public synchronized void clear() {
    requests.clear();
  }

  public int port() {
    return server != null ? server.getAddress().getPort() : port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() {
    if (server != null) server.stop(0);
  }
}
