package dev.loupe.api;

import dev.loupe.ingest.IngestAdmission;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * Reads a request body up to a size limit and within a deadline, gunzipping it when the client
 * said so, holding its bytes in the ingest body budget as they arrive. The deadline counts from
 * the first read: a sender that trickles a byte now and then never resets it, as it would
 * reset Jetty's idle timeout, so the connection's idle timeout is shortened to what is left of
 * the deadline before each read.
 */
final class BodyReader {
  /** The body was larger than allowed (before or after decompression). */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** The body could not be read or decompressed. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  /** The body did not arrive within {@code ingest.body_read_timeout}. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;

    TimedOut(String message) {
      super(message);
    }
  }

  /** The body byte budget shared by all pushed requests is spent; the sender may retry. */
  static final class OverBudget extends Exception {
    private static final long serialVersionUID = 1L;

    OverBudget(String message) {
      super(message);
    }
  }

  private static final int CHUNK = 16 * 1024;

  private BodyReader() {}

  /** Fails on a declared Content-Length over the limit, before anything is read. */
  static void checkDeclaredLength(Context ctx, long limit) throws TooLarge {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw new TooLarge("the body is " + declared + " bytes, over the limit of " + limit
          + " (ingest.max_body_bytes)");
    }
  }

  /**
   * The body, gunzipped when {@code gunzip} and the client sent {@code Content-Encoding: gzip}
   * (remote write's snappy is decoded by its decoder, so it reads raw). On success the body's
   * length is held in {@code admission}'s budget and the caller releases it; on failure nothing is.
   */
  static byte[] read(Context ctx, long limit, boolean gunzip, IngestAdmission admission)
      throws TooLarge, Unreadable, TimedOut, OverBudget {
    checkDeclaredLength(ctx, limit);
    String encoding = ctx.header("Content-Encoding");
    boolean gzip = gunzip && encoding != null && encoding.trim().equalsIgnoreCase("gzip");
    if (gunzip && !gzip && encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
      throw new Unreadable("unsupported Content-Encoding '" + encoding + "' (use gzip or none)");
    }
    long timeout = admission.bodyReadTimeout().toNanos();
    Deadline deadline = new Deadline(endPoint(ctx), System.nanoTime() + timeout);
    Held held = new Held(admission);
    try {
      InputStream in = new DeadlineInput(ctx.req().getInputStream(), deadline);
      if (gzip) in = new GZIPInputStream(in, CHUNK);
      long declared = gzip ? -1 : ctx.req().getContentLengthLong();
      return readLimited(in, limit, declared, held);
    } catch (java.util.zip.ZipException e) {
      held.releaseAll();
      throw new Unreadable("the gzip body is corrupt: " + e.getMessage());
    } catch (IOException e) {
      held.releaseAll();
      if (deadline.passed() || causedByTimeout(e)) {
        throw new TimedOut("the body did not arrive within " + admission.bodyReadTimeout().toMillis()
            + " ms (ingest.body_read_timeout)");
      }
      throw new Unreadable("cannot read the body: " + e.getMessage());
    } catch (TooLarge | OverBudget e) {
      held.releaseAll();
      throw e;
    } finally {
      deadline.restore();
    }
  }

  /**
   * Reads into an array that doubles as bytes arrive (never sized up front from a declared length,
   * which a slow sender could use to hold memory it never sends) and stops growing at the declared
   * length when one was given, so such a body needs no final trimming copy.
   */
  private static byte[] readLimited(InputStream in, long limit, long declared, Held held)
      throws IOException, TooLarge, OverBudget {
    // Jetty delivers no more than a declared Content-Length, so reading stops there.
    long most = declared >= 0 ? declared : Math.min(limit + 1, Integer.MAX_VALUE - 8);
    byte[] buf = new byte[(int) Math.min(most, CHUNK)];
    int total = 0;
    while (total < most) {
      if (total == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, most));
      int n = in.read(buf, total, buf.length - total);
      if (n < 0) break;
      if (total + (long) n > limit) {
        throw new TooLarge("the body is over the limit of " + limit + " bytes (ingest.max_body_bytes)");
      }
      held.hold(n);
      total += n;
    }
    return total == buf.length ? buf : Arrays.copyOf(buf, total);
  }

  private static boolean causedByTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) return true;
    }
    return false;
  }

  /** The connection under a Jetty request, or null when the request is not one (then no deadline is set). */
  private static EndPoint endPoint(Context ctx) {
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    if (request == null) return null;
    var connection = request.getConnectionMetaData().getConnection();
    return connection == null ? null : connection.getEndPoint();
  }

  /** The bytes of one body held in the budget so far. */
  private static final class Held {
    private final IngestAdmission admission;
    private long bytes;

    Held(IngestAdmission admission) {
      this.admission = admission;
    }

    void hold(long n) throws OverBudget {
      if (!admission.tryHold(n)) throw new OverBudget(admission.bodyBudgetMessage());
      bytes += n;
    }

    void releaseAll() {
      admission.release(bytes);
      bytes = 0;
    }
  }

  /** The time left to read a body, applied to the connection's idle timeout before each read. */
  private static final class Deadline {
    private final EndPoint endPoint;
    private final long deadlineNanos;
    private final long originalIdleMillis;

    Deadline(EndPoint endPoint, long deadlineNanos) {
      this.endPoint = endPoint;
      this.deadlineNanos = deadlineNanos;
      this.originalIdleMillis = endPoint == null ? 0 : endPoint.getIdleTimeout();
    }

    boolean passed() {
      return System.nanoTime() - deadlineNanos >= 0;
    }

    void beforeRead() throws IOException {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (left <= 0) throw new IOException(new TimeoutException("body read deadline passed"));
      if (endPoint != null) {
        endPoint.setIdleTimeout(originalIdleMillis > 0 ? Math.min(originalIdleMillis, left) : left);
      }
    }

    void restore() {
      if (endPoint != null) endPoint.setIdleTimeout(originalIdleMillis);
    }
  }

  /** The request stream with the deadline checked and applied before each read. */
  private static final class DeadlineInput extends java.io.FilterInputStream {
    private final Deadline deadline;

    DeadlineInput(InputStream in, Deadline deadline) {
      super(in);
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      deadline.beforeRead();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      deadline.beforeRead();
      return super.read(b, off, len);
    }
  }
}
