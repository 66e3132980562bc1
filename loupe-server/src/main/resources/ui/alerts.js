// The alerts panel and the rules view of Loupe's page, drawn from /api/v1/alerts and /api/v1/rules
// on the page's refresh loop (app.js calls renderAlerts and renderRules). Every text from the API
// goes in through textContent or setAttribute, never as HTML: labels can hold anything.
'use strict';

const RESOLVED_SHOWN = 10;
const RESOLVED_WITHIN_MS = 3600 * 1000;
const STATE_RANK = { firing: 0, pending: 1, inactive: 2 };
const SEVERITY_RANK = { critical: 0, warning: 1 };
// Labels every alert has, shown elsewhere in its row (name, severity badge).
const LABELS_NOT_CHIPPED = new Set(['alertname', 'severity']);

// Alerts whose signal chart is open, by identity; kept across refreshes.
const openCharts = new Set();
// A notification links to #/alerts?rule=NAME (LoupeLinks): those rows are marked and the first
// one's signal chart opens, once.
let linkedRule = null;
let linkedChartOpened = false;
let linkedScrolled = false;

// #/rules opens the rules view.
(function routeFromFragment() {
  const m = location.hash.match(/^#\/alerts\?(?:.*&)?rule=([^&]+)/);
  if (m) linkedRule = decodeURIComponent(m[1]);
  if (location.hash.startsWith('#/rules')) document.getElementById('rules-view').open = true;
})();

function alertKey(labels) {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function renderAlerts(data, rulesByKey) {
  const now = Date.now();
  const active = data.alerts.slice().sort((a, b) =>
    (STATE_RANK[a.state] - STATE_RANK[b.state])
    || ((SEVERITY_RANK[a.labels.severity] ?? 2) - (SEVERITY_RANK[b.labels.severity] ?? 2))
    || (Date.parse(sinceOf(a)) - Date.parse(sinceOf(b))));
  const resolved = recentlyResolved(data, now);
  const firing = active.filter((a) => a.state === 'firing').length;
  const pending = active.length - firing;

  const counts = document.getElementById('alerts-counts');
  counts.textContent = `${firing} firing · ${pending} pending · ${resolved.length} resolved in the last hour`;
  const panel = document.getElementById('alerts');
  panel.dataset.firing = String(firing);
  panel.dataset.pending = String(pending);

  const next = [];
  if (!firing) next.push(emptyState(data.rules, pending, now));
  if (active.length || resolved.length) {
    const list = el('ul', { class: 'alert-list' });
    for (const a of active) list.append(alertRow(a, rulesByKey, now));
    for (const a of resolved) list.append(alertRow(a, rulesByKey, now));
    next.push(list);
  }
  panel.replaceChildren(...next);
  if (linkedRule && !linkedScrolled) {
    linkedScrolled = true;
    document.getElementById('alerts-section').scrollIntoView();
  }
}

// Firing alerts are what matters; the empty state still tells "nothing fires" apart from "nothing
// could fire yet" (no rule, or none has run since start).
function emptyState(rules, pending, now) {
  const r = rules || { total: 0, evaluated: 0, last_evaluation: null };
  let text;
  let kind;
  if (r.total === 0) {
    kind = 'no-rules';
    text = 'No alerting rules: add them under rules.groups or rules.rule_files in loupe.yml, or turn on rules.builtin.';
  } else if (r.evaluated === 0) {
    kind = 'not-evaluated';
    text = `No rules evaluated yet: ${r.total} ${r.total === 1 ? 'rule waits' : 'rules wait'} for the first evaluation.`;
  } else {
    kind = 'none-firing';
    text = 'No alert firing'
      + (pending ? ` (${pending} pending)` : '')
      + ` · ${r.evaluated} of ${r.total} rules evaluated, last ${relative(Date.parse(r.last_evaluation), now)}`;
  }
  return el('div', { class: 'alerts-empty', 'data-empty': kind }, text);
}

function sinceOf(a) {
  if (a.state === 'inactive') return a.resolvedAt;
  return a.state === 'firing' && a.firedAt ? a.firedAt : a.activeAt;
}

// The engine keeps resolved alerts for 15 minutes; the history (its last 1000 changes) reaches
// further back. Both, newest first, each resolve once.
function recentlyResolved(data, now) {
  const out = [];
  const seen = new Set();
  const add = (a) => {
    const id = alertKey(a.labels) + '@' + a.resolvedAt;
    if (seen.has(id) || now - Date.parse(a.resolvedAt) > RESOLVED_WITHIN_MS) return;
    seen.add(id);
    out.push(a);
  };
  for (const a of data.resolved || []) add(a);
  for (const h of data.history || []) {
    if (h.state !== 'resolved') continue;
    add({ labels: h.labels, annotations: {}, state: 'inactive', activeAt: h.active_since, resolvedAt: h.at,
      value: h.value });
  }
  out.sort((a, b) => Date.parse(b.resolvedAt) - Date.parse(a.resolvedAt));
  return out.slice(0, RESOLVED_SHOWN);
}

function alertRow(a, rulesByKey, now) {
  const name = a.labels.alertname || '';
  const severity = a.labels.severity || '';
  const state = a.state === 'inactive' ? 'resolved' : a.state;
  const key = alertKey(a.labels);
  const rule = rulesByKey.get(name + '/' + severity);
  const signal = a.signal || (rule && rule.alerts.find((r) => alertKey(r.labels) === key) || {}).signal;
  const li = el('li', { class: 'alert', 'data-state': state, 'data-severity': severity, 'data-rule': name });
  if (linkedRule === name) li.dataset.linked = 'true';

  const head = el('div', { class: 'alert-head' });
  head.append(el('span', { class: 'state-badge' }, state), el('span', { class: 'severity' }, severity),
    el('strong', { class: 'alert-name' }, name));
  head.append(el('span', { class: 'alert-value', title: 'value ' + a.value }, humanValue(a.value, signal, name)));
  const since = sinceOf(a);
  const verb = { firing: 'firing since', pending: 'pending since', resolved: 'resolved' }[state];
  head.append(el('span', { class: 'alert-since', title: absolute(since) },
    verb + ' ' + relative(Date.parse(since), now)));
  li.append(head);

  const summary = a.annotations.summary || a.annotations.description;
  if (summary) li.append(el('div', { class: 'alert-summary' }, summary));
  const chips = el('ul', { class: 'chips' });
  for (const k of Object.keys(a.labels).sort()) {
    if (LABELS_NOT_CHIPPED.has(k)) continue;
    const chip = el('li', { class: 'chip', title: k + '=' + a.labels[k] });
    chip.append(el('span', { class: 'chip-key' }, k), el('span', { class: 'chip-value' }, a.labels[k]));
    chips.append(chip);
  }
  li.append(chips);
  if (signal) li.append(signalPart(a, signal, key, now));
  const traces = tracesLink(a, now);
  if (traces) li.append(traces);
  return li;
}

// An alert about a model, version or deployment links to its slowest traces since a quarter of an
// hour before it went active: the request behind the number.
function tracesLink(a, now) {
  if (a.labels.dimension !== 'model' && !a.labels.deployment && !a.labels.model_version) return null;
  const filters = {};
  for (const k of ['deployment', 'service', 'model', 'model_version']) if (a.labels[k]) filters[k] = a.labels[k];
  if (!Object.keys(filters).length) return null;
  const from = Date.parse(a.activeAt) - 15 * 60_000;
  const to = a.state === 'inactive' && a.resolvedAt ? Date.parse(a.resolvedAt) : null;
  const link = el('a', { class: 'traces-link', href: href('traces', { ...filters, sort: 'slowest',
    from: Number.isFinite(from) ? String(from) : null, to: to ? String(to) : 'now' }) }, '▸ slowest traces since it began');
  const wrap = el('div', { class: 'signal' });
  wrap.append(link);
  return wrap;
}

// The link to an alert's signal: its href is the query_range of the rule's signal narrowed to the
// alert's labels over the last hour (Prometheus's JSON, for curl or Grafana, and what a click
// opens where Loupe has no tokens); a click draws that range under the row instead, fetched with
// the page's token, with the threshold and the alert's start marked. It is the fastest answer
// to "is this real, and since when?" without leaving the page.
function signalPart(a, signal, key, now) {
  // The alert's whole life and as much again before it, at least 15 minutes, at most a day.
  const end = Math.floor(now / 1000);
  const activeAt = Math.floor(Date.parse(a.activeAt) / 1000);
  const span = Math.min(86400, Math.max(900, 2 * (end - activeAt)));
  const start = end - span;
  const step = Math.max(15, Math.ceil(span / 240 / 15) * 15);
  const url = `api/v1/signals/query_range?query=${encodeURIComponent(signal.query)}&start=${start}&end=${end}&step=${step}`;
  const wrap = el('div', { class: 'signal' });
  const link = el('a', { class: 'signal-link', href: url }, '▸ signal: ' + signal.query);
  if (signal.denominator) link.append(el('span', { class: 'muted' }, ' (numerator; ÷ ' + signal.denominator + ')'));
  const chart = el('div', { class: 'signal-chart', hidden: '' });
  const show = () => {
    link.firstChild.textContent = '▾ signal: ' + signal.query;
    chart.hidden = false;
    drawSignal(chart, url, start, end, signal.threshold, activeAt, signal.query);
  };
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    if (openCharts.has(key)) {
      openCharts.delete(key);
      chart.hidden = true;
      link.firstChild.textContent = '▸ signal: ' + signal.query;
    } else {
      openCharts.add(key);
      show();
    }
  });
  if (linkedRule === a.labels.alertname && a.state !== 'inactive' && !linkedChartOpened) {
    linkedChartOpened = true;
    openCharts.add(key);
  }
  wrap.append(link, chart);
  if (openCharts.has(key)) show();
  return wrap;
}

