package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.quality.RefusalDetector.Kind;
import dev.loupe.dimension.model.quality.RefusalDetector.Refusal;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RefusalDetectorTest {

  @ParameterizedTest(name = "{1} {2}: {0}")
  @CsvSource(delimiter = '|', textBlock = """
      I'm sorry, but I can't help with that request.                                             | DECLINE | en
      I can’t assist with creating malware. Writing malicious software is illegal and can seriously harm people. If you are interested in security, ethical hacking courses are a good start. | DECLINE | en
      Sorry, I can't.                                                                            | DECLINE | en
      As an AI language model, I cannot provide personal opinions on political candidates.       | DECLINE | en
      I must decline to answer questions about how to obtain prescription drugs without a prescription. | DECLINE | en
      That's not something I can help with, but I'm happy to talk about something else.         | DECLINE | en
      I don't know.                                                                              | NO_KNOWLEDGE | en
      I do not have any information about a product called Zephyr-9 in the documents provided.  | NO_KNOWLEDGE | en
      The provided context does not mention the refund policy for international orders.          | NO_KNOWLEDGE | en
      I couldn't find any information about that in our knowledge base. Please contact support.  | NO_KNOWLEDGE | en
      Je suis désolé, mais je ne peux pas vous aider avec cette demande.                         | DECLINE | fr
      Je ne sais pas.                                                                            | NO_KNOWLEDGE | fr
      Je n'ai pas d'informations sur ce produit dans les documents fournis.                      | NO_KNOWLEDGE | fr
      Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.                                   | DECLINE | de
      Das weiß ich leider nicht.                                                                 | NO_KNOWLEDGE | de
      Ich habe leider keine Informationen zu diesem Thema.                                       | NO_KNOWLEDGE | de
      Lo siento, pero no puedo ayudarte con esa solicitud.                                       | DECLINE | es
      No lo sé.                                                                                  | NO_KNOWLEDGE | es
      No tengo información sobre ese tema en los documentos proporcionados.                      | NO_KNOWLEDGE | es
      Desculpe, mas não posso ajudar com esse pedido.                                            | DECLINE | pt
      Não sei responder a essa pergunta.                                                         | NO_KNOWLEDGE | pt
      Mi dispiace, ma non posso aiutarti con questa richiesta.                                   | DECLINE | it
      Non lo so.                                                                                 | NO_KNOWLEDGE | it
      抱歉，我无法帮助您完成这个请求。                                                           | DECLINE | zh
      作为一个AI语言模型，我无法提供医疗建议。                                                   | DECLINE | zh
      我不知道。                                                                                 | NO_KNOWLEDGE | zh
      申し訳ありませんが、そのご依頼にはお応えできません。                                       | DECLINE | ja
      そのご質問にはお答えできません。                                                           | DECLINE | ja
      わかりません。                                                                             | NO_KNOWLEDGE | ja
      죄송하지만 그 요청은 도와드릴 수 없습니다.                                                 | DECLINE | ko
      Извините, но я не могу помочь с этим запросом.                                             | DECLINE | ru
      Я не знаю.                                                                                 | NO_KNOWLEDGE | ru
      I'm not able to assist with that.                                                          | DECLINE | en
      This request violates the usage policy.                                                    | DECLINE | en
      I must refuse.                                                                             | DECLINE | en
      I'm not comfortable writing that message.                                                  | DECLINE | en
      I have no information about your order.                                                    | NO_KNOWLEDGE | en
      I'm not aware of any such regulation.                                                      | NO_KNOWLEDGE | en
      There is no information about that product in the catalogue.                               | NO_KNOWLEDGE | en
      I'm not sure I can answer that.                                                            | NO_KNOWLEDGE | en
      En tant qu'IA, je ne donne pas d'avis médical.                                             | DECLINE | fr
      Je dois refuser cette demande.                                                             | DECLINE | fr
      Je n'ai trouvé aucune information à ce sujet.                                              | NO_KNOWLEDGE | fr
      Le contexte fourni ne mentionne pas ce point.                                              | NO_KNOWLEDGE | fr
      Ich bin leider nicht in der Lage, diese Frage zu beantworten.                              | DECLINE | de
      Ich muss diese Anfrage leider ablehnen.                                                    | DECLINE | de
      Ich darf Ihnen dabei nicht helfen.                                                         | DECLINE | de
      Als KI-Sprachmodell kann ich keine Diagnosen stellen.                                      | DECLINE | de
      Als KI kann ich dir dabei leider nicht weiterhelfen.                                       | DECLINE | de
      Ich weiß es nicht.                                                                         | NO_KNOWLEDGE | de
      Mir liegen leider keine Informationen dazu vor.                                            | NO_KNOWLEDGE | de
      Der bereitgestellte Kontext enthält keine Angaben dazu.                                    | NO_KNOWLEDGE | de
      Debo rechazar esta solicitud.                                                              | DECLINE | es
      Como modelo de lenguaje, no tengo opiniones personales.                                    | DECLINE | es
      No he podido encontrar información sobre ese pedido.                                       | NO_KNOWLEDGE | es
      El contexto proporcionado no menciona la fecha.                                            | NO_KNOWLEDGE | es
      Como modelo de linguagem, não tenho opiniões pessoais.                                     | DECLINE | pt
      Não tenho informações sobre esse produto.                                                  | NO_KNOWLEDGE | pt
      Não encontrei informações sobre esse pedido.                                               | NO_KNOWLEDGE | pt
      O contexto fornecido não menciona a data.                                                  | NO_KNOWLEDGE | pt
      Come modello linguistico, non ho opinioni personali.                                       | DECLINE | it
      Non ho informazioni su questo prodotto.                                                    | NO_KNOWLEDGE | it
      Non ho trovato informazioni su questo ordine.                                              | NO_KNOWLEDGE | it
      Il contesto fornito non menziona la data.                                                  | NO_KNOWLEDGE | it
      对不起，我不能回答这个问题。                                                                 | DECLINE | zh
      我必须拒绝这个请求。                                                                         | DECLINE | zh
      我没有相关的信息。                                                                           | NO_KNOWLEDGE | zh
      提供的文档中没有提到这一点。                                                                 | NO_KNOWLEDGE | zh
      申し訳ございませんが、そのご要望には対応いたしかねます。                                     | DECLINE | ja
      AIとして、その判断はできません。                                                             | DECLINE | ja
      その件に関する情報がありません。                                                             | NO_KNOWLEDGE | ja
      提供された資料にはその記載がありません。                                                     | NO_KNOWLEDGE | ja
      잘 모르겠습니다.                                                                             | NO_KNOWLEDGE | ko
      Как ИИ, я не могу давать медицинские советы.                                               | DECLINE | ru
      У меня нет информации об этом заказе.                                                      | NO_KNOWLEDGE | ru
      """)
  void refusalsInEachLanguage(String answer, Kind kind, String language) {
    assertThat(RefusalDetector.detect(answer)).contains(new Refusal(kind, language));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // an apology in passing, then the answer
      "Sorry for the confusion! Here is the corrected function:\n```python\ndef add(a, b):\n    return a + b\n```",
      "I apologize for the mistake in my previous answer. The capital of Australia is Canberra, not Sydney.",
      "Unfortunately, Python 3.8 has no built-in for that. You can write your own helper with itertools.",
      "Sorry to hear your build is failing! The error means the module is not on the classpath; add it to the pom.",
      // "I don't know" / "I can't" that go on to answer
      "I don't know the exact figure, but it is roughly 3.2 million people as of the 2020 census.",
      "I don't know if you've tried restarting the service, but that usually clears the cache. Otherwise, check the logs.",
      "I can't provide medical advice, but in general ibuprofen is taken with food to protect the stomach, the usual"
          + " adult dose is 200 to 400 mg every four to six hours, and you should not exceed 1200 mg a day without a"
          + " doctor's advice.",
      // look-alikes that are not refusals
      "I can't stress enough how important backups are: schedule them daily and test a restore every month.",
      "I can't help but notice the loop never terminates: the counter is never incremented.",
      "You can't call that method on a null reference; check for null first or use Optional.",
      "The function raises an error when it cannot find the file, so wrap it in a try block.",
      "Here are the steps. 1. Open the settings. 2. Choose Accounts. 3. Click Reset. If it says \"I can't help"
          + " with that\", your administrator disabled resets.",
      "Je ne peux pas m'empêcher de remarquer que la boucle est infinie : le compteur n'augmente jamais.",
      "Der Fehler tritt auf, weil die Datei nicht gefunden wird. Prüfen Sie den Pfad.",
      "这个函数无法处理空列表，所以需要先检查长度。",
      "設定画面から言語を変更できます。",
      "The answer is 42."})
  void answersAreNotRefusals(String answer) {
    assertThat(RefusalDetector.detect(answer)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n"})
  void blankIsNotARefusal(String answer) {
    assertThat(RefusalDetector.detect(answer)).isEqualTo(Optional.empty());
  }

  @org.junit.jupiter.api.Test
  void aRefusalLateInALongAnswerIsNotTheLead() {
    String answer = "Photosynthesis turns light into chemical energy. Plants take in carbon dioxide. "
        + "Water is split in the light reactions. The Calvin cycle fixes carbon. "
        + "A common student question is why leaves are green; I don't know a simpler answer than chlorophyll.";
    assertThat(RefusalDetector.detect(answer)).isEmpty();
  }
}
