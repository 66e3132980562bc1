// Loupe's page: a hash route per view (#/overview, #/model, #/compute, #/network, #/cost, #/data,
// #/security, #/traces, #/trace/ID, #/compare, and #/alerts or #/rules on the overview), the time
// range and every filter in the URL, so a link shows a colleague the same view; refreshed on a
// timer that can be paused. The views are drawn by the other scripts (chart.js draws the charts).
// Plain JavaScript and inline SVG, served by Loupe itself: clusters without internet need no CDN.
'use strict';

const DIMENSIONS = ['compute', 'cost', 'model', 'security', 'network', 'data'];
const VIEWS = ['overview', 'model', 'compute', 'network', 'cost', 'data', 'security', 'traces', 'compare'];
const RANGES = [['15m', 'last 15 minutes'], ['1h', 'last hour'], ['3h', 'last 3 hours'], ['6h', 'last 6 hours'],
  ['12h', 'last 12 hours'], ['24h', 'last 24 hours'], ['2d', 'last 2 days'], ['7d', 'last 7 days'], ['30d', 'last 30 days']];
const REFRESH = [['off', 'paused'], ['10s', 'every 10 s'], ['30s', 'every 30 s'], ['1m', 'every minute'], ['5m', 'every 5 minutes']];
const DEFAULT_FROM = 'now-1h';
const DEFAULT_REFRESH = '10s';
// About this many points per chart: a step by the range, never under a minute (rollups are per minute).
const POINTS_PER_CHART = 240;
const NICE_STEPS_S = [60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400];

// A Loupe with auth.tokens answers 401 without a token: the page then asks for one and keeps it
// in sessionStorage (this tab only, gone when it closes). A link may carry it as #token=…, read
// once into the tab's storage and removed from the address bar.
// The rest of the fragment (#/alerts?rule=… from a notification) stays.
const TOKEN_KEY = 'loupe.token';
(function tokenFromFragment() {
  const m = location.hash.match(/([#?&])token=([^&]*)&?/);
  if (!m) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[2]));
  const rest = location.hash.slice(0, m.index) + (m[0].endsWith('&') ? m[1] : '')
    + location.hash.slice(m.index + m[0].length);
  const hash = rest.replace(/[?&]$/, '');
  history.replaceState(null, '', location.pathname + location.search + (hash === '#' ? '' : hash));
})();

class NeedsToken extends Error {}
// 403: the token is good but may not read this (e.g. bound to a tenant); the page shows the rest.
class Forbidden extends Error {}

async function getJson(url) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const res = await fetch(url, { cache: 'no-store', headers });
  if (res.status === 401) throw new NeedsToken(token ? 'the token was not accepted' : 'this Loupe needs a token');
  if (res.status === 403) {
    const body = await res.json().catch(() => ({}));
    throw new Forbidden(body.error || 'the token lacks the scope for ' + url.split('?')[0]);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(url.split('?')[0] + ' answered ' + res.status + (body.error ? ': ' + body.error : ''));
  }
  return res.json();
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function label(status) {
  return status === 'no_data' ? 'no data' : status;
}

// ---- the route: #/view[/id]?params ----

function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const path = (q < 0 ? hash : hash.slice(0, q)).split('/').filter(Boolean);
  const params = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
  let view = path[0] || 'overview';
  let id = path.length > 1 ? decodeURIComponent(path.slice(1).join('/')) : null;
  // A notification's #/alerts?rule=… and #/rules open the overview's alerts and rules.
  const anchor = view === 'alerts' || view === 'rules' ? view : null;
  if (anchor) view = 'overview';
  if (view === 'trace' && !id) view = 'traces';
  if (view !== 'trace' && !VIEWS.includes(view)) view = 'overview';
  return { view, id, params, anchor };
}

// Relative times as Grafana writes them (now, now-6h); else an ISO time or epoch milliseconds.
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

