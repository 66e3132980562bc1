package dev.loupe.dimension.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveDataDetectorTest {
  // Secret-shaped values are assembled from parts so that secret scanners leave this file alone.
  static final String AWS_KEY = "AKIA" + "TPLPFT7V4SEH2KVJ";
  static final String AWS_SECRET = "/1fjORS+6ilI8ihN5KXSc7Tvo" + "+hBKqFYY+kv5ZJr";
  static final String GITHUB = "ghp_" + "0B3JrTAwR4y9ojfljoQoaF1LlqsajAIxNKu8";
  static final String OPENAI = "sk-" + "proj-" + "TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEA1a";
  static final String JWT = "eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiazEifQ"
      + ".eyJzdWIiOiAidXNlci04ODEyIiwgInRlbmFudCI6ICJhY21lIiwgImV4cCI6IDE3OTgwMDAwMDB9"
      + ".PH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r";
  static final String PEM_BODY = "ZyaJ64OSfrNTFkcOzLAubOUSRPAEohbNQhWb2zgRQ9wfdAJW/o1q7epEnyELhrU98Bz4KUMMLjPuT6BO"
      + "h8I0SnKArC1FWM0E/kAJAwS7gY36MIN5Pu9yG6jRpm6ofovV42T4gU6wN/s6VzLV4bS6oiNn/Vj7DdYh";

  final SensitiveDataDetector detector = SensitiveDataDetector.standard();

  List<SensitiveKind> kinds(String text) {
    return detector.find(text).stream().map(SensitiveMatch::kind).toList();
  }

  @Test
  void redactsEachKindWithItsPlaceholder() {
    String text = "Mail jo.martin+news@acme-corp.io or call +44 20 7946 0958; card 4526 0181 5908 3012, "
        + "IBAN DE89 3704 0044 0532 0130 00, SSN 536-22-8145, key " + AWS_KEY + " secret " + AWS_SECRET
        + ", token " + GITHUB + ", openai " + OPENAI + ", bearer " + JWT + ".";
    assertThat(detector.redact(text)).isEqualTo(
        "Mail <EMAIL> or call <PHONE>; card <CARD_NUMBER>, IBAN <IBAN>, SSN <US_SSN>, key <AWS_ACCESS_KEY>"
            + " secret <AWS_SECRET_KEY>, token <GITHUB_TOKEN>, openai <OPENAI_API_KEY>, bearer <JWT>.");
  }

  @Test
  void matchesCarryTheirPositions() {
    String text = "write to ana@shop.example.org.uk now";
    List<SensitiveMatch> found = detector.find(text);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).valueIn(text)).isEqualTo("ana@shop.example.org.uk");
    assertThat(found.get(0).start()).isEqualTo(9);
  }

  @Test
  void cardsMustPassLuhnAndNotBeProviderTestNumbers() {
    assertThat(kinds("card 4526-0181-5908-3012")).containsExactly(SensitiveKind.CARD_NUMBER);
    assertThat(kinds("card 4526-0181-5908-3013")).isEmpty();
    assertThat(kinds("amex 3799 603082 46287")).containsExactly(SensitiveKind.CARD_NUMBER);
    assertThat(kinds("use 4242 4242 4242 4242 in Stripe test mode")).isEmpty();
    assertThat(kinds("tracking 1Z999AA10123456784 and order 4526018159083013")).isEmpty();
  }

  @Test
  void ibansMustPassMod97() {
    assertThat(kinds("pay to FR14 2004 1010 0505 0001 3M02 606 please")).containsExactly(SensitiveKind.IBAN);
    assertThat(kinds("pay to FR15 2004 1010 0505 0001 3M02 606 please")).isEmpty();
    assertThat(kinds("GB29NWBK60161331926819")).containsExactly(SensitiveKind.IBAN);
  }

  @Test
  void ssnsOutsideTheIssuedRangesAreNotReported() {
    assertThat(kinds("ssn 536-22-8145")).containsExactly(SensitiveKind.US_SSN);
    assertThat(kinds("ssn 666-22-8145, 000-12-3456, 912-34-5678, 536-00-8145, 536-22-0000")).isEmpty();
    assertThat(kinds("the famous 078-05-1120 from the wallet insert")).isEmpty();
  }

  @Test
  void phonesButNotDatesVersionsIpsOrOrderNumbers() {
    assertThat(kinds("call (415) 555-2671")).containsExactly(SensitiveKind.PHONE);
    assertThat(kinds("tel. 06 12 34 56 78")).containsExactly(SensitiveKind.PHONE);
    assertThat(kinds("Ruf mich an: 030 1234567")).containsExactly(SensitiveKind.PHONE);
    assertThat(kinds("+81 3-1234-5678")).containsExactly(SensitiveKind.PHONE);
    assertThat(kinds("released 2024-01-15, version 10.4.12.1, host 192.168.100.200, port 8080")).isEmpty();
    assertThat(kinds("Order #415-555-2671 shipped")).isEmpty();
    assertThat(kinds("invoice 415-555-2671")).isEmpty();
    assertThat(kinds("id 123e4567-e89b-12d3-a456-426614174000")).isEmpty();
    assertThat(kinds("it costs 1,234,567.89 dollars or 12.5 %")).isEmpty();
  }

  @Test
  void documentationKeysAndPlaceholdersAreNotSecrets() {
    assertThat(kinds("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        + "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).isEmpty();
    assertThat(kinds("OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).isEmpty();
    assertThat(kinds("set OPENAI_API_KEY=sk-your-api-key-here and GITHUB_TOKEN=ghp_your_token_here")).isEmpty();
    assertThat(kinds("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----")).isEmpty();
    assertThat(kinds("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
        + "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")).isEmpty();
    assertThat(kinds("sha1 028d512c9791e558e08baa7196b50ac2f8670282, uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301,"
        + " the risk-assessment-for-the-quarterly-planning-meeting-2024 doc")).isEmpty();
  }

  @Test
  void cloudCredentials() {
    String azure = "DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey="
        + "ah9kcVASqz1tEjarTcgf5cYn8LekqV0kQOIj93c4v/MYZeJ8Kf2q1TkptG7+g2dWazJbURe4XQRWjXVwtARiVA==;"
        + "EndpointSuffix=core.windows.net";
    assertThat(detector.redact("conn: " + azure + " ok")).isEqualTo("conn: <AZURE_CONNECTION_STRING> ok");
    String bus = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        + "SharedAccessKey=hJ9Lg/UQHPzryTr44BoVQ0UK58cuRcEh0WzZ6a3R8kI=";
    assertThat(detector.redact(bus)).isEqualTo("<AZURE_CONNECTION_STRING>");
    assertThat(kinds("AccountKey=<your-account-key>")).isEmpty();
    String gcp = "{\"type\": \"service_account\", \"project_id\": \"acme\", \"private_key_id\": "
        + "\"028d512c9791e558e08baa7196b50ac2f8670282\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n"
        + PEM_BODY + "\\n-----END PRIVATE KEY-----\\n\"}";
    assertThat(kinds(gcp)).containsExactly(SensitiveKind.GCP_SERVICE_ACCOUNT_KEY, SensitiveKind.GCP_SERVICE_ACCOUNT_KEY);
    assertThat(detector.redact(gcp)).doesNotContain(PEM_BODY.substring(0, 20)).doesNotContain("028d512c");
    String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA PRIVATE KEY-----";
    assertThat(detector.redact("key:\n" + pem + "\nend")).isEqualTo("key:\n<PRIVATE_KEY>\nend");
  }

  @Test
  void emailLookalikesAreNot() {
    assertThat(kinds("@app.route('/'), icon@2x.png, npm i @angular/core, user@localhost, a@b")).isEmpty();
    assertThat(kinds("support@example.com")).isEmpty();
  }

  @Test
  void checksums() {
    assertThat(Checksums.luhn("79927398713")).isTrue();
    assertThat(Checksums.luhn("79927398710")).isFalse();
    assertThat(Checksums.iban("GB82 WEST 1234 5698 7654 32")).isTrue();
    assertThat(Checksums.iban("GB82 WEST 1234 5698 7654 33")).isFalse();
  }
}
