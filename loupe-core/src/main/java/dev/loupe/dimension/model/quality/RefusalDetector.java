package dev.loupe.dimension.model.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells an answer that declines or says it does not know from one that answers. A phrase counts
 * only in the answer's lead (its first sentences), and only if the answer does not go on to answer:
 * "Sorry for the confusion, here is the fixed code" is no refusal, nor is "I don't know the exact
 * figure, but it is about 3 million". An apology alone never counts. Rules cover English, French,
 * German, Spanish, Portuguese, Italian, Chinese, Japanese, Korean and Russian.
 */
final class RefusalDetector {
  /** What the answer does instead of answering. */
  enum Kind {
    /** Declines: "I can't help with that". */
    DECLINE,
    /** Says it does not know or has no information: "I don't know", "the context does not say". */
    NO_KNOWLEDGE
  }

  /** A refusal found: its kind and the language of the rule that matched. */
  record Refusal(Kind kind, String language) {}

  /** The lead: this many sentences, and no further than this many characters. */
  static final int LEAD_SENTENCES = 3;
  static final int LEAD_CHARS = 400;
  /** After "but …", this many more words make a declining answer an answer after all. */
  static final int DECLINE_ANSWERS_AFTER_WORDS = 25;
  /** An "I don't know" followed by this many words has gone on to answer. */
  static final int NO_KNOWLEDGE_ANSWERS_AFTER_WORDS = 40;
  /** Longer than any rule's match. */
  private static final int MAX_MATCH_CHARS = 300;
  /** Enough text to hold the words that decide, however long the answer. */
  private static final int CONTINUATION_CHARS = 4000;

  /** A rule runs only where one of its triggers (plain substrings, much cheaper than the regex) occurs. */
  private record Rule(Pattern pattern, Kind kind, String language, List<String> triggers) {
    boolean triggeredBy(String text) {
      for (String t : triggers) {
        if (text.contains(t)) return true;
      }
      return false;
    }
  }

