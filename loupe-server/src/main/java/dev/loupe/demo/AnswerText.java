package dev.loupe.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The text of the demo's RAG requests: a question about one of a few support documents, the
 * document retrieved for it, and an answer whose sentences come from the document with probability
 * {@code grounded}, else from small talk that no document holds. A fine-tune that strays from its
 * context answers with a lower {@code grounded}, which the built-in groundedness evaluator sees.
 */
final class AnswerText {
  /** One request's text. */
  record Rag(String prompt, String document, String completion) {}

  private static final List<String[]> DOCUMENTS = List.of(
      new String[] {"refunds",
          "Refunds are accepted within thirty days of purchase when the original receipt is presented.",
          "Store credit is offered instead of cash for purchases paid with a gift card.",
          "Opened software and personalised items cannot be refunded once delivered.",
          "Refunds reach the original payment card within five business days."},
      new String[] {"shipping",
          "Standard shipping takes three to five business days within the country.",
          "Express orders placed before noon leave the warehouse on the same day.",
          "International parcels may be held by customs for additional inspection.",
          "Tracking numbers are emailed as soon as the carrier scans the parcel."},
      new String[] {"warranty",
          "Every appliance carries a two year warranty covering manufacturing defects.",
          "Damage caused by dropping or flooding the device is excluded from the warranty.",
          "Warranty repairs require the serial number printed under the battery cover.",
          "Replacement units ship once the faulty device reaches the repair centre."},
      new String[] {"accounts",
          "Passwords must contain twelve characters including a digit and a symbol.",
          "Accounts are locked for fifteen minutes after five failed sign-in attempts.",
          "Two-factor authentication can use an authenticator app or a hardware key.",
          "Closing an account deletes stored addresses and saved payment cards."});

  private static final List<String> SMALL_TALK = List.of(
      "Honestly, lots of folks wonder about that sort of thing lately.",
      "Hopefully everything works out nicely for you soon.",
      "Great question, thanks so much for reaching out today!",
      "Our friendly team always loves hearing from happy people.",
      "Have a wonderful afternoon and enjoy the sunshine outside.",
      "Perhaps grab a coffee while waiting, it usually helps.");

  private AnswerText() {}

  static Rag rag(Random random, double grounded) {
    String[] doc = DOCUMENTS.get(random.nextInt(DOCUMENTS.size()));
    String document = String.join(" ", java.util.Arrays.copyOfRange(doc, 1, doc.length));
    List<String> sentences = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sentences.add(random.nextDouble() < grounded ? doc[1 + random.nextInt(doc.length - 1)]
          : SMALL_TALK.get(random.nextInt(SMALL_TALK.size())));
    }
    return new Rag("What is your policy on " + doc[0] + "?", document, String.join(" ", sentences));
  }
}