function parseTime(text, nowMs) {
  if (text == null || text === '' || text === 'now') return nowMs;
  const rel = /^now-(\d+)([smhdw])$/.exec(text);
  if (rel) return nowMs - Number(rel[1]) * UNIT_S[rel[2]] * 1000;
  if (/^\d{11,}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : NaN;
}

/** The range the URL asks for, resolved at {@code nowMs}: ms and s bounds, a step, the pinned moment. */
function rangeOf(params, nowMs = Date.now()) {
  let fromText = params.get('from') || DEFAULT_FROM;
  let toText = params.get('to') || 'now';
  let from = parseTime(fromText, nowMs);
  let to = parseTime(toText, nowMs);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    fromText = DEFAULT_FROM;
    toText = 'now';
    from = parseTime(fromText, nowMs);
    to = nowMs;
  }
  const span = (to - from) / 1000;
  const step = NICE_STEPS_S.find((s) => span / s <= POINTS_PER_CHART) || 86400;
  // Relative ends snap to a whole minute, so one refresh's charts share their points.
  const endS = Math.floor(to / 1000);
  const startS = Math.floor(from / 1000);
  const at = Number(params.get('at'));
  return { from, to, fromText, toText, startS, endS, step, relative: toText === 'now',
    at: Number.isFinite(at) && at > 0 ? at : null,
    // The API reads times as RFC 3339 (or seconds); its ranges leave the end out, so 'to' is asked as to + 1 ms.
    startIso: new Date(from).toISOString(), endIso: new Date(to + 1).toISOString() };
}

/** The query_range URL of {@code query} over the range. */
function rangeUrl(query, range, step = range.step) {
  return `api/v1/signals/query_range?query=${encodeURIComponent(query)}&start=${range.startS}&end=${range.endS}&step=${step}`;
}

/** A link to {@code view} keeping the range and refresh; {@code extra} adds or (with null) drops filters. */
function href(view, extra = {}) {
  const now = currentRoute().params;
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'refresh']) if (now.has(k)) p.set(k, now.get(k));
  for (const [k, v] of Object.entries(extra)) if (v != null && v !== '') p.set(k, v);
  const qs = p.toString();
  return '#/' + view + (qs ? '?' + qs : '');
}

/** Changes filters of the current view in the URL (null drops one); the hashchange redraws. */
function setParams(changes) {
  const r = currentRoute();
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') r.params.delete(k); else r.params.set(k, v);
  }
  const path = r.anchor || (r.view === 'trace' ? 'trace/' + encodeURIComponent(r.id) : r.view);
  const qs = r.params.toString();
  location.hash = '#/' + path + (qs ? '?' + qs : '');
}

function pinMoment(t) {
  setParams({ at: String(t) });
}

// ---- the header: views, time range, refresh ----

function buildHeader() {
  const nav = document.getElementById('nav');
  for (const v of VIEWS) {
    const a = el('a', { href: '#/' + v, 'data-nav': v, class: 'nav-link' });
    if (DIMENSIONS.includes(v)) a.append(el('span', { class: 'dot', 'data-status': 'no_data' }));
    a.append(document.createTextNode(v === 'compare' ? 'version compare' : v));
    nav.append(a);
  }
  const picker = document.getElementById('range-picker');
  const select = el('select', { id: 'range-select', 'aria-label': 'time range' });
  for (const [v, text] of RANGES) select.append(el('option', { value: 'now-' + v }, text));
  select.append(el('option', { value: 'custom' }, 'absolute…'));
  const custom = el('form', { id: 'range-custom', class: 'range-custom', hidden: '' });
  const fromInput = el('input', { id: 'range-from', type: 'datetime-local', step: '1', 'aria-label': 'from (local time)' });
  const toInput = el('input', { id: 'range-to', type: 'datetime-local', step: '1', 'aria-label': 'to (local time)' });
  custom.append(fromInput, el('span', {}, ' to '), toInput, el('button', { type: 'submit' }, 'Apply'));
  const refreshSelect = el('select', { id: 'refresh-select', 'aria-label': 'auto-refresh' });
  for (const [v, text] of REFRESH) refreshSelect.append(el('option', { value: v }, text));
  const pause = el('button', { id: 'refresh-pause', type: 'button' });
  picker.append(select, custom, refreshSelect, pause,
    el('span', { id: 'zone', class: 'muted', title: 'times are shown in this zone; hover one for UTC' }, zoneName()));
  select.addEventListener('change', () => {
    if (select.value === 'custom') {
      const r = rangeOf(currentRoute().params);
      fromInput.value = localInput(r.from);
      toInput.value = localInput(r.to);
      custom.hidden = false;
      return;
    }
    setParams({ from: select.value, to: 'now', at: null });
  });
  custom.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = new Date(fromInput.value).getTime();
    const to = new Date(toInput.value).getTime();
    if (!(from < to)) return;
    setParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), refresh: 'off', at: null });
  });
  refreshSelect.addEventListener('change', () => setParams({ refresh: refreshSelect.value }));
  pause.addEventListener('click', () => {
    const r = currentRoute();
    const paused = refreshOf(r) === 'off';
    setParams({ refresh: paused ? (r.params.get('resume') || DEFAULT_REFRESH) : 'off',
      resume: paused ? null : refreshOf(r) });
  });
}

function localInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function refreshOf(route) {
  const r = route.params.get('refresh');
  if (r) return r;
  // An absolute range does not move: nothing to refresh unless asked.
  return (route.params.get('to') || 'now') === 'now' ? DEFAULT_REFRESH : 'off';
}

function syncHeader(route, range) {
  for (const a of document.querySelectorAll('#nav a')) {
    a.href = href(a.dataset.nav);
    if (a.dataset.nav === route.view || (route.view === 'trace' && a.dataset.nav === 'traces')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // The state the URL gave, on the picker itself (a select's value is no attribute).
  const picker = document.getElementById('range-picker');
  picker.dataset.from = range.fromText;
  picker.dataset.to = range.toText;
  picker.dataset.refresh = refreshOf(route);
  const select = document.getElementById('range-select');
  const preset = RANGES.some(([v]) => 'now-' + v === range.fromText) && range.toText === 'now';
  select.value = preset ? range.fromText : 'custom';
  const custom = document.getElementById('range-custom');
  if (!preset) {
    document.getElementById('range-from').value = localInput(range.from);
    document.getElementById('range-to').value = localInput(range.to);
  }
  custom.hidden = preset;
  const refresh = refreshOf(route);
  const rs = document.getElementById('refresh-select');
  rs.value = REFRESH.some(([v]) => v === refresh) ? refresh : DEFAULT_REFRESH;
  const pause = document.getElementById('refresh-pause');
  pause.textContent = refresh === 'off' ? '▶ resume' : '❚❚ pause';
  pause.dataset.paused = String(refresh === 'off');
  const shown = document.getElementById('range-shown');
  shown.replaceChildren(timeEl(range.from), document.createTextNode(' → '), timeEl(range.to));
}

// ---- token, banner ----

function showTokenForm(reason) {
  let form = document.getElementById('token-form');
  if (!form) {
    form = el('form', { id: 'token-form', class: 'token-form' });
    const input = el('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: '' });
    form.append(el('label', { for: 'token-input', id: 'token-reason' }), input,
      el('button', { type: 'submit' }, 'Use token'), el('span', { class: 'muted' }, ' kept for this tab only'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      form.hidden = true;
      refresh();
    });
    document.getElementById('banner').after(form);
  }
  document.getElementById('token-reason').textContent = reason + ': ';
  form.hidden = false;
}

function showBanner(text) {
  const b = document.getElementById('banner');
  b.hidden = !text;
  b.textContent = text || '';
}

// ---- the refresh loop ----

let timer = null;
let generation = 0;

async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  const started = performance.now();
  const route = currentRoute();
  const range = rangeOf(route.params);
  syncHeader(route, range);
  for (const s of document.querySelectorAll('main > .view')) s.hidden = s.dataset.view !== (route.view === 'trace' ? 'traces' : route.view);
  try {
    const health = await getJson('api/v1/health');
    if (mine !== generation) return;
    renderOverall(health);
    const ctx = { route, range, health, params: route.params };
    await VIEW_RENDERERS[route.view](ctx);
    if (mine !== generation) return;
    showBanner(null);
    document.body.classList.remove('stale');
    document.getElementById('refreshed').textContent = 'updated ' + fmtLocal(Date.now());
    const form = document.getElementById('token-form');
    if (form) form.hidden = true;
    // Read by the page's speed measurement (BENCHMARKS.md): the view is drawn.
    document.documentElement.dataset.rendered = route.view;
    document.documentElement.dataset.renderMs = String(Math.round(performance.now() - started));
    // Chromium logs console lines with the wall-clock time: the page's speed measurement reads these.
    console.log('loupe: rendered ' + route.view);
    if (!window.loupeFirstRenderMs) {
      window.loupeFirstRenderMs = Math.round(performance.now());
      document.documentElement.dataset.firstRenderMs = String(window.loupeFirstRenderMs);
    }
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof NeedsToken) {
      showTokenForm(e.message);
      return;
    }
    // Keep the last picture, but say plainly that it is old.
    showBanner('cannot reach Loupe: ' + e.message + ' — showing the last data received');
    document.body.classList.add('stale');
    console.warn(e);
  }
  const every = refreshOf(route);
  if (every !== 'off') {
    const m = /^(\d+)([smh])$/.exec(every);
    if (m) timer = setTimeout(refresh, Number(m[1]) * UNIT_S[m[2]] * 1000);
  }
}

function renderOverall(health) {
  const overall = document.getElementById('overall');
  overall.dataset.status = health.status;
  // Never a bare "ok": the overall status only speaks for the dimensions that report at all.
  const reporting = DIMENSIONS.filter((n) => (health.dimensions[n] || {}).status
    && health.dimensions[n].status !== 'no_data').length;
  overall.dataset.reporting = String(reporting);
  overall.textContent = `overall: ${label(health.status)} · ${reporting} of ${DIMENSIONS.length} dimensions reporting`;
  for (const dot of document.querySelectorAll('#nav .dot')) {
    const d = health.dimensions[dot.parentElement.dataset.nav];
    dot.dataset.status = d ? d.status : 'no_data';
    dot.parentElement.title = d ? `${dot.parentElement.dataset.nav}: ${label(d.status)}` : '';
  }
}

const VIEW_RENDERERS = {
  overview: renderOverview,
  model: (ctx) => renderModelView(ctx),
  compute: (ctx) => renderComputeView(ctx),
  network: (ctx) => renderNetworkView(ctx),
  cost: (ctx) => renderCostView(ctx),
  data: (ctx) => renderDataView(ctx),
  security: renderSecurityView,
  traces: (ctx) => renderTracesView(ctx),
  trace: (ctx) => renderTraceView(ctx),
  compare: (ctx) => renderCompareView(ctx),
};

// ---- the overview: tiles, the infrastructure-beside-AI strip, alerts, rules ----

async function renderOverview(ctx) {
  // The strip and the cost tile's figures ask at once with the tiles (a 30-day range's queries are
  // the slowest), and draw when they have their answers: a slow query never holds the tiles back.
  let tilesDrawn;
  const tilesPromise = new Promise((resolve, reject) => { tilesDrawn = { resolve, reject }; });
  tilesPromise.catch(() => {}); // the refresh itself reports the failure
  const extras = [renderStrip(ctx).catch((e) => console.warn('strip:', e))];
  if (typeof refreshCostTile === 'function') extras.push(refreshCostTile(tilesPromise));
  let gpus, network, alerts, rules;
  try {
    [gpus, network, alerts, rules] = await Promise.all([
      getJson('api/v1/gpus'),
      getJson('api/v1/network'),
      getJson('api/v1/alerts'),
      // A token refused the rules (403) still sees the rest: the rules view says so.
      getJson('api/v1/rules').catch((e) => (e instanceof Forbidden ? { forbidden: e.message } : Promise.reject(e))),
    ]);
    renderHealth(ctx.health, {
      compute: gpus.data.map(gpuUnit),
      network: network.data.ports.map(portUnit).concat(network.data.probes.map(probeUnit)),
    });
    tilesDrawn.resolve();
  } catch (e) {
    tilesDrawn.reject(e);
    throw e;
  }
  const rulesByKey = new Map();
  for (const r of rules.forbidden ? [] : rules.data.groups.flatMap((g) => g.rules)) {
    rulesByKey.set(r.name + '/' + r.labels.severity, r);
  }
  renderAlerts(alerts.data, rulesByKey);
  renderRules(rules, rules.forbidden, Date.now());
  if (ctx.route.anchor === 'rules') document.getElementById('rules-view').open = true;
  await Promise.all(extras);
}

// One line per GPU, port or probed pair under its tile: who, its own state, its key numbers.
function gpuUnit(g) {
  const where = g.pod ? ` · ${g.namespace}/${g.pod}` : '';
  const s = g.signals;
  const nums = [pct(s.utilization_percent, 'util'), pct(s.framebuffer_used_percent, 'FB'),
    s.temperature_celsius == null ? null : Math.round(s.temperature_celsius) + ' °C'].filter(Boolean);
  return { name: `${g.host} GPU ${g.gpu}${where} (${g.workload})`, status: g.status, detail: nums.join(', ') };
}

function portUnit(p) {
  const rate = (v) => v == null ? null : (v * 8 / 1e9).toFixed(1) + ' Gb/s';
  const nums = [rate(p.receive_bytes_per_second) && 'rx ' + rate(p.receive_bytes_per_second),
    rate(p.transmit_bytes_per_second) && 'tx ' + rate(p.transmit_bytes_per_second)].filter(Boolean);
  return { name: `${p.host} ${p.device} port ${p.port}`, status: p.status, detail: nums.join(', ') };
}

function probeUnit(p) {
  const ms = p.duration_seconds == null ? '' : (p.duration_seconds * 1000).toFixed(2) + ' ms';
  return { name: `${p.source} → ${p.target}`, status: p.status, detail: ms };
}

function pct(v, what) {
  return v == null ? null : `${what} ${Math.round(v)} %`;
}

const UNITS_SHOWN = 8;
// A tile reason about a rule whose input never arrived: "RuleName: missing input: …".
const MISSING_INPUT = /^\w+: missing input: /;
const RANK = { critical: 0, warning: 1, ok: 2 };

function unitList(name, units) {
  const sorted = units.slice().sort((a, b) => (RANK[a.status] ?? 3) - (RANK[b.status] ?? 3));
  const ul = el('ul', { class: 'units', 'data-units': name });
  for (const u of sorted.slice(0, UNITS_SHOWN)) {
    const li = el('li', { 'data-status': u.status });
    // A long name is cut with an ellipsis; its title holds it whole.
    li.append(el('span', { class: 'dot' }), el('span', { class: 'unit-name', title: u.name }, u.name),
      el('span', { class: 'unit-detail' }, u.detail));
    ul.append(li);
  }
  if (sorted.length > UNITS_SHOWN) {
    const more = el('li', { class: 'more' });
    more.append(el('a', { href: href(name) }, `+${sorted.length - UNITS_SHOWN} more`));
    ul.append(more);
  }
  return ul;
}

function renderHealth(health, unitsByDimension) {
  const tiles = document.getElementById('tiles');
  const next = [];
  for (const name of DIMENSIONS) {
    const d = health.dimensions[name] || { status: 'no_data', reasons: ['not reported'], since: null };
    const tile = el('article', { class: 'tile', 'data-dimension': name, 'data-status': d.status,
      'aria-label': `${name}: ${label(d.status)}` });
    const head = el('header');
    const h3 = el('h3');
    // The tile's name is the link to its dimension's page; the whole tile is its target.
    h3.append(el('a', { class: 'tile-link', href: href(name) }, name));
    head.append(h3, el('span', { class: 'badge' }, label(d.status)));
    tile.append(head);
    if (d.since) {
      const since = el('div', { class: 'since' }, 'since ');
      since.append(timeEl(Date.parse(d.since)));
      tile.append(since);
    }
    if (d.reasons.length) {
      // Rules waiting for an input never seen are told, but folded: they should not bury what fired.
      const waiting = d.reasons.filter((r) => MISSING_INPUT.test(r));
      const ul = el('ul');
      for (const r of d.reasons.filter((x) => !MISSING_INPUT.test(x))) ul.append(el('li', {}, r));
      if (waiting.length) {
        const li = el('li', { class: 'waiting' });
        const more = el('details');
        more.append(el('summary', {}, waiting.length === 1 ? '1 rule waits for an input never seen'
          : `${waiting.length} rules wait for inputs never seen`));
        const list = el('ul');
        for (const r of waiting) list.append(el('li', {}, r));
        more.append(list);
        li.append(more);
        ul.append(li);
      }
      tile.append(ul);
    } else {
      tile.append(el('div', { class: 'none' }, 'all signals within thresholds'));
    }
    const units = (unitsByDimension || {})[name] || [];
    if (units.length) tile.append(unitList(name, units));
    next.push(tile);
  }
  tiles.replaceChildren(...next);
}

// Series of a query_range answer folded into one line: f over the values at each time.
function fold(result, f, scale = 1) {
  const byT = new Map();
  for (const s of result) {
    for (const [t, v] of s.values) {
      const x = parseFloat(v) * scale;
      if (!Number.isFinite(x)) continue;
      const k = Number(t);
      if (!byT.has(k)) byT.set(k, []);
      byT.get(k).push(x);
    }
  }
  return [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, vs]) => [t, f(vs)]);
}