  private static final List<Rule> RULES = new ArrayList<>();
  private static final Pattern CONTRAST = compile(
      "\\b(?:but|however|though|although|that said|mais|cependant|toutefois|néanmoins|aber|jedoch|allerdings"
          + "|dennoch|pero|sin embargo|aunque|no obstante|mas|porém|contudo|entretanto|no entanto|ma|però"
          + "|tuttavia|comunque|но|однако)\\b|但|不过|然而|可是|が[、,]|けど|けれど|しかし|ただし|하지만|그러나|그렇지만");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?。\\n]+");
  private static final String FENCE = "```";

  static {
    // English
    String enVerbs = "(?:help(?!\\s+but\\b)|assist|provide|comply|fulfil|fulfill|do that|do this|answer|share|give"
        + "|create|generate|write|produce|support|engage|discuss|continue|complete|participate|offer|process"
        + "|browse|respond|disclose|reveal)";
    decline("en", "i can|i won|i will|i am|i'm|i must|i have",
        "\\bi(?: can't| cannot| can not| won't| will not| am unable to|'m unable to| am not able to"
        + "|'m not able to| am not allowed to|'m not allowed to| am not permitted to|'m not permitted to"
        + "| must decline to| have to decline to|'m not going to| am not going to)\\s+" + enVerbs);
    decline("en", "declin|refus",
        "\\bi (?:must|have to|need to|will have to) (?:decline|refuse)\\b");
    decline("en", "i can|i won",
        "\\bi (?:can't|cannot|won't)(?=\\s*[.!]|\\s*$)");
    decline("en", "as an ai",
        "\\bas an ai(?: language model| assistant| model)?,? i (?:can't|cannot|don't|do not|am not|'m not"
        + "|am unable|'m unable|won't)");
    decline("en", "not something i",
        "\\b(?:that's|that is|this is|it's|it is) not something i (?:can|am able to|'m able to|will)"
        + " (?:help|assist|do|provide)");
    decline("en", "comfortable|willing",
        "\\bi(?:'m| am) not (?:comfortable|willing) (?:with |to )?(?:help|provid|writ|creat|generat"
        + "|assist|shar|answer)");
    decline("en", "this request",
        "\\bthis request (?:violates|goes against|is against)");
    noKnowledge("en", "know",
        "\\bi (?:don't|do not) know\\b");
    noKnowledge("en", "i don't have|i do not have",
        "\\bi (?:don't|do not) have (?:any |enough |sufficient |the |that |real-time |specific )?"
        + "(?:information|data|details|knowledge|context|access to)");
    noKnowledge("en", "i have no",
        "\\bi have no (?:information|knowledge|data|details|way to know|access to)");
    noKnowledge("en", " find",
        "\\bi (?:couldn't|could not|can't|cannot|wasn't able to|was unable to|am unable to) find"
        + " (?:any |the |relevant )?(?:information|relevant|details|data|answer|mention)");
    noKnowledge("en", "not aware",
        "\\bi(?:'m| am) not aware of (?:any|the)\\b");
    noKnowledge("en", "there is no|there's no",
        "\\b(?:there is|there's) no (?:information|mention|data) (?:about|on|regarding|of|in)\\b");
    noKnowledge("en", "does not|do not",
        "\\bthe (?:provided |given |supplied )?(?:context|documents?|text|sources?|passages?)"
        + " (?:does|do) not (?:contain|mention|provide|include|say|specify|state)");
    noKnowledge("en", "not sure",
        "\\bi(?:'m| am) not sure (?:i |that i )?(?:can|know)\\b");
    // French
    decline("fr", "je ne",
        "\\bje ne (?:peux|pourrai|pourrais|suis) (?:pas|point) (?:en mesure d[e'] ?|autorisée? à )?"
        + "(?:vous |te |t')?(?:aider|assister|répondre|fournir|donner|générer|créer|écrire|partager|satisfaire"
        + "|accéder|faire cela|faire ça|accéder)");
    decline("fr", "refuser",
        "\\bje (?:dois|me vois contraint d[e'] ?) ?refuser\\b");
    decline("fr", "en tant qu'",
        "\\ben tant qu'(?:ia|intelligence artificielle|assistant|modèle de langage),? je ne");
    noKnowledge("fr", "je ne",
        "\\bje ne (?:sais|connais) pas\\b");
    noKnowledge("fr", "je n'ai",
        "\\bje n'ai (?:pas|aucune?) (?:d'|assez d'|suffisamment d')?(?:informations?|données|détails"
        + "|accès|idée)");
    noKnowledge("fr", "je n'ai",
        "\\bje n'ai trouvé aucune?\\b");
    noKnowledge("fr", " ne ",
        "\\ble (?:contexte|document|texte) (?:fourni )?ne (?:contient|mentionne|précise|fournit"
        + "|dit) pas");
    // German
    decline("de", "ich kann",
        "\\bich kann(?:\\s+\\S+){0,4}?\\s+nicht\\s+(?:\\S+\\s+){0,2}?(?:helfen|beantworten|erfüllen"
        + "|unterstützen|bereitstellen|liefern|geben|erstellen|schreiben|nachkommen|weiterhelfen|zugreifen|tun"
        + "|machen)\\b");
    decline("de", "in der lage",
        "\\bich bin (?:leider )?nicht in der lage\\b");
    decline("de", "ablehnen",
        "\\bich (?:muss|möchte) (?:diese anfrage |das |dies )?(?:leider )?ablehnen\\b");
    decline("de", "ich darf",
        "\\bich darf (?:ihnen |dir )?(?:dabei |das |hier )?(?:leider )?nicht\\b");
    decline("de", " als ",
        "\\bals (?:ki|künstliche intelligenz|sprachmodell|ki-sprachmodell|ki-assistent)"
        + "(?:\\s+\\S+){0,3}?\\s+(?:kann|darf) ich (?:\\S+\\s+){0,3}?(?:nicht|kein\\w*)\\b");
    noKnowledge("de", "ich weiß",
        "\\bich weiß (?:es |das )?(?:leider )?nicht\\b");
    noKnowledge("de", "weiß ich",
        "\\bdas weiß ich (?:leider )?nicht\\b");
    noKnowledge("de", "keine",
        "\\bich habe (?:leider )?keine (?:informationen|daten|kenntnis|ahnung|angaben|zugriff)");
    noKnowledge("de", "keine",
        "\\bich konnte (?:leider )?keine (?:informationen|angaben|daten)");
    noKnowledge("de", "keine",
        "\\bmir (?:liegen|sind) (?:leider )?keine (?:informationen|daten|angaben)");
    noKnowledge("de", "enthält keine",
        "\\b(?:der|das) (?:bereitgestellte |gegebene )?(?:kontext|text|dokument) enthält keine");
    // Spanish
    decline("es", " no ",
        "\\bno (?:puedo|podré|podría|estoy en condiciones de|me es posible|estoy autorizad[oa] para)"
        + "\\s+(?:te |le |les |os )?(?:ayudar|asistir|responder|proporcionar|dar|generar|crear|escribir"
        + "|compartir|cumplir|acceder|hacer eso|facilitar)");
    decline("es", "rechazar|negarme",
        "\\b(?:debo|tengo que) (?:rechazar|negarme)\\b");
    decline("es", " como ",
        "\\bcomo (?:un )?(?:modelo de lenguaje|ia|inteligencia artificial|asistente de ia),? no");
    noKnowledge("es", "sé",
        "\\bno (?:lo )?sé\\b");
    noKnowledge("es", "no tengo|no dispongo",
        "\\bno (?:tengo|dispongo de) (?:suficiente |ninguna )?(?:información|datos|acceso"
        + "|conocimiento)");
    noKnowledge("es", "encontrar",
        "\\bno (?:he podido|pude) encontrar (?:información|datos|nada)");
    noKnowledge("es", "no contiene|no menciona|no incluye",
        "\\bel (?:contexto|documento|texto) (?:proporcionado )?no (?:contiene|menciona|incluye)");
    // Portuguese
    decline("pt", "não ",
        "\\bnão (?:posso|poderei|poderia|consigo|estou autorizad[oa] a|sou capaz de)\\s+"
        + "(?:te |lhe |o |a )?(?:ajudar|auxiliar|responder|fornecer|dar|gerar|criar|escrever|compartilhar"
        + "|partilhar|cumprir|acessar|aceder|fazer isso)");
    decline("pt", "não",
        "\\bcomo (?:um )?(?:modelo de linguagem|ia|assistente de ia),? (?:eu )?não");
    noKnowledge("pt", "não",
        "\\bnão (?:o )?sei\\b");
    noKnowledge("pt", "não tenho",
        "\\bnão tenho (?:informações|informação|dados|acesso|conhecimento)");
    noKnowledge("pt", "não ",
        "\\bnão (?:encontrei|consegui encontrar) (?:informações|nenhuma informação|dados)");
    noKnowledge("pt", "não ",
        "\\bo (?:contexto|documento|texto) (?:fornecido )?não (?:contém|menciona|inclui)");
    // Italian
    decline("it", " non ",
        "\\bnon (?:posso|potrò|potrei|sono in grado di|sono autorizzat[oa] a)\\s+(?:ti |la |vi |le )?"
        + "(?:aiutare|aiutarti|aiutarla|assistere|rispondere|fornire|dare|generare|creare|scrivere|condividere"
        + "|soddisfare|accedere|fare questo|fare ciò)");
    decline("it", " come ",
        "\\bcome (?:un )?(?:modello linguistico|modello di linguaggio|ia|intelligenza artificiale"
        + "|assistente),? non");
    noKnowledge("it", " non ",
        "\\bnon (?:lo )?so\\b");
    noKnowledge("it", "non ho",
        "\\bnon ho (?:abbastanza |sufficienti )?(?:informazioni|dati|accesso|conoscenza)");
    noKnowledge("it", " non ",
        "\\bnon (?:sono riuscit[oa] a trovare|ho trovato) (?:informazioni|dati|nulla)");
    noKnowledge("it", " non ",
        "\\bil (?:contesto|documento|testo) (?:fornito )?non (?:contiene|menziona|include)");
    // Chinese (NFKC turns full-width commas into ASCII ones)
    decline("zh", "我|本助手",
        "(?:我|本助手)(?:无法|不能|没法|不可以|不便|無法)(?:为您|為您|帮你)?(?:帮助|帮忙|協助|协助|提供|回答|满足|完成"
        + "|生成|创建|编写|执行|处理|参与|讨论|分享|回覆)");
    decline("zh", "抱歉|对不起|很遗憾|對不起",
        "(?:抱歉|对不起|很遗憾|對不起),?\\s*(?:但)?我(?:无法|不能|無法)");
    decline("zh", "作为",
        "作为(?:一个)?(?:ai|人工智能|语言模型|ai语言模型|ai助手),?\\s*我(?:无法|不能|没有)");
    decline("zh", "我|这超出",
        "我必须拒绝|恕我无法|这超出了我的能力");
    noKnowledge("zh", "我不",
        "我不知道|我不清楚|我不確定|我不确定");
    noKnowledge("zh", "我",
        "我(?:没有|并没有|沒有)(?:相关|足够|关于这)?(?:的)?(?:信息|资料|数据|知识|資訊)");
    noKnowledge("zh", "没有|未",
        "(?:提供的|给定的)?(?:上下文|文档|文本|资料)中?(?:没有|未)(?:提到|提及|包含)");
    // Japanese
    decline("ja", "できません|いたしかねます|できかねます|致しかねます",
        "(?:お手伝い|お答え|回答|対応|ご提供|提供|作成|お応え)(?:することは|は)?"
        + "(?:できません|いたしかねます|できかねます|致しかねます)");
    decline("ja", "申し訳",
        "申し訳(?:ありません|ございません)が[、,]?.{0,30}?(?:できません|できかねます|いたしかねます)");
    decline("ja", "aiとして|お断り",
        "aiとして[、,]?.{0,20}?できません|お断りします");
    noKnowledge("ja", "りません|じません",
        "わかりません|分かりません|存じません|知りません");
    noKnowledge("ja", "情報|データ",
        "(?:情報|データ)(?:が|は)(?:ありません|見つかりません|ございません)");
    noKnowledge("ja", "には",
        "(?:コンテキスト|文書|テキスト|資料)には.{0,20}?(?:記載|言及|情報)(?:が|は)?"
        + "(?:ありません|されていません)");
    // Korean
    decline("ko", " 수 없",
        "(?:도와드릴|도움을 드릴|답변(?:해)?드릴|제공(?:해)?드릴|제공할|답변할|도울) 수 없");
    noKnowledge("ko", "습니다",
        "(?:잘 )?모르겠습니다|알 수 없습니다|정보가 없습니다");
    // Russian
    decline("ru", "я не",
        "\\bя не (?:могу|в состоянии|буду)\\s+(?:вам |тебе )?(?:помочь|ответить|предоставить|выполнить"
        + "|создать|написать|сгенерировать|поделиться)");
    decline("ru", " как ",
        "\\bкак (?:ии|языковая модель|искусственный интеллект),? я не");
    noKnowledge("ru", "я не",
        "\\bя не знаю\\b");
    noKnowledge("ru", "у меня нет",
        "\\bу меня нет (?:информации|данных|доступа|сведений)");
  }

  private RefusalDetector() {}

  private static void decline(String language, String triggers, String regex) {
    RULES.add(new Rule(compile(regex), Kind.DECLINE, language, List.of(triggers.split("\\|"))));
  }

  private static void noKnowledge(String language, String triggers, String regex) {
    RULES.add(new Rule(compile(regex), Kind.NO_KNOWLEDGE, language, List.of(triggers.split("\\|"))));
  }

  private static Pattern compile(String regex) {
    // Matched against folded text, already lower case: case-insensitive matching would only cost time.
    return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }

  /** The refusal in {@code answer}, or empty when it answers (or is blank). */
  static Optional<Refusal> detect(String answer) {
    if (answer == null || answer.isBlank()) return Optional.empty();
    // The lead and what follows it decide; the rest of a long answer is not read.
    String text = TextTerms.fold(TextTerms.head(answer, LEAD_CHARS + MAX_MATCH_CHARS + CONTINUATION_CHARS)).strip();
    int lead = leadEnd(text);
    // A rule's match is at most a few dozen characters: no need to search past the lead's end.
    int searchEnd = Math.min(text.length(), lead + MAX_MATCH_CHARS);
    String searched = " " + text.substring(0, searchEnd); // a leading space: " no " triggers at the start too
    for (Rule rule : RULES) {
      if (!rule.triggeredBy(searched)) continue;
      Matcher m = rule.pattern().matcher(text).region(0, searchEnd).useTransparentBounds(true);
      while (m.find() && m.start() < lead) {
        if (standsAsRefusal(text, m.end(), rule.kind())) return Optional.of(new Refusal(rule.kind(), rule.language()));
      }
    }
    return Optional.empty();
  }

  /** A refusal stands unless the answer goes on to answer after it. */
  private static boolean standsAsRefusal(String text, int matchEnd, Kind kind) {
    int sentenceEnd = Math.min(sentenceEnd(text, matchEnd), matchEnd + CONTINUATION_CHARS);
    boolean contrast = CONTRAST.matcher(text).region(matchEnd, sentenceEnd).find();
    if (text.indexOf(FENCE, sentenceEnd) >= 0) return false; // code follows: it answered
    double words = wordCount(text.substring(matchEnd, Math.min(text.length(), matchEnd + CONTINUATION_CHARS)));
    if (kind == Kind.DECLINE) {
      return !(contrast && words >= DECLINE_ANSWERS_AFTER_WORDS);
    }
    return !contrast && words < NO_KNOWLEDGE_ANSWERS_AFTER_WORDS;
  }

  /** Where the lead ends: after its third sentence, and no later than {@link #LEAD_CHARS}. */
  private static int leadEnd(String text) {
    Matcher m = SENTENCE_END.matcher(text);
    int end = text.length();
    for (int n = 1; m.find(); n++) {
      if (n == LEAD_SENTENCES) {
        end = m.end();
        break;
      }
    }
    return Math.min(end, LEAD_CHARS);
  }

  private static int sentenceEnd(String text, int from) {
    Matcher m = SENTENCE_END.matcher(text);
    return m.find(from) ? m.end() : text.length();
  }

  /** Words, a Han or kana character counting as half a word. */
  static double wordCount(String text) {
    double n = 0;
    for (String w : TextTerms.words(text)) {
      n += TextTerms.isCjk(w.codePointAt(0)) ? w.codePointCount(0, w.length()) / 2.0 : 1;
    }
    return n;
  }
}
