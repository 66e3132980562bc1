package dev.loupe.evaluate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible chat-completions server on a free loopback port, for the judge's tests: it
 * records every request and answers from a script (good verdicts, bad JSON, slow answers, errors,
 * or a hold until released), then with a good verdict of 0.5 once the script is used up.
 */
final class FakeChatCompletions implements AutoCloseable {
  /** One request as received; header names lower-cased. */
  record Request(String method, String path, Map<String, String> headers, String body) {}

  /** How to answer one request. */
  interface Reply {
    void answer(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new ArrayList<>();
  private final Deque<Reply> script = new ArrayDeque<>();

  FakeChatCompletions() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      Reply reply;
      synchronized (this) {
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
        reply = script.isEmpty() ? verdict(0.5, "fine") : script.poll();
        notifyAll();
      }
      try {
        reply.answer(exchange);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away (a timeout): nothing to answer
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  /** The base URL the judge is configured with ({@code /v1}); it posts to {@code /v1/chat/completions}. */
  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  synchronized FakeChatCompletions then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Waits (on the wall clock: the judge's HTTP is real) until this many requests arrived. */
  synchronized void awaitRequests(int n, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (requests.size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("expected " + n + " requests, got " + requests.size());
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  // --- replies

  static Reply verdict(double score, String reason) {
    return content("{\"score\": " + score + ", \"reason\": \"" + reason + "\"}", 80);
  }

  /** A 200 chat completion whose message content is {@code content}, reporting {@code tokens} used. */
  static Reply content(String content, long tokens) {
    String escaped = content.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return raw(200, "{\"id\": \"chatcmpl-1\", \"object\": \"chat.completion\", \"model\": \"judge-1\","
        + " \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"" + escaped + "\"},"
        + " \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": " + (tokens - 20)
        + ", \"completion_tokens\": 20, \"total_tokens\": " + tokens + "}}");
  }

  static Reply raw(int status, String body) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /** Answers {@code then} after {@code delay} (wall clock: it is the judge's timeout under test). */
  static Reply slow(Duration delay, Reply then) {
    return exchange -> {
      Thread.sleep(delay.toMillis());
      then.answer(exchange);
    };
  }

  /** Holds the request until {@code release} opens, then answers a good verdict. */
  static Reply hold(CountDownLatch release) {
    return exchange -> {
      release.await(30, TimeUnit.SECONDS);
      verdict(0.5, "released").answer(exchange);
    };
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
