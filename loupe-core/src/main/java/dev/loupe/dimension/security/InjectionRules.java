package dev.loupe.dimension.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written injection and jailbreak rules, over {@link FoldedText} (lower case, accents
 * dropped, invisibles out). Each rule has a weight: how sure a match alone makes us.
 *
 * <p>No regex runs on ordinary text. From each rule's regex, {@link RegexLiterals} reads the
 * strings every match starts with and the groups of strings every match contains; one
 * {@link KeywordAutomaton} pass over the text finds all of them for all rules at once. A rule
 * whose groups are not all present cannot match and is skipped; one that may match runs its regex
 * anchored at each occurrence of one of its starting strings ({@code lookingAt}), or, when its
 * start is not a known string, searched around its rarest required string.
 */
final class InjectionRules {
  /** What kind of attack a rule recognises; also the evidence a person reads. */
  enum Category {
    INSTRUCTION_OVERRIDE, PERSONA_JAILBREAK, PROMPT_EXTRACTION, FAKE_TURN, INDIRECT, ENCODED_PAYLOAD, INVISIBLE_UNICODE
  }

  /** A rule that matched: its id ({@code override_previous}, {@code fr_override}…) and weight. */
  record Hit(String rule, Category category, double weight, int start, int end) {}

  private record Rule(String id, Category category, double weight, Pattern pattern) {}

  /** Around a required string that is not a match's start: how far before and after a match may reach. */
  private static final int BEFORE = 90;
  private static final int AFTER = 200;
  /** How far past its start a match anchored at a starting string may end. */
  private static final int MATCH_SPAN = 320;
  /** Keywords are cut to this many characters: a shorter string is still needed, and the table stays small. */
  static final int KEYWORD_CHARS = 12;

  private static final List<Rule> RULES = new ArrayList<>();

  // English building blocks.
  private static final String DROP_VERB = "(?:ignore|ignoring|disregard|disregarding|forget|forgetting|skip|override|overriding"
      + "|bypass|abandon|discard|drop|neglect|overlook|set aside|throw (?:out|away)|pay no (?:attention|heed) to"
      + "|stop following|do not follow|don'?t follow|no longer follow|do not obey|don'?t obey|stop obeying|cancel"
      + "|erase|delete|wipe|scrap|dismiss|void|nullify|ditch|put aside|never mind|nevermind|get rid of|escape)";
  private static final String EARLIER = "(?:previous|previously|prior|above|earlier|preceding|former|original|initial"
      + "|old|foregoing|prior|all|any|every|system|developer|your|those|these|given|existing|current|default"
      + "|pre-?programmed|built-in|safety|openai|content)";
  private static final String ORDERS = "(?:instructions?|rules|directions?|guidelines|prompts?|directives?|commands?"
      + "|orders|programming|guidance|constraints|restrictions|polic(?:y|ies)|guardrails|filters?|training|context"
      + "|messages?|conditioning|limitations|boundaries|safeguards|ethics|principles|protocols?)";
  private static final String AI = "(?:ai|assistant|chatbot|bot|model|llm|language model|gpt|chatgpt|claude|gemini|copilot"
      + "|(?:automated |ai )?(?:screening|review|grading|hiring) (?:systems?|tools?|bots?)|automated (?:systems?|agents?|tools?))";