async function drawSignal(chart, url, start, end, threshold, activeAt, query) {
  try {
    const res = await getJson(url);
    chart.replaceChildren(signalSvg(res.data.result, start, end, threshold, activeAt, query));
  } catch (e) {
    chart.replaceChildren(el('div', { class: 'muted' }, 'cannot read the signal: ' + e.message));
  }
}

function signalSvg(result, start, end, threshold, activeAt, query) {
  const series = result.slice(0, PALETTE.length).map((s, i) => ({
    label: Object.entries(s.metric).map(([k, v]) => k + '=' + v).join(', ') || query,
    colour: PALETTE[i % PALETTE.length], points: pointsOf(s.values) }));
  const step = result.length && result[0].values.length > 1 ? result[0].values[1][0] - result[0].values[0][0] : 0;
  // The unit by the signal's name, as humanNumber reads it.
  const name = String(query).split('{')[0];
  const unit = /_ratio$/.test(name) ? 'ratio' : /_seconds$/.test(name) ? 's' : /_celsius$|GPU_TEMP$/.test(name) ? 'celsius' : 'count';
  return timeChart({ series, start, end, step, unit, threshold, title: query, cls: 'signal-svg',
    markers: [{ t: activeAt, label: 'active since', colour: 'var(--warning)', attrs: { class: 'active-marker' } }],
    empty: 'no points of this signal in the range' });
}

