package dev.loupe.api;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Reads a request body up to a limit, gunzipping it when the client said so. */
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

  private BodyReader() {}

  /** Fails on a declared Content-Length over the limit, before anything is read. */
  static void checkDeclaredLength(Context ctx, long limit) throws TooLarge {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw new TooLarge("the body is " + declared + " bytes, over the limit of " + limit
          + " (ingest.max_body_bytes)");
    }
  }

  static byte[] read(Context ctx, long limit) throws TooLarge, Unreadable {
    checkDeclaredLength(ctx, limit);
    String encoding = ctx.header("Content-Encoding");
    try {
      InputStream in = ctx.req().getInputStream();
      if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
        in = new GZIPInputStream(in, 64 * 1024);
      } else if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
        throw new Unreadable("unsupported Content-Encoding '" + encoding + "' (use gzip or none)");
      }
      return readLimited(in, limit);
    } catch (java.util.zip.ZipException e) {
      throw new Unreadable("the gzip body is corrupt: " + e.getMessage());
    } catch (IOException e) {
      throw new Unreadable("cannot read the body: " + e.getMessage());
    }
  }

  /** The body as sent, whatever its Content-Encoding (remote write's snappy is decoded by its decoder). */
  static byte[] readRaw(Context ctx, long limit) throws TooLarge, Unreadable {
    checkDeclaredLength(ctx, limit);
    try {
      return readLimited(ctx.req().getInputStream(), limit);
    } catch (IOException e) {
      throw new Unreadable("cannot read the body: " + e.getMessage());
    }
  }

  private static byte[] readLimited(InputStream in, long limit) throws IOException, TooLarge {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > limit) {
        throw new TooLarge("the body is over the limit of " + limit + " bytes (ingest.max_body_bytes)");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
