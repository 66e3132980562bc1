package dev.loupe.api;

import dev.loupe.ingest.IngestAdmission;
import io.javalin.http.Context;
import java.util.function.Consumer;

/**
 * What every push endpoint does before it decodes a body: a declared length over the limit is
 * refused with 413; then the body is read whole, within {@code ingest.body_read_timeout} (408)
 * and the body byte budget (429), and only then is a place in the ingest gate taken (429 with
 * {@code Retry-After} when full), so a slow sender never holds a place. Each endpoint encodes the
 * refusal its senders understand: 400 unreadable, 408 too slow, 413 too large, 429 retry later.
 */
final class PushGate {
  /** Answers a refusal in the endpoint's own encoding. */
  interface Refusal {
    void refuse(Context ctx, int status, String message);
  }

  private PushGate() {}

  /**
   * Reads the body (gunzipping it when {@code gunzip} and the client sent gzip) and runs
   * {@code admitted} with it holding a place in the gate, or answers why not.
   */
  static void enter(Context ctx, long maxBodyBytes, boolean gunzip, IngestAdmission admission, Refusal refusal,
      Consumer<byte[]> admitted) {
    byte[] body;
    try {
      body = BodyReader.read(ctx, maxBodyBytes, gunzip, admission);
    } catch (BodyReader.TooLarge e) {
      refusal.refuse(ctx, 413, e.getMessage());
      return;
    } catch (BodyReader.Unreadable e) {
      refusal.refuse(ctx, 400, e.getMessage());
      return;
    } catch (BodyReader.TimedOut e) {
      refusal.refuse(ctx, 408, e.getMessage());
      return;
    } catch (BodyReader.OverBudget e) {
      ctx.header("Retry-After", Long.toString(admission.retryAfter().toSeconds()));
      refusal.refuse(ctx, 429, e.getMessage());
      return;
    }
    try {
      if (!admission.tryEnter()) {
        ctx.header("Retry-After", Long.toString(admission.retryAfter().toSeconds()));
        refusal.refuse(ctx, 429, admission.overloadedMessage());
        return;
      }
      try {
        admitted.accept(body);
      } finally {
        admission.leave();
      }
    } finally {
      admission.release(body.length);
    }
  }
}
