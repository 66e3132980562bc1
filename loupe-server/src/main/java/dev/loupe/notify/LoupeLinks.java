package dev.loupe.notify;

import dev.loupe.model.Alert;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Links from a notification back to Loupe's page, under {@code server.external_url}. */
record LoupeLinks(URI externalUrl) {
  String base() {
    String s = externalUrl.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The alerts view of the page, filtered to the alert's rule. */
  String alert(Alert a) {
    return base() + "/#/alerts?rule=" + URLEncoder.encode(a.rule(), StandardCharsets.UTF_8);
  }
}