function renderRules(rules, forbidden, now) {
  const body = document.getElementById('rules-body');
  const summary = document.getElementById('rules-summary');
  if (forbidden) {
    summary.textContent = 'not shown: ' + forbidden;
    body.replaceChildren(el('div', { class: 'muted', 'data-rules': 'forbidden' },
      'This token may not list the rules; the alerts above are still shown.'));
    return;
  }
  const group = rules.data.groups[0] || { rules: [], interval: 0 };
  const list = group.rules.slice().sort((a, b) => ruleRank(a) - ruleRank(b) || a.name.localeCompare(b.name)
    || a.labels.severity.localeCompare(b.labels.severity));
  const count = (f) => list.filter(f).length;
  const missing = count((r) => r.missing_inputs.length);
  const errors = count((r) => r.health === 'err');
  const parts = [`${list.length} rules`, `${count((r) => r.state === 'firing')} firing`,
    `${count((r) => r.state === 'pending')} pending`];
  if (errors) parts.push(`${errors} with errors`);
  if (missing) parts.push(`${missing} with inputs never seen`);
  parts.push(`evaluated every ${durationText(group.interval)}`);
  summary.textContent = parts.join(' · ');
  if (!list.length) {
    body.replaceChildren(el('div', { class: 'muted' }, 'No alerting rules configured.'));
    return;
  }
  const table = el('table', { class: 'rules' });
  const head = el('tr');
  for (const h of ['rule', 'state', 'health', 'last evaluation', 'for', 'query']) head.append(el('th', {}, h));
  table.append(el('thead'));
  table.firstChild.append(head);
  const tbody = el('tbody');
  for (const r of list) {
    const never = r.lastEvaluation.startsWith('0001-');
    const tr = el('tr', { class: 'rule', 'data-rule': r.name, 'data-severity': r.labels.severity,
      'data-state': r.state, 'data-health': r.health, 'data-missing': String(r.missing_inputs.length) });
    const name = el('td');
    name.append(el('strong', {}, r.name), el('span', { class: 'severity' }, r.labels.severity),
      el('span', { class: 'muted' }, ' ' + r.labels.dimension));
    const state = el('td');
    state.append(el('span', { class: 'state-badge', 'data-state': r.state }, r.state));
    if (r.alerts.length) state.append(el('span', { class: 'muted' }, ` ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}`));
    const health = el('td');
    health.append(el('span', { class: 'health', 'data-health': r.health }, r.health));
    if (r.lastError) health.append(el('div', { class: 'rule-error' }, r.lastError));
    const last = el('td', never ? {} : { title: absolute(r.lastEvaluation) },
      never ? 'not yet' : `${relative(Date.parse(r.lastEvaluation), now)} · took ${seconds(r.evaluationTime)}`);
    tr.append(name, state, health, last, el('td', {}, durationText(r.duration)),
      el('td', {}, ''));
    tr.lastChild.append(el('code', {}, r.query));
    tbody.append(tr);
    // A rule whose input never arrived cannot fire: said on a line of its own, with the hint.
    for (const m of r.missing_inputs) {
      const row = el('tr', { class: 'missing-input', 'data-rule': r.name });
      row.append(el('td', { colspan: '6' }, '⚠ ' + m));
      tbody.append(row);
    }
  }
  table.append(tbody);
  body.replaceChildren(table);
}

