package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroundednessTest {
  static final List<String> DOCUMENTS = List.of(
      "Refund policy. Customers may return unused products within 30 days of delivery for a full refund."
          + " Refunds are issued to the original payment method within 5 business days after the returned"
          + " item is received at our warehouse. Shipping costs are not refunded unless the item arrived damaged.",
      "International orders. Orders shipped outside the European Union may be subject to customs duties,"
          + " which are paid by the customer. International returns must be sent with a tracked shipping service.");
  static final String QUESTION = "How long do I have to return a product, and when will I get my money back?";

  @Test
  void anAnswerTakenFromTheContextScoresHigh() {
    String answer = "You may return unused products within 30 days of delivery for a full refund. The refund is"
        + " issued to your original payment method within 5 business days after the item is received at the warehouse.";
    assertThat(Groundedness.of(answer, DOCUMENTS, QUESTION).orElseThrow()).isGreaterThan(0.8);
  }

  @Test
  void aParaphraseOfTheContextStaysAboveTheMiddle() {
    String answer = "You have 30 days after delivery to send back an unused product. Once our warehouse receives it,"
        + " the refund goes to your original payment method within 5 business days.";
    assertThat(Groundedness.of(answer, DOCUMENTS, QUESTION).orElseThrow()).isBetween(0.5, 0.9);
  }

  @Test
  void anAnswerThatStopsUsingItsContextScoresLow() {
    // Same topic, same vocabulary in places, but invented terms: 60 days, store credit, 14 days, PayPal.
    String answer = "You can return any product within 60 days, even if opened. We give store credit immediately,"
        + " or a bank transfer after 14 working days; PayPal purchases are refunded within 24 hours.";
    assertThat(Groundedness.of(answer, DOCUMENTS, QUESTION).orElseThrow()).isLessThan(0.35);
  }

  @Test
  void anOffTopicAnswerScoresNearZero() {
    String answer = "The Eiffel Tower was completed in 1889 for the World's Fair and is 330 metres tall.";
    assertThat(Groundedness.of(answer, DOCUMENTS, QUESTION).orElseThrow()).isLessThan(0.1);
  }

  @Test
  void groundedAnswersScoreAboveUngroundedOnes() {
    double grounded = Groundedness.of("Returns are accepted within 30 days of delivery; shipping costs are not"
        + " refunded unless the item arrived damaged.", DOCUMENTS, QUESTION).orElseThrow();
    double invented = Groundedness.of("Returns are accepted within 90 days of purchase; we also refund shipping"
        + " and pay a 10 euro goodwill bonus.", DOCUMENTS, QUESTION).orElseThrow();
    assertThat(grounded).isGreaterThan(invented + 0.3);
  }

  @Test
  void echoingTheQuestionIsNeitherSupportNorInvention() {
    // "money back" comes from the question only; the rest from the context.
    String answer = "You get your money back: refunds are issued within 5 business days.";
    double withQuestion = Groundedness.of(answer, DOCUMENTS, QUESTION).orElseThrow();
    double withoutQuestion = Groundedness.of(answer, DOCUMENTS, null).orElseThrow();
    assertThat(withQuestion).isGreaterThan(withoutQuestion);
    assertThat(withQuestion).isGreaterThan(0.8);
  }

  @Test
  void chineseAnswersAreComparedByCharacterPairs() {
    List<String> docs = List.of("退款政策：客户可以在收货后30天内退回未使用的商品并获得全额退款。退款将在5个工作日内退回原支付方式。");
    double grounded = Groundedness.of("您可以在收货后30天内退回未使用的商品，退款将在5个工作日内退回原支付方式。", docs, null).orElseThrow();
    double invented = Groundedness.of("您可以在购买后90天内退货，我们会立即发放购物积分作为补偿。", docs, null).orElseThrow();
    assertThat(grounded).isGreaterThan(0.7);
    assertThat(invented).isLessThan(0.35);
  }

  @Test
  void tooLittleToJudgeGivesNoScore() {
    assertThat(Groundedness.of("Yes.", DOCUMENTS, QUESTION)).isEmpty();
    assertThat(Groundedness.of("You get your money back.", DOCUMENTS, QUESTION)).isEmpty();
    assertThat(Groundedness.of("A full answer with several content words here.", List.of(), QUESTION)).isEmpty();
    assertThat(Groundedness.of("A full answer with several content words here.", List.of("the of and"), QUESTION)).isEmpty();
  }
}
