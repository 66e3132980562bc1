package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LanguageIdentifierTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      en | The quarterly report shows that revenue grew by four percent, while the costs of the new data center were higher than expected.
      en | How do I reset my password if I no longer have access to the email address on my account?
      fr | Le rapport trimestriel montre que le chiffre d'affaires a augmenté de quatre pour cent, mais les coûts du nouveau centre de données sont plus élevés que prévu.
      fr | Comment est-ce que je peux réinitialiser mon mot de passe si je n'ai plus accès à mon adresse e-mail ?
      de | Der Quartalsbericht zeigt, dass der Umsatz um vier Prozent gestiegen ist, während die Kosten für das neue Rechenzentrum höher waren als erwartet.
      de | Wie kann ich mein Passwort zurücksetzen, wenn ich keinen Zugriff mehr auf meine E-Mail-Adresse habe?
      es | El informe trimestral muestra que los ingresos crecieron un cuatro por ciento, mientras que los costos del nuevo centro de datos fueron más altos de lo esperado.
      es | ¿Cómo puedo restablecer mi contraseña si ya no tengo acceso a mi correo electrónico?
      pt | O relatório trimestral mostra que a receita cresceu quatro por cento, enquanto os custos do novo centro de dados foram mais altos do que o esperado.
      pt | Como posso redefinir a minha senha se não tenho mais acesso ao meu e-mail?
      it | Il rapporto trimestrale mostra che i ricavi sono cresciuti del quattro per cento, mentre i costi del nuovo centro dati sono stati più alti del previsto.
      it | Come posso reimpostare la mia password se non ho più accesso alla mia email?
      nl | Het kwartaalrapport laat zien dat de omzet met vier procent is gegroeid, terwijl de kosten van het nieuwe datacenter hoger waren dan verwacht.
      ru | Квартальный отчёт показывает, что выручка выросла на четыре процента, а расходы на новый центр обработки данных оказались выше ожидаемых.
      uk | Квартальний звіт показує, що виручка зросла на чотири відсотки, а витрати на новий центр обробки даних виявилися вищими, ніж очікувалося.
      zh | 季度报告显示，收入增长了百分之四，而新数据中心的成本高于预期。
      zh | 如果我无法再访问我的电子邮件，如何重置密码？
      ja | 四半期報告書によると、売上高は4パーセント増加しましたが、新しいデータセンターのコストは予想を上回りました。
      ja | メールアドレスにアクセスできない場合、パスワードをリセットするにはどうすればよいですか？
      ko | 분기 보고서에 따르면 매출은 4퍼센트 증가했지만 새 데이터 센터의 비용은 예상보다 높았습니다.
      ar | يظهر التقرير الفصلي أن الإيرادات نمت بنسبة أربعة في المائة، بينما كانت تكاليف مركز البيانات الجديد أعلى من المتوقع.
      hi | तिमाही रिपोर्ट से पता चलता है कि राजस्व में चार प्रतिशत की वृद्धि हुई, जबकि नए डेटा सेंटर की लागत अपेक्षा से अधिक थी।
      el | Η τριμηνιαία έκθεση δείχνει ότι τα έσοδα αυξήθηκαν κατά τέσσερα τοις εκατό.
      he | הדוח הרבעוני מראה שההכנסות גדלו בארבעה אחוזים, בעוד שעלויות מרכז הנתונים החדש היו גבוהות מהצפוי.
      th | รายงานรายไตรมาสแสดงให้เห็นว่ารายได้เติบโตขึ้นร้อยละสี่
      """)
  void namesTheLanguage(String language, String text) {
    assertThat(LanguageIdentifier.identify(text)).contains(language);
  }

  @Test
  void codeAndUrlsDoNotVote() {
    String answer = "Voici comment faire : utilisez la fonction ci-dessous et vérifiez le résultat.\n"
        + "```python\nfor item in items:\n    if item is not None and item.value > 0:\n        print(item)\n```\n"
        + "Voir https://docs.python.org/3/tutorial/the-for-statement-with-a-long-english-path pour les détails.";
    assertThat(LanguageIdentifier.identify(answer)).contains("fr");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ok", "42", "Paris.", "👍👍", "```\nint x = 1;\n```", "SELECT 1", "GPU-4 XID-79 NVLink"})
  void tooLittleToTell(String text) {
    assertThat(LanguageIdentifier.identify(text)).isEmpty();
  }

  @Test
  void aNamesOnlyTextWithoutFunctionWordsIsNotGuessed() {
    assertThat(LanguageIdentifier.identify("Kubernetes Prometheus Grafana Alertmanager Loki Tempo Mimir Pyroscope")).isEmpty();
  }
}