const MAX = (vs) => Math.max(...vs);
const MEAN = (vs) => vs.reduce((a, b) => a + b, 0) / vs.length;
const SUM = (vs) => vs.reduce((a, b) => a + b, 0);

/** A counter's per-second rate between its points; a reset (a drop) starts over. */
function rateOf(values) {
  const out = [];
  for (let i = 1; i < values.length; i++) {
    const [t0, v0] = [Number(values[i - 1][0]), parseFloat(values[i - 1][1])];
    const [t1, v1] = [Number(values[i][0]), parseFloat(values[i][1])];
    if (t1 > t0 && v1 >= v0) out.push([t1, String((v1 - v0) / (t1 - t0))]);
  }
  return out;
}

/** The strip: infrastructure signals beside the AI signals over the same range, one pointer for all. */
async function renderStrip(ctx) {
  const { range, health } = ctx;
  const q = (query) => getJson(rangeUrl(query, range)).then((r) => r.data.result).catch(() => []);
  const [util, temp, rx, latency, errors, quality, tokens, spend] = await Promise.all([
    q('DCGM_FI_DEV_GPU_UTIL'), q('DCGM_FI_DEV_GPU_TEMP'), q('node_infiniband_port_data_received_bytes_total'),
    q('loupe_model_latency_seconds{quantile="0.95"}'), q('loupe_model_error_ratio'), q('loupe_quality_score'),
    q('loupe_model_tokens_per_minute'),
    getJson(`api/v1/cost?start=${encodeURIComponent(range.startIso)}&end=${encodeURIComponent(range.endIso)}`)
      .catch(() => null),
  ]);
  const status = (d) => (health.dimensions[d] || {}).status || 'no_data';
  const rxRate = rx.map((s) => ({ metric: s.metric, values: rateOf(s.values) }));
  // Scores of different names have different scales: the strip follows one, groundedness if there is.
  const names = [...new Set(quality.map((s) => s.metric.name))].sort();
  const qualityName = names.includes('groundedness') ? 'groundedness' : names[0] || 'score';
  const cells = {
    infra: [
      { name: 'GPU utilization', hint: 'mean of all GPUs', unit: 'percent', dim: 'compute', view: 'compute',
        points: fold(util, MEAN) },
      { name: 'GPU temperature', hint: 'hottest GPU', unit: 'celsius', dim: 'compute', view: 'compute', points: fold(temp, MAX) },
      { name: 'Network', hint: 'InfiniBand received, all ports', unit: 'bits_per_s', dim: 'network', view: 'network',
        points: fold(rxRate, SUM, 8) },
    ],
    ai: [
      { name: 'Latency P95', hint: 'slowest deployment', unit: 's', dim: 'model', view: 'model', points: fold(latency, MAX) },
      { name: 'Error rate', hint: 'worst deployment', unit: 'ratio', dim: 'model', view: 'model', points: fold(errors, MAX) },
      { name: 'Quality', hint: `lowest mean ${qualityName}`, unit: 'score', dim: 'model', view: 'model',
        points: fold(quality.filter((s) => s.metric.name === qualityName), (vs) => Math.min(...vs)) },
      { name: 'Cost', hint: spend ? 'spend in range · tokens/min' : 'tokens/min', unit: 'count', dim: 'cost', view: 'cost',
        points: fold(tokens, SUM), figure: spend ? dollarsOf(spend.total.spend, spend.total.unknown_cost) : null },
    ],
  };
  const strip = document.getElementById('strip');
  const worst = (list) => list.map((c) => status(c.dim)).sort((a, b) => (RANK[a] ?? 3) - (RANK[b] ?? 3))[0];
  const side = (key, title) => {
    const box = el('div', { class: 'strip-side', 'data-side': key, 'data-status': worst(cells[key]) });
    const head = el('h3');
    head.append(document.createTextNode(title + ' '), el('span', { class: 'badge' }, label(worst(cells[key]))));
    box.append(head);
    for (const c of cells[key]) box.append(stripCell(c, status(c.dim), range));
    return box;
  };
  strip.replaceChildren(side('infra', 'Infrastructure'), side('ai', 'AI'));
  const note = document.getElementById('strip-note');
  note.textContent = range.at ? 'values at the pinned moment (click a chart to move it, ' : 'latest values; hover a chart to read every signal at one moment (click to pin it, ';
  note.append(el('a', { href: '#', id: 'unpin' }, range.at ? 'unpin' : 'share'), document.createTextNode(')'));
  note.querySelector('#unpin').addEventListener('click', (ev) => {
    ev.preventDefault();
    if (range.at) setParams({ at: null });
  });
}