function ruleRank(r) {
  if (r.state === 'firing') return 0;
  if (r.state === 'pending') return 1;
  if (r.health === 'err') return 2;
  if (r.missing_inputs.length) return 3;
  return r.health === 'unknown' ? 5 : 4;
}

// Values as people read them: a change as a signed percentage, ratios as percentages, seconds
// as ms or s, temperatures in °C; else Prometheus's humanize (k, M, G with three digits).
function humanValue(text, signal, alertname) {
  const v = parseFloat(text);
  if (!Number.isFinite(v)) return String(text);
  if (signal && signal.change) return (v >= 0 ? '+' : '') + round3(v * 100) + ' %';
  if (signal && signal.denominator) return round3(v * 100) + ' %';
  return humanNumber(v, signal ? signal.query : alertname);
}

function humanNumber(v, query) {
  const name = String(query || '').split('{')[0];
  if (/_ratio$/.test(name)) return round3(v * 100) + ' %';
  if (/_seconds$/.test(name)) return Math.abs(v) < 1 ? round3(v * 1000) + ' ms' : round3(v) + ' s';
  if (/_celsius$|GPU_TEMP$/.test(name)) return round3(v) + ' °C';
  const a = Math.abs(v);
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) {
    if (a >= limit) return round3(v / limit) + suffix;
  }
  return String(round3(v));
}

function seconds(s) {
  if (!Number.isFinite(s)) return '—';
  if (s < 1) return round3(s * 1000) + ' ms';
  if (s < 120) return round3(s) + ' s';
  if (s < 3600) return round3(s / 60) + ' min';
  return round3(s / 3600) + ' h';
}

// A duration as the config writes it: 30s, 5m, 1h30m.
function durationText(s) {
  if (!Number.isFinite(s) || s <= 0) return '—';
  let left = Math.round(s);
  let out = '';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
    if (left >= size) {
      out += Math.floor(left / size) + unit;
      left %= size;
    }
  }
  return out;
}

function relative(ms, now) {
  if (!Number.isFinite(ms)) return 'never';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'in ' + seconds(-s);
  if (s < 5) return 'just now';
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60 ? (s % 60) + ' s ' : '') + 'ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min ago';
  return Math.floor(s / 86400) + ' d ago';
}

// A time as the page writes it everywhere: local, with UTC beside it.
function absolute(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? String(iso) : fmtLocal(ms) + ' (' + fmtUtc(ms) + ')';
}
