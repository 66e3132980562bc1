package dev.loupe.dimension.model.quality;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The most frequent function words of the Latin-script languages the evaluators know, written
 * lower-case with their accents. They are removed before comparing content words, and their
 * counts tell the Latin-script languages apart.
 */
final class StopWords {
  static final Map<String, Set<String>> BY_LANGUAGE = Map.of(
      "en", words("the a an and or but if then of to in on at by for with from about as into over"
          + " under is are was were be been being am do does did done have has had having it its it's"
          + " this that these those there here i me my mine you your yours he him his she her hers we us"
          + " our they them their what which who whom whose when where why how not no nor so than too very"
          + " can could will would shall should may might must just also only all any both each few more most"
          + " other some such own same up down out off again further once because while until during before"
          + " after above below between through against i'm don't doesn't isn't aren't can't won't"),
      "fr", words("le la les un une des du de d l et ou mais donc or ni car que qu qui quoi dont où ce"
          + " cet cette ces il elle ils elles on nous vous je j tu me m te t se s lui leur leurs son sa ses"
          + " mon ma mes ton ta tes notre nos votre vos est sont était étaient être été avoir a ont avait"
          + " avaient fait faire pour par avec sans sur sous dans en au aux chez entre vers pas ne n plus"
          + " moins très aussi comme si bien tout tous toute toutes même c ça cela ceci y peut peuvent"),
      "de", words("der die das den dem des ein eine einer eines einem einen und oder aber denn sondern"
          + " dass daß wenn weil ob als wie wo was wer wem wen welche welcher welches ich du er sie es wir"
          + " ihr mich dich sich uns euch mir dir ihm ihn ihnen mein dein sein unser euer ist sind war waren"
          + " bin bist hat haben hatte hatten wird werden wurde wurden kann können muss müssen soll sollen"
          + " nicht kein keine keinen noch auch nur schon sehr mit von zu zum zur bei nach aus für auf an"
          + " im in am um über unter vor hinter durch gegen ohne bis seit dieser diese dieses diesem diesen"
          + " hier dort da so dann doch mehr man"),
      "es", words("el la los las un una unos unas lo y e o u pero sino que qué quien quién cual cuál"
          + " cuando cuándo donde dónde como cómo de del al a en con sin por para sobre entre hasta desde"
          + " hacia según es son era eran fue fueron ser estar está están estaba ha han había hay he yo tú"
          + " él ella ellos ellas nosotros vosotros usted ustedes me te se nos os le les mi mis tu tus su"
          + " sus nuestro nuestra este esta estos estas ese esa esos esas no sí muy más menos también ya"
          + " porque pues si cada todo toda todos todas otro otra puede pueden"),
      "pt", words("o a os as um uma uns umas e ou mas porém que quem qual quais quando onde como de do"
          + " da dos das ao aos à às em no na nos nas num numa com sem por pelo pela pelos pelas para"
          + " sobre entre até desde é são era eram foi foram ser estar está estão estava tem têm tinha há"
          + " eu tu ele ela eles elas nós vós você vocês me te se lhe lhes meu minha meus minhas seu sua"
          + " seus suas nosso nossa este esta estes estas esse essa esses essas isso isto não sim muito"
          + " mais menos também já porque pois se cada todo toda todos todas outro outra pode podem"),
      "it", words("il lo la i gli le un uno una e ed o ma però che chi cui quale quali quando dove come"
          + " di del dello della dei degli delle a al allo alla ai agli alle da dal dalla dai in nel nello"
          + " nella nei negli nelle con su sul sulla per tra fra è sono era erano fu furono essere stato"
          + " stata ha hanno aveva avere ho hai abbiamo io tu lui lei noi voi loro mi ti si ci vi gli ne"
          + " mio mia miei mie tuo tua suo sua nostro nostra questo questa questi queste quello quella non"
          + " sì molto più meno anche già perché se ogni tutto tutta tutti tutte altro altra può possono"),
      "nl", words("de het een en of maar want dat die dit deze wie wat welke waar wanneer hoe van in op"
          + " aan met voor door bij naar uit over onder tegen tussen zonder tot is zijn was waren ben bent"
          + " heeft hebben had hadden wordt worden werd kan kunnen moet moeten zal zullen ik jij je hij zij"
          + " ze wij we jullie u mij mijn jouw zijn haar ons onze hun niet geen nog ook al wel zeer erg"
          + " meer er hier daar dan als om te zo toch"));

  /** Every language's stop words in one set, for removing function words from text of any of them. */
  static final Set<String> ALL = union();

  /** For each stop word, how many languages have it: a word of one language weighs more. */
  static final Map<String, Integer> LANGUAGE_COUNT = languageCounts();

  /** Han and kana characters that carry grammar, not content (particles, copulas, pronouns). */
  static final Set<Integer> CJK_FUNCTION_CHARS = codePoints(
      "的了是在和与及也就都而或着过把被从对于这那个我你他她它们吗呢吧啊之其所以为有不没");

  private StopWords() {}

  private static Set<String> words(String text) {
    return Set.copyOf(List.of(text.split(" "))); // copyOf: a word listed twice is kept once
  }

  private static Set<String> union() {
    Set<String> all = new HashSet<>();
    BY_LANGUAGE.values().forEach(all::addAll);
    return Set.copyOf(all);
  }

  private static Map<String, Integer> languageCounts() {
    Map<String, Integer> counts = new HashMap<>();
    BY_LANGUAGE.values().forEach(ws -> ws.forEach(w -> counts.merge(w, 1, Integer::sum)));
    return Map.copyOf(counts);
  }

  private static Set<Integer> codePoints(String s) {
    Set<Integer> set = new HashSet<>();
    s.codePoints().forEach(set::add);
    return Set.copyOf(set);
  }

  static List<String> languages() {
    return List.copyOf(BY_LANGUAGE.keySet());
  }
}