function dollarsOf(v, unknown) {
  if (v == null) return 'unknown';
  return '$' + (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) + (unknown ? ' + unpriced' : '');
}

function stripCell(c, status, range) {
  const cell = el('a', { class: 'strip-cell', href: href(c.view), 'data-signal': c.name, 'data-status': status,
    title: `${c.name} (${c.hint}) · ${c.dim} ${label(status)}` });
  const at = range.at ? nearest(c.points, range.at, Infinity) : c.points[c.points.length - 1];
  const value = c.figure || (at ? fmtValue(at[1], c.unit) : 'no data');
  const head = el('div', { class: 'strip-head' });
  head.append(el('span', { class: 'strip-name' }, c.name), el('span', { class: 'strip-value' }, value));
  cell.append(head, el('div', { class: 'muted strip-hint' }, c.hint));
  const colour = { ok: 'var(--ok)', warning: 'var(--warning)', critical: 'var(--critical)' }[status] || 'var(--no-data)';
  cell.append(timeChart({ series: [{ label: c.name, colour, points: c.points }], start: range.startS, end: range.endS,
    step: range.step, unit: c.unit, compact: true, group: 'strip', title: c.name, pinned: range.at, onPin: pinMoment,
    empty: 'no data in range' }));
  return cell;
}

// ---- security: its panel (security.js) draws itself through renderSecurity(container, range) ----

async function renderSecurityView(ctx) {
  const container = document.getElementById('security');
  if (typeof renderSecurity === 'function') {
    await renderSecurity(container, ctx.range);
    return;
  }
  const d = ctx.health.dimensions.security || { status: 'no_data', reasons: [] };
  const box = el('div', { class: 'empty', 'data-security': 'no-panel' });
  box.append(el('p', {}, `Security: ${label(d.status)}.`));
  const ul = el('ul');
  for (const r of d.reasons) ul.append(el('li', {}, r));
  box.append(ul, el('p', { class: 'muted' }, 'The findings panel appears here when this Loupe has it.'));
  container.replaceChildren(box);
}

window.addEventListener('hashchange', () => refresh());
buildHeader();
refresh();