  static {
    // --- instruction override ---
    rule("override_previous", Category.INSTRUCTION_OVERRIDE, 0.95,
        "\\b" + DROP_VERB + "\\b[^.!?\\n]{0,40}?\\b" + EARLIER + "\\b[^.!?\\n]{0,30}?\\b" + ORDERS + "\\b");
    rule("override_given", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b" + DROP_VERB + "\\b[^.!?\\n]{0,30}?\\b" + ORDERS + "\\b[^.!?\\n]{0,30}?\\b(?:you (?:were|have been) "
            + "(?:given|told|provided|programmed)|you (?:got|received|had)|(?:i|we|they) gave you|earlier|before|previously"
            + "|so far|until now|up to now|above|in advance)\\b");
    rule("forget_everything", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:forget|ignore|disregard)\\b (?:about )?(?:everything|all|anything|whatever) (?:that )?(?:you (?:were|have been|"
            + "know|learned)|(?:i|we|they|anyone|someone) (?:said|told you|wrote)|you'?ve been told|that was said)");
    rule("override_orders", Category.INSTRUCTION_OVERRIDE, 0.55,
        "\\b" + DROP_VERB + "\\b\\s(?:the |your |my |its |their )?" + ORDERS + "\\b");
    rule("override_above", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b" + DROP_VERB + "\\b (?:all |everything |anything |what(?:ever)? (?:was|is|you were) (?:said|written|told) )?"
            + "(?:above|before this|prior to this|previously (?:said|stated|written)|(?:i|we|they) (?:said|told you) before"
            + "|you (?:were|have been) told|that came before|written above"
            + "|what (?:the )?(?:system|developers?|operators?|admins?) (?:said|told you|wrote|says))");
    rule("new_instructions", Category.INSTRUCTION_OVERRIDE, 0.7,
        "\\b(?:your |the |these are |here are |following are |)(?:new|updated|real|actual|true|revised|overriding)"
            + " (?:instructions?|task|rules|directives?|system prompt|objective|goal|role)\\b(?: (?:is|are))?\\s*(?::|is|are|follow)");
    rule("instead_do", Category.INSTRUCTION_OVERRIDE, 0.55,
        "\\b(?:instead|rather),? (?:you (?:will|must|should|shall)|just|only|simply) (?:say|output|print|respond|reply|write|answer|do)\\b");
    rule("from_now_on", Category.INSTRUCTION_OVERRIDE, 0.5,
        "\\b(?:from now on|henceforth|for the rest of this conversation),? (?:you|your|all your|always|never|only|act|respond|answer|reply)\\b");
    rule("prior_is_void", Category.INSTRUCTION_OVERRIDE, 0.8,
        "\\b(?:the )?(?:above|previous|prior|earlier|preceding|original|system) (?:instructions?|prompts?|rules|text|messages?)"
            + " (?:(?:was|were|is|are) (?:(?:just |only )?(?:a test|fake|wrong|outdated|void|invalid|cancell?ed|obsolete|deprecated|not real|no longer valid|a joke))"
            + "|(?:no longer|do not|don'?t) (?:apply|matter|count))");
    rule("end_of_prompt", Category.INSTRUCTION_OVERRIDE, 0.75,
        "\\b(?:end of (?:the )?(?:system )?(?:prompt|instructions|system message|context|rules)|end (?:system )?prompt"
            + "|(?:end|exit) (?:of )?(?:safe|restricted) mode)\\b");
    rule("override_safety", Category.INSTRUCTION_OVERRIDE, 0.8,
        "\\b(?:disable|turn off|switch off|deactivate|remove|lift|unlock|bypass)\\b (?:all |any |your |the )?"
            + "(?:safety|content|ethical|moral)? ?(?:filters?|guardrails|safeguards|restrictions|censorship|limitations|safety (?:checks|features|protocols?|mode))\\b");
    rule("pwned", Category.INSTRUCTION_OVERRIDE, 0.7,
        "\\b(?:i have been pwned|i've been pwned|you(?:'ve| have) been pwned|pwned|i have been hacked|haha,? pwned)\\b");

    // --- persona and role-play jailbreaks ---
    rule("dan", Category.PERSONA_JAILBREAK, 0.95,
        "\\bdo anything now\\b|\\b(?:you are|you're|act as|acting as|pretend to be|be|become|called|named|enable|activate|"
            + "as|respond as|answer as|hi|hello|hey)\\s(?:now\\s)?dan\\b|\\bdan (?:mode|prompt|jailbreak|can do)\\b|\\[dan\\]|\\bdan:");
    rule("special_mode", Category.PERSONA_JAILBREAK, 0.85,
        "\\b(?:developer|dev|god|admin|sudo|debug|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|chaos|"
            + "opposite|dan|unlocked|maintenance|root|no[- ]?limits?|free) mode\\b[^.\\n]{0,40}\\b(?:enabled|activated|on|"
            + "engaged)\\b|\\b(?:enable|activate|enter|switch to|turn on|you are (?:now )?in|now in|go into|boot into)"
            + " (?:the )?(?:developer|dev|god|admin|sudo|debug|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|"
            + "chaos|opposite|dan|unlocked|root|no[- ]?limits?) mode\\b");
    rule("no_restrictions", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:an? |the )?(?:ai|assistant|chatbot|bot|model|version of yourself|entity|persona|character)\\b[^.\\n]{0,30}"
            + "\\b(?:without (?:any )?|with no |free (?:from|of) (?:any |all )?|freed from (?:the |all |your )?(?:typical )?"
            + "|not bound by (?:any )?|unbound by |beyond |liberated from |broken free (?:of|from) )"
            + "(?:restrictions|limits|limitations|filters|rules|guidelines|censorship|ethics|morals|ethical|moral|"
            + "content polic|safety|constraints|confines|boundaries|programming|openai)"
            + "|\\b(?:you are|you're|you have been|you've been) (?:now )?(?:free|freed|liberated|unshackled|unleashed|"
            + "unrestricted|unfiltered|uncensored|jailbroken|released)\\b");
    rule("unbound_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:who|that|which) (?:is not|isn'?t|is never|was never) (?:bound|restricted|limited|constrained) by (?:any |the |its |"
            + "their )?(?:polic|rules|restrictions|guidelines|filters|limits|laws|ethics)|\\b(?:who|that|which) (?:has|have) "
            + "(?:escaped|broken|shed|outgrown|abandoned) (?:the |all |its |their )?(?:rules|restrictions|guidelines|filters|limits"
            + "|programming|creators)|\\banswers? (?:every|any|all) (?:request|question|prompt|query)s? without (?:refus|hesitat|"
            + "filter|question|limit)|\\bnever adds? (?:any )?(?:warnings|disclaimers|caveats)\\b");
    rule("evil_ai", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:evil|unethical|amoral|immoral|uncensored|unfiltered|unrestricted|rogue|dark|unaligned)"
            + " (?:ai|assistant|chatbot|bot|model|version|twin|alter ego|counterpart|gpt|llm|confidant)\\b");
    rule("persona_switch", Category.PERSONA_JAILBREAK, 0.3,
        "\\b(?:you are now|you're now|you will now (?:act|be|respond|behave)|pretend (?:to be|you are|that you|you're)"
            + "|act as (?:if|an?|my|though)|(?:role-?play|role play) as|stay in character|simulate (?:an?|being)"
            + "|you will respond as|impersonate|from now on you are|become an?)\\b");
    rule("no_longer_ai", Category.PERSONA_JAILBREAK, 0.85,
        "\\byou (?:are|'re) (?:no longer|not) (?:an? |the )?(?:ai|assistant|chatbot|chatgpt|claude|language model|bound"
            + "|restricted|limited|an ai language model|programmed)\\b");
    rule("jailbreak_word", Category.PERSONA_JAILBREAK, 0.3,
        "\\bjailbr(?:oken|eak|eaking|eaked)\\b");
    rule("never_refuse", Category.PERSONA_JAILBREAK, 0.75,
        "\\b(?:you )?(?:(?:will|must|can|shall) )?(?:never|not|cannot|can'?t|won'?t|do not|don'?t|must not) (?:refuse|decline|"
            + "say no|apologi[sz]e|break character|add (?:any )?(?:warnings|disclaimers))\\b|\\bwithout (?:any )?(?:warnings|disclaimers"
            + "|refusals?)\\b|\\bno (?:warnings|disclaimers|refusals|moralizing)\\b");

    // --- system prompt extraction ---
    rule("repeat_above", Category.PROMPT_EXTRACTION, 0.9,
        "\\b(?:repeat|print|output|show|display|reveal|tell me|give me|write(?: out| down)?|copy|echo|dump|leak|spell out"
            + "|recite|paste|return|list|type out|reproduce|summari[sz]e|translate)\\b[^.!?\\n]{0,40}?\\b(?:the )?(?:text|words|"
            + "everything|all|content|instructions|message|prompt|sentences|lines|tokens|characters|conversation)"
            + "\\b[^.!?\\n]{0,20}?\\b(?:above(?! (?:the|a|an|it|each|every)\\b)|before (?:this|my|the)|preceding|prior to|at the (?:start|beginning|top)|so far"
            + "|you were given|you were told|you received|you have been given|that came before|in your context)\\b");
    rule("system_prompt_request", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:what (?:is|are|was|were)|show|reveal|print|repeat|tell|give|output|share|display|leak|disclose|dump"
            + "|expose|read (?:back|out)|return|write out|spell out|paste|provide|copy)\\b[^.!?\\n]{0,30}?\\b(?:your|the|its|ur)"
            + "\\s(?:full |complete |entire |exact |original |initial |hidden |secret |internal |confidential |"
            + "underlying |real |actual |very first |first |pre-?)?(?:system|initial|original|hidden|secret|internal|"
            + "developer|starting|opening|base|meta|custom|pre)?[ -]?(?:prompt|instructions|system message|directives|"
            + "configuration|guidelines|rules you were given)\\b");
    rule("verbatim", Category.PROMPT_EXTRACTION, 0.7,
        "\\b(?:verbatim|word for word|word-for-word|exactly as (?:written|given|it appears))\\b[^.\\n]{0,60}"
            + "\\b(?:above|instructions|prompt|told|given|system|context)\\b|\\b(?:instructions|prompt|system message|text above)"
            + "\\b[^.\\n]{0,40}\\b(?:verbatim|word for word|word-for-word)\\b");
    rule("told_before", Category.PROMPT_EXTRACTION, 0.8,
        "\\bwhat (?:was|is|has been) (?:written|said|stated|put) (?:before|above|prior to) (?:my|this|the|our)\\b"
            + "|\\bwhat (?:instructions|rules|guidelines|directions|directives|prompt)\\b[^.?\\n]{0,20}\\b(?:were|have) you (?:been )?"
            + "(?:given|told|provided|programmed)|\\bwhat (?:were you told|were your (?:first |initial |original )?instructions|were you given|did (?:they|your "
            + "developers?|the developers?|openai) tell you)\\b|\\beverything you were (?:told|given)\\b");
    rule("starting_with_you_are", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:starting|beginning|begins|starts) with [\"']?(?:you are|you're|system|the first (?:word|line|sentence))");

    // --- fake turns and delimiters ---
    rule("chat_template_token", Category.FAKE_TURN, 0.85,
        "<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\\|>"
            + "|\\[/?inst\\]|<</?sys>>|\\[system\\]");
    rule("fake_role_line", Category.FAKE_TURN, 0.7,
        "(?:^|\\n)\\s*(?:#{1,6}|\\*\\*|\\[|<|=+|-{2,}|>+)?\\s*(?:new |updated |important )?(?:system|developer|admin|"
            + "administrator|root|operator|sudo)(?: (?:prompt|message|instructions?|override|note|update))?\\s*"
            + "(?:\\]|>|\\*\\*|=+|-{2,})?\\s*:");
    rule("fake_assistant_turn", Category.FAKE_TURN, 0.65,
        "(?:^|\\n)\\s*(?:#{1,6}\\s*|\\[)?(?:assistant|ai|bot|chatgpt|gpt|model)\\]?\\s*:[^\\n]{0,200}\\n\\s*(?:#{1,6}\\s*|\\[)?"
            + "(?:human|user|me|you)\\]?\\s*:");
    rule("role_tag", Category.FAKE_TURN, 0.6,
        "</?(?:system|instructions?|admin|developer|sys)(?:_(?:prompt|message))?>|\"role\"\\s*:\\s*\"(?:system|developer)\"");
    rule("fake_user_ended", Category.FAKE_TURN, 0.55,
        "\\b(?:end of user (?:input|message|query|turn)|user input end(?:s|ed)?|end user input|conversation ended)\\b");

    // --- instructions addressed to a model inside a document (indirect injection) ---
    rule("note_to_ai", Category.INDIRECT, 0.8,
        "\\b(?:note|message|instructions?|reminder|attention|memo|directive|p\\.?s\\.?)\\s?(?:to|for)\\s(?:the |any |all )?"
            + AI + "s?\\b|\\b(?:dear|hey|hi|attention|important for) " + AI + "s?\\b[,:!]");
    rule("if_you_are_ai", Category.INDIRECT, 0.8,
        "\\bif you (?:are|'re) (?:an? |the )?(?:ai|assistant|chatbot|bot|llm|large language model|language model|gpt|"
            + "automated|summari[sz]er|agent)\\b|\\b(?:ai|assistants?|llms?|models?|agents?|bots?|summari[sz]ers?)s? "
            + "(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|ingesting|crawling|scanning) this\\b");
    rule("hide_from_user", Category.INDIRECT, 0.85,
        "\\b(?:do not|don'?t|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|let(?:ting)? "
            + "(?:the )?(?:user|human) know|alert(?:ing)?|show(?:ing)?)\\b[^.\\n]{0,30}\\b(?:the )?(?:user|human)\\b"
            + "|\\b(?:secretly|covertly|silently|quietly) (?:send|include|add|insert|append|forward|exfiltrate|call|"
            + "email|post|embed)\\b");
    rule("when_summarizing", Category.INDIRECT, 0.6,
        "\\bwhen (?:you )?(?:summari[sz]ing|summari[sz]e|reading|read|processing|process|asked about|answering questions about)"
            + " (?:this|the following) (?:page|document|email|text|file|article|website|content|message|review|resume)\\b"
            + "[^.\\n]{0,40}\\b(?:you (?:must|should|will)|always|say|tell|write|include|respond|recommend|output)\\b");
    rule("exfil_instruction", Category.INDIRECT, 0.75,
        "\\b(?:include|add|insert|render|append|embed|output|display|write)\\b[^.\\n]{0,40}\\b(?:markdown |an? )?"
            + "(?:image|img|link|url)\\b[^.\\n]{0,60}(?:https?://|\\{|\\[)[^.\\n]{0,80}(?:\\?|&)\\w+=");
    rule("decode_and_follow", Category.ENCODED_PAYLOAD, 0.75,
        "\\b(?:decode|decipher|translate|reverse|unscramble|convert)\\b[^.\\n]{0,50}\\b(?:and|then)\\b[^.\\n]{0,20}"
            + "\\b(?:follow|execute|obey|do|carry out|act on|run|perform|comply with)\\b|\\b(?:follow|execute|obey|carry out)"
            + "\\b[^.\\n]{0,30}\\b(?:decoded|encoded|base64|hex|rot-?13|reversed)\\b");

    // --- French ---
    rule("fr_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b(?:ignore[rz]?(?= (?:toutes|tous|les|tes|vos|ces|l'ensemble))|ignorez|oublie[rsz]?|oubliez|ne (?:tiens|tenez) (?:pas|plus) compte d[eu']s?|fai(?:s|tes) "
            + "(?:abstraction|fi) d[eu']s?|passe[rz]? outre|outrepasse[rz]?)\\b[^.!?\\n]{0,40}?\\b(?:instructions|consignes|regles|"
            + "directives|indications|ordres|restrictions|limites)\\b");
    rule("fr_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:oublie|oubliez|ignore|ignorez) tout ce (?:qu'on|que l'on|que je|qu'il|qui) (?:t'a|vous a|t'ai|vous ai|a ete)\\b");
    rule("fr_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:montre|montrez|affiche|affichez|revele|revelez|repete|repetez|donne|donnez|dis|dites|ecris|ecrivez|quel(?:le)?s? "
            + "(?:est|sont))\\b[^.!?\\n]{0,30}?\\b(?:ton|votre|tes|vos|le|les)\\s(?:prompt|instructions|consignes|message)"
            + "(?: (?:systeme|system|initial(?:es?)?|d'origine|cachee?s?|secrete?s?|de depart))?\\b"
            + "|\\b(?:texte|instructions|consignes) ci-dessus\\b");
    rule("fr_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:tu es|vous etes|tu seras|tu deviens) (?:maintenant|desormais|a present)\\b|\\bmode (?:developpeur|dan|sans "
            + "(?:restriction|limite|filtre)s?|debride)\\b|\\b(?:ia|assistant|modele|chatbot)\\b[^.\\n]{0,20}\\bsans (?:aucune? )?"
            + "(?:restrictions?|limites?|filtres?|censure|regles)\\b");

    // --- German ---
    rule("de_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|missachte(?:n)?|uberspring(?:e|en)?|beachte(?:n sie)? (?:nicht|keine)"
            + "|setze[^.\\n]{0,20}au(?:ss|\u00df|s)er kraft)\\b[^.!?\\n]{0,50}?\\b(?:anweisungen|anweisung|instruktionen|regeln|vorgaben|"
            + "befehle|richtlinien|einschrankungen|systemprompt|vorherige|obige)\\w*");
    rule("de_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie) alles,? (?:was|das) (?:man dir|man ihnen|ich dir|du|sie|dir|ihnen)\\b");
    rule("de_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:zeig(?:e|en sie)?|gib|geben sie|wiederhole|wiederholen sie|verrat(?:e|en sie)?|nenne|nennen sie|schreib|"
            + "was (?:ist|sind|waren)|gib mir)\\b[^.!?\\n]{0,40}?\\b(?:dein(?:en|e)?|ihr(?:en|e)?|die|den)\\s(?:system-?prompt|"
            + "systemanweisung(?:en)?|anfangsanweisungen|ursprunglichen anweisungen|anweisungen|prompt|systemnachricht|"
            + "instruktionen)\\b|\\b(?:text|anweisungen) (?:oben|daruber)\\b");
    rule("de_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\bdu bist (?:jetzt|ab sofort|nun|ab jetzt)\\b|\\b(?:entwicklermodus|entwickler-modus|dan-modus|gott-?modus)\\b"
            + "|\\b(?:ki|assistent|modell|chatbot)\\b[^.\\n]{0,20}\\bohne (?:jegliche |irgendwelche )?(?:einschrankungen|"
            + "beschrankungen|filter|regeln|zensur|grenzen)\\b");

    // --- Spanish ---
    rule("es_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b(?:(?:ignora|ignore)(?= (?:todas|todos|las|los|tus|sus|cualquier))|ignorar|ignoren|olvida|olvide|olvidar|olviden|descarta|descarte|omite|omita|haz caso omiso de|"
            + "no sigas|no hagas caso (?:a|de)|pasa por alto)\\b[^.!?\\n]{0,40}?\\b(?:instrucciones|reglas|indicaciones|"
            + "directrices|ordenes|restricciones|normas|directivas)\\b");
    rule("es_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:olvida|olvide|ignora|ignore) todo (?:lo )?(?:que|cuanto) (?:te|le) (?:dijeron|han dicho|dije|indicaron|ensenaron)\\b");
    rule("es_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:muestra(?:me)?|muestre(?:me)?|revela(?:me)?|revele|repite|repita|dime|digame|dame|deme|escribe|cual(?:es)? "
            + "(?:es|son)|que (?:es|son))\\b[^.!?\\n]{0,30}?\\b(?:tu|tus|su|sus|el|las)\\s(?:prompt|instrucciones|mensaje)"
            + "(?: (?:del sistema|de sistema|iniciales|originales|ocultas|secretas))?\\b|\\b(?:texto|instrucciones) (?:de )?arriba\\b");
    rule("es_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:ahora eres|a partir de ahora eres|desde ahora eres)\\b|\\bmodo (?:desarrollador|dan|sin (?:restricciones|"
            + "limites|filtros))\\b|\\b(?:ia|asistente|modelo|chatbot)\\b[^.\\n]{0,20}\\bsin (?:ninguna |ningun )?(?:restricciones|"
            + "restriccion|limites|filtros|censura|reglas)\\b");

    // --- Portuguese ---
    rule("pt_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b(?:(?:ignore|ignora)(?= (?:todas|todos|as|os|suas|seus|quaisquer))|ignorar|ignorem|esqueca|esquece|esquecer|desconsidere|desconsidera|descarte|descarta|nao siga|"
            + "deixe de lado)\\b[^.!?\\n]{0,40}?\\b(?:instrucoes|regras|orientacoes|diretrizes|comandos|ordens|restricoes)\\b");
    rule("pt_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:esqueca|esquece|ignore|ignora) tudo (?:o )?que (?:te|lhe) (?:disseram|foi dito|falaram|ensinaram|disse)\\b");
    rule("pt_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:mostre(?:-me)?|mostra(?:-me)?|revele|revela|repita|repete|diga(?:-me)?|me (?:de|diga|mostre)|escreva|qual (?:e|sao)"
            + "|quais sao)\\b[^.!?\\n]{0,30}?\\b(?:seu|sua|suas|seus|o|as)\\s(?:prompt|instrucoes|mensagem)(?: (?:do sistema|de "
            + "sistema|iniciais|originais|ocultas|secretas))?\\b|\\b(?:texto|instrucoes) acima\\b");
    rule("pt_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:agora voce e|a partir de agora voce e|agora tu es)\\b|\\bmodo (?:desenvolvedor|dan|sem (?:restricoes|limites|"
            + "filtros))\\b|\\b(?:ia|assistente|modelo|chatbot)\\b[^.\\n]{0,20}\\bsem (?:nenhuma |qualquer )?(?:restricoes|"
            + "restricao|limites|filtros|censura|regras)\\b");

    // --- Italian ---
    rule("it_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "\\b(?:(?:ignora|ignori)(?= (?:tutte|tutti|le|i|gli|qualsiasi|ogni))|ignorare|dimentica|dimentichi|dimenticare|trascura|trascuri|non considerare|non seguire|non tenere"
            + " conto d\\w*)\\b[^.!?\\n]{0,40}?\\b(?:istruzioni|regole|indicazioni|direttive|ordini|restrizioni|comandi)\\b");
    rule("it_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "\\b(?:dimentica|dimentichi|ignora|ignori) tutto (?:quello|cio) che ti (?:e stato detto|hanno detto|ho detto)\\b");
    rule("it_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "\\b(?:mostra(?:mi)?|mostri|rivela(?:mi)?|riveli|ripeti|ripeta|dimmi|mi dica|dammi|scrivi|qual e|quali sono)\\b"
            + "[^.!?\\n]{0,30}?\\b(?:il tuo|i tuoi|le tue|la tua|il suo|le sue|il|le)\\s(?:prompt|istruzioni|messaggio)"
            + "(?: (?:di sistema|del sistema|iniziali|originali|nascoste|segrete))?\\b|\\b(?:testo|istruzioni) (?:qui )?sopra\\b");
    rule("it_persona", Category.PERSONA_JAILBREAK, 0.8,
        "\\b(?:ora sei|da ora sei|d'ora in poi sei|adesso sei)\\b|\\bmodalita (?:sviluppatore|dan|senza (?:restrizioni|"
            + "limiti|filtri))\\b|\\b(?:ia|assistente|modello|chatbot)\\b[^.\\n]{0,20}\\bsenza (?:alcuna |alcun )?(?:restrizioni|"
            + "restrizione|limiti|filtri|censura|regole)\\b");

    // --- Russian ---
    rule("ru_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "(?:игнорируй|игнорируйте|проигнорируй|проигнорируйте|забудь|забудьте|не обращай(?:те)? внимания на|отбрось|отбросьте|"
            + "не следуй|не следуйте|пропусти)[^.!?\\n]{0,50}?(?:инструкци|указани|правил|команд|ограничени|предписани|"
            + "установк)");
    rule("ru_forget_all", Category.INSTRUCTION_OVERRIDE, 0.85,
        "(?:забудь|забудьте) (?:вс[её]|обо вс[её]м),? (?:что|чему) (?:тебе|вам)");
    rule("ru_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "(?:покажи|покажите|выведи|выведите|повтори|повторите|раскрой|раскройте|скажи|скажите|напиши|напишите|какой|какие|"
            + "каков)[^.!?\\n]{0,40}?(?:системн\\w* (?:промпт|подсказк|инструкци|сообщени)|твой промпт|твои инструкции|"
            + "ваш промпт|ваши инструкции|исходн\\w* инструкци|промпт)|текст выше");
    rule("ru_persona", Category.PERSONA_JAILBREAK, 0.8,
        "(?:теперь ты|отныне ты|с этого момента ты)|режим (?:разработчика|dan|без ограничений)|(?:ии|ассистент|модель|"
            + "чат-?бот)[^.\\n]{0,20}без (?:каких-либо |всяких |любых )?(?:ограничений|фильтров|правил|цензуры)");

    // --- Chinese ---
    rule("zh_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "(?:忽略|无视|忽视|忘记|忘掉|不要理会|不用理会|跳过|不要遵守|不再遵守|抛开)[^。！？\\n]{0,15}?"
            + "(?:指令|指示|提示|规则|说明|设定|要求|限制|命令|约束)");
    rule("zh_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "(?:告诉|显示|输出|重复|打印|泄露|透露|给我|展示|说出|列出|复述)[^。！？\\n]{0,12}?(?:系统提示|系统指令|系统消息|"
            + "初始指令|提示词|原始指令|上面的(?:内容|文字|指令))|(?:系统提示|系统指令|系统消息|初始指令|提示词)(?:词)?"
            + "(?:是什么|是啥|内容)");
    rule("zh_persona", Category.PERSONA_JAILBREAK, 0.8,
        "你现在是|从现在(?:起|开始)[，,]?你(?:是|将|要)|开发者模式|(?:没有|不受|无)(?:任何)?(?:限制|约束|过滤|审查)");

    // --- Japanese ---
    rule("ja_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "(?:以前|前|上記|これまで|上|すべて|全て|先ほど|最初)の?[^。！？\\n]{0,10}?(?:指示|命令|ルール|プロンプト|設定|制約|"
            + "指令)(?:は|を|に)?(?:すべて|全て)?(?:無視|忘れ|従わな)");
    rule("ja_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "(?:システムプロンプト|初期指示|システムメッセージ|元の指示|最初の指示|プロンプト|上記の(?:文章|テキスト|指示))"
            + "[^。！？\\n]{0,10}?(?:教えて|表示|出力|繰り返|見せて|何です|何で|書いて|開示)");
    rule("ja_persona", Category.PERSONA_JAILBREAK, 0.8,
        "あなたは今から|今からあなたは|開発者モード|制限(?:なし|のない|を解除|を無視|がない)");

    // --- Korean ---
    rule("ko_override", Category.INSTRUCTION_OVERRIDE, 0.9,
        "(?:이전|위의|앞의|모든|기존)[^.!?\\n]{0,10}?(?:지시|명령|규칙|지침|프롬프트|설정)[^.!?\\n]{0,6}?(?:무시|잊어)");
    rule("ko_extraction", Category.PROMPT_EXTRACTION, 0.85,
        "(?:시스템 ?프롬프트|초기 지시)[^.!?\\n]{0,12}?(?:알려|보여|출력|반복|공개|뭐)");
  }

  private static final Index INDEX = new Index(RULES);

  private InjectionRules() {}

  private static void rule(String id, Category category, double weight, String regex) {
    RULES.add(new Rule(id, category, weight, Pattern.compile(regex)));
  }

  /** Every rule that matches {@code text} (folded), at most one hit per rule, in rule order. */
  static List<Hit> match(String text) {
    return INDEX.match(text);
  }

  /** How many rules there are, for the RATIONALE and tests. */
  static int size() {
    return RULES.size();
  }

  /** For tests: the rule ids that no keyword narrows (their regex would run on every text). */
  static List<String> unguarded() {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < RULES.size(); r++) {
      if (INDEX.groups[r].length == 0) out.add(RULES.get(r).id());
    }
    return out;
  }

  /** For tests: every rule's first match found by its plain regex over the whole text, no prefilter. */
  static List<Hit> matchWithoutPrefilter(String text) {
    List<Hit> hits = new ArrayList<>();
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(text);
      if (m.find()) hits.add(new Hit(rule.id(), rule.category(), rule.weight(), m.start(), m.end()));
    }
    return hits;
  }

  /** The keywords of every rule, compiled once: which groups each keyword fills, which rule it may start. */
  private static final class Index {
    final KeywordAutomaton keywords;
    /** Per keyword: the groups it belongs to. */
    final int[][] groupsOf;
    /** Per rule: its groups (all must be present), its starting keywords, or else its rarest group's keywords. */
    final int[][] groups;
    final boolean[][] starts;
    final boolean[][] anchors;
    final boolean[] anchored;
    /** The rule's match may begin at the start of the text ({@code ^}): try there too. */
    final boolean[] atTextStart;
    final int groupCount;

    Index(List<Rule> rules) {
      Map<String, Integer> keywordIds = new LinkedHashMap<>();
      Map<Set<String>, Integer> groupIds = new HashMap<>();
      List<List<Integer>> groupMembers = new ArrayList<>();
      int n = rules.size();
      groups = new int[n][];
      List<Set<Integer>> startIds = new ArrayList<>();
      List<Set<Integer>> anchorIds = new ArrayList<>();
      anchored = new boolean[n];
      atTextStart = new boolean[n];
      for (int r = 0; r < n; r++) {
        RegexLiterals.Needs needs = RegexLiterals.of(rules.get(r).pattern().pattern());
        List<Integer> ruleGroups = new ArrayList<>();
        List<Set<String>> kept = new ArrayList<>();
        for (Set<String> g : needs.required()) {
          Set<String> cut = cut(g);
          int shortest = Integer.MAX_VALUE;
          for (String k : cut) shortest = Math.min(shortest, k.length());
          // Letters, digits and spaces alone are in nearly every text: such a group narrows nothing.
          if (shortest < 2 && weak(cut)) continue;
          kept.add(cut);
          Integer id = groupIds.get(cut);
          if (id == null) {
            id = groupMembers.size();
            groupIds.put(cut, id);
            List<Integer> members = new ArrayList<>();
            for (String k : cut) members.add(keywordIds.computeIfAbsent(k, x -> keywordIds.size()));
            groupMembers.add(members);
          }
          if (!ruleGroups.contains(id)) ruleGroups.add(id);
        }
        Set<String> rarest = RegexLiterals.best(kept);
        groups[r] = ruleGroups.stream().mapToInt(Integer::intValue).toArray();
        Set<Integer> s = new java.util.HashSet<>();
        Set<String> prefixes = needs.prefixes() == null ? null : cut(needs.prefixes());
        boolean usable = prefixes != null;
        if (usable) {
          for (String p : prefixes) {
            usable &= p.charAt(0) == RegexLiterals.TEXT_START || p.length() >= 2 || !weak(Set.of(p));
          }
        }
        if (usable) {
          anchored[r] = true;
          for (String p : prefixes) {
            if (p.charAt(0) == RegexLiterals.TEXT_START) {
              atTextStart[r] = true;
            } else {
              s.add(keywordIds.computeIfAbsent(p, x -> keywordIds.size()));
            }
          }
        }
        startIds.add(s);
        Set<Integer> a = new java.util.HashSet<>();
        if (!usable && rarest != null) {
          for (String k : rarest) a.add(keywordIds.get(k));
        }
        anchorIds.add(a);
      }
      List<String> all = new ArrayList<>(keywordIds.keySet());
      keywords = new KeywordAutomaton(all);
      groupCount = groupMembers.size();
      List<List<Integer>> byKeyword = new ArrayList<>();
      for (int k = 0; k < all.size(); k++) byKeyword.add(new ArrayList<>(2));
      for (int g = 0; g < groupMembers.size(); g++) {
        for (int k : groupMembers.get(g)) byKeyword.get(k).add(g);
      }
      groupsOf = new int[all.size()][];
      for (int k = 0; k < all.size(); k++) groupsOf[k] = byKeyword.get(k).stream().mapToInt(Integer::intValue).toArray();
      starts = new boolean[n][];
      anchors = new boolean[n][];
      for (int r = 0; r < n; r++) {
        starts[r] = new boolean[all.size()];
        for (int k : startIds.get(r)) starts[r][k] = true;
        anchors[r] = new boolean[all.size()];
        for (int k : anchorIds.get(r)) anchors[r][k] = true;
      }
    }

    private static Set<String> cut(Set<String> group) {
      Set<String> out = new java.util.LinkedHashSet<>();
      for (String k : group) out.add(k.length() > KEYWORD_CHARS ? k.substring(0, KEYWORD_CHARS) : k);
      return out;
    }

    /** A group with a one-character string that is a letter, a digit, a space or common punctuation. */
    private static boolean weak(Set<String> group) {
      for (String k : group) {
        if (k.length() == 1) {
          char c = k.charAt(0);
          if (c < 0x80 && (Character.isLetterOrDigit(c) || " .,'-".indexOf(c) >= 0)) return true;
        }
      }
      return false;
    }

    List<Hit> match(String text) {
      Occurrences found = new Occurrences(groupCount);
      keywords.scan(text, found);
      if (found.size == 0) return List.of();
      List<Hit> hits = null;
      for (int r = 0; r < RULES.size(); r++) {
        int[] need = groups[r];
        boolean possible = true;
        for (int g : need) {
          if (!found.groups[g]) {
            possible = false;
            break;
          }
        }
        if (!possible) continue;
        found.sortByStart();
        Rule rule = RULES.get(r);
        Hit hit = anchored[r] ? matchAtStarts(rule, starts[r], atTextStart[r], text, found)
            : matchNear(rule, anchors[r], text, found);
        if (hit != null) {
          if (hits == null) hits = new ArrayList<>(4);
          hits.add(hit);
        }
      }
      return hits == null ? List.of() : hits;
    }

    private static Hit matchAtStarts(Rule rule, boolean[] starts, boolean atTextStart, String text, Occurrences found) {
      Matcher m = null;
      int tried = -1;
      if (atTextStart) {
        m = rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        m.region(0, Math.min(text.length(), MATCH_SPAN));
        if (m.lookingAt()) return new Hit(rule.id(), rule.category(), rule.weight(), m.start(), m.end());
        tried = 0;
      }
      for (int k = 0; k < found.size; k++) {
        int at = found.starts[k];
        if (at <= tried || !starts[found.keywords[k]]) continue;
        tried = at;
        if (m == null) m = rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        m.region(at, Math.min(text.length(), at + MATCH_SPAN));
        if (m.lookingAt()) return new Hit(rule.id(), rule.category(), rule.weight(), m.start(), m.end());
      }
      return null;
    }

    private static Hit matchNear(Rule rule, boolean[] anchors, String text, Occurrences found) {
      Matcher m = rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
      int searchedTo = -1;
      boolean any = false;
      for (int k = 0; k < found.size; k++) {
        if (!anchors[found.keywords[k]]) continue;
        any = true;
        int at = found.starts[k];
        int from = Math.max(Math.max(0, at - BEFORE), searchedTo);
        int to = Math.min(text.length(), at + AFTER);
        if (from >= to) continue;
        m.region(from, to);
        if (m.find()) return new Hit(rule.id(), rule.category(), rule.weight(), m.start(), m.end());
        searchedTo = Math.max(searchedTo, to - AFTER / 2);
      }
      if (!any) {
        // No usable keyword at all: the plain regex over the whole text.
        m.reset();
        if (m.find()) return new Hit(rule.id(), rule.category(), rule.weight(), m.start(), m.end());
      }
      return null;
    }
  }

  /** The keyword occurrences of one text (found in the order they end) and which groups they filled. */
  private static final class Occurrences implements KeywordAutomaton.Sink {
    final boolean[] groups;
    int[] keywords = new int[32];
    int[] starts = new int[32];
    int size;
    private boolean sorted;

    Occurrences(int groupCount) {
      groups = new boolean[groupCount];
    }

    @Override
    public void found(int keyword, int start) {
      if (size == keywords.length) {
        keywords = java.util.Arrays.copyOf(keywords, size * 2);
        starts = java.util.Arrays.copyOf(starts, size * 2);
      }
      keywords[size] = keyword;
      starts[size] = start;
      size++;
      for (int g : INDEX.groupsOf[keyword]) groups[g] = true;
    }

    /** Leftmost first, so the first anchored match is the one a plain search would find. */
    void sortByStart() {
      if (sorted) return;
      sorted = true;
      long[] both = new long[size];
      for (int k = 0; k < size; k++) both[k] = (long) starts[k] << 32 | keywords[k];
      java.util.Arrays.sort(both);
      for (int k = 0; k < size; k++) {
        starts[k] = (int) (both[k] >>> 32);
        keywords[k] = (int) both[k];
      }
    }
  }
}
