// The security page (#/security) of Loupe's page: the findings of the page's range (prompt
// injection, canary and secret leaks, personal data in completions, exfiltration links, long
// completions, anomalous consumption), worst first, each with its deployment, API key hash, trace and
// evidence. The evidence quotes text only as the deployment's capture policy allows, and it may hold
// anything a user or a model wrote: every text from the API goes in through textContent or
// setAttribute, never as HTML. app.js calls renderSecurity(container, range) for the view.
'use strict';

const SECURITY_ROWS = 200;
// Evidence shown first when present; the rest follows in the order the API gives it.
const EVIDENCE_FIRST = ['source', 'type', 'canary', 'host', 'document_id', 'rules', 'score', 'threshold', 'subject_kind'];

async function renderSecurity(panel, range) {
  const title = el('h2', {}, 'Security ');
  title.append(el('span', { class: 'muted' },
    'injection, leaks, exfiltration links, long completions and anomalous consumption · worst first'));
  let findings;
  try {
    findings = await getJson(`api/v1/findings?dimension=security&start=${encodeURIComponent(range.startIso)}`
      + `&end=${encodeURIComponent(range.endIso)}&limit=${SECURITY_ROWS}`);
  } catch (e) {
    if (e instanceof Forbidden) {
      panel.replaceChildren(title, el('div', { class: 'empty' }, e.message));
      return;
    }
    throw e;
  }
  const when = el('span');
  when.append(timeEl(range.from), document.createTextNode(' → '), timeEl(range.to));
  if (!findings.data.length) {
    const empty = el('div', { class: 'empty', 'data-security': 'none' }, 'No security findings from ');
    empty.append(when, document.createTextNode('. Prompts and completions are scanned as they arrive '
      + '(ingest.capture decides only what is stored); usage is judged per API key, user and tenant.'));
    panel.replaceChildren(title, empty);
    return;
  }
  const wrap = el('div', { class: 'quality-table', id: 'security-findings' });
  const counts = { critical: 0, warning: 0 };
  for (const f of findings.data) counts[f.severity] = (counts[f.severity] || 0) + 1;
  const h = el('h3', {}, 'Findings · ');
  h.append(when, document.createTextNode(` · ${counts.critical} critical, ${counts.warning} warning`
    + (findings.data.length >= SECURITY_ROWS ? ` (the ${SECURITY_ROWS} worst)` : '')));
  wrap.append(h);
  const t = el('table');
  const head = el('tr');
  for (const c of ['', 'time', 'kind', 'deployment', 'key', 'trace', 'what', 'evidence']) head.append(el('th', {}, c));
  const body = el('tbody');
  t.append(el('thead'), body);
  t.firstChild.append(head);
  for (const f of findings.data) body.append(findingRow(f));
  wrap.append(t);
  panel.replaceChildren(title, wrap);
}

function findingRow(f) {
  const s = f.subject || {};
  const row = el('tr', { 'data-kind': f.kind, 'data-severity': f.severity });
  const badge = el('td', { 'data-status': f.severity });
  badge.append(el('span', { class: 'badge' }, f.severity));
  row.append(badge);
  const time = el('td');
  time.append(timeEl(Date.parse(f.time)));
  row.append(time);
  row.append(el('td', {}, f.kind.replaceAll('_', ' ')));
  row.append(el('td', { title: s.deployment || s.name || '' }, s.deployment || s.name || '—'));
  row.append(el('td', { title: s.key_hash || '' }, s.key_hash || '—'));
  const trace = el('td');
  if (s.trace_id) {
    trace.append(el('a', { class: 'trace-link', href: href('trace/' + encodeURIComponent(s.trace_id)), title: s.trace_id },
      s.trace_id.slice(0, 12) + '…'));
  } else {
    trace.textContent = '—';
  }
  row.append(trace);
  row.append(el('td', { title: f.reason }, f.reason));
  row.append(evidenceCell(f.evidence || {}));
  return row;
}

function evidenceCell(evidence) {
  const td = el('td', { class: 'evidence' });
  const keys = Object.keys(evidence);
  const ordered = EVIDENCE_FIRST.filter((k) => k in evidence)
    .concat(keys.filter((k) => !EVIDENCE_FIRST.includes(k) && k !== 'excerpt' && k !== 'url'));
  td.append(el('span', { class: 'muted' }, ordered.map((k) => `${k}=${evidence[k]}`).join(' · ')));
  // Quoted text (redacted, or as sent under full): shown as text, never read as HTML.
  for (const k of ['excerpt', 'url']) {
    if (evidence[k] == null) continue;
    td.append(el('br'), el('code', { 'data-evidence': k }, evidence[k]));
  }
  return td;
}
