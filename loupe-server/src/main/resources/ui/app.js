// Loupe's page: six dimension tiles, the alerts, a latency chart per deployment and the rules,
// refreshed every 10 s (the alerts panel and rules view are drawn by alerts.js).
// Plain JavaScript and inline SVG: the page must work on clusters without internet access.
'use strict';

const DIMENSIONS = ['compute', 'cost', 'model', 'security', 'network', 'data'];
const REFRESH_MS = 10000;
const WINDOW_S = 3600;
const STEP_S = 60;
const PALETTE = ['#3b5bdb', '#e8590c', '#2b8a3e', '#ae3ec9', '#0c8599', '#c2255c', '#5c940d', '#1864ab'];
const QUANTILE_STYLE = {
  '0.5': { width: 1.2, dash: '' },
  '0.95': { width: 2.6, dash: '' },
  '0.99': { width: 1.4, dash: '5 4' },
};
const SVG_NS = 'http://www.w3.org/2000/svg';

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

async function refresh() {
  const end = Math.floor(Date.now() / 1000);
  const start = end - WINDOW_S;
  const query = encodeURIComponent('loupe_model_latency_seconds');
  try {
    const [health, range, deployments, gpus, network, alerts, rules] = await Promise.all([
      getJson('api/v1/health'),
      getJson(`api/v1/signals/query_range?query=${query}&start=${start}&end=${end}&step=${STEP_S}`),
      getJson(`api/v1/deployments?start=${start}&end=${end}`),
      getJson('api/v1/gpus'),
      getJson('api/v1/network'),
      getJson('api/v1/alerts'),
      // A token refused the rules (403) still sees the rest: the rules view says so.
      getJson('api/v1/rules').catch((e) => (e instanceof Forbidden ? { forbidden: e.message } : Promise.reject(e))),
    ]);
    renderHealth(health, {
      compute: gpus.data.map(gpuUnit),
      network: network.data.ports.map(portUnit).concat(network.data.probes.map(probeUnit)),
    });
    renderCharts(range.data.result, deployments.data, start, end, (health.dimensions.model || {}).status);
    const rulesByKey = new Map();
    for (const r of rules.forbidden ? [] : rules.data.groups.flatMap((g) => g.rules)) {
      rulesByKey.set(r.name + '/' + r.labels.severity, r);
    }
    renderAlerts(alerts.data, rulesByKey);
    renderRules(rules, rules.forbidden, Date.now());
    // Its own requests: a slow drift query never holds the tiles back.
    refreshQuality().catch((e) => console.warn('quality panel:', e));
    refreshSecurity().catch((e) => console.warn('security panel:', e));
    if (typeof refreshCost === 'function') refreshCost();
    showBanner(null);
    document.body.classList.remove('stale');
    document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
    const form = document.getElementById('token-form');
    if (form) form.hidden = true;
  } catch (e) {
    if (e instanceof NeedsToken) {
      showTokenForm(e.message);
      return;
    }
    // Keep the last picture, but say plainly that it is old.
    showBanner('cannot reach Loupe: ' + e.message + ' — showing the last data received');
    document.body.classList.add('stale');
  }
}

function showBanner(text) {
  const b = document.getElementById('banner');
  b.hidden = !text;
  b.textContent = text || '';
}

function label(status) {
  return status === 'no_data' ? 'no data' : status;
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
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
    li.append(el('span', { class: 'dot' }), el('span', { class: 'unit-name' }, u.name),
      el('span', { class: 'unit-detail' }, u.detail));
    ul.append(li);
  }
  if (sorted.length > UNITS_SHOWN) ul.append(el('li', { class: 'more' }, `+${sorted.length - UNITS_SHOWN} more`));
  return ul;
}

function renderHealth(health, unitsByDimension) {
  const overall = document.getElementById('overall');
  overall.dataset.status = health.status;
  // Never a bare "ok": the overall status only speaks for the dimensions that report at all.
  const reporting = DIMENSIONS.filter((n) => (health.dimensions[n] || {}).status
    && health.dimensions[n].status !== 'no_data').length;
  overall.dataset.reporting = String(reporting);
  overall.textContent = `overall: ${label(health.status)} · ${reporting} of ${DIMENSIONS.length} dimensions reporting`;
  const tiles = document.getElementById('tiles');
  const next = [];
  for (const name of DIMENSIONS) {
    const d = health.dimensions[name] || { status: 'no_data', reasons: ['not reported'], since: null };
    const tile = el('article', { class: 'tile', 'data-dimension': name, 'data-status': d.status,
      'aria-label': `${name}: ${label(d.status)}` });
    const head = el('header');
    head.append(el('h3', {}, name), el('span', { class: 'badge' }, label(d.status)));
    tile.append(head);
    if (d.since) tile.append(el('div', { class: 'since' }, 'since ' + new Date(d.since).toLocaleString()));
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

function renderCharts(result, deployments, start, end, modelStatus) {
  const charts = document.getElementById('charts');
  if (!result.length) {
    // The model tile judges the open minute too; the chart draws closed, rolled-up minutes only,
    // so the two can differ for a minute: say so rather than "no data" under a tile that has some.
    const text = !modelStatus || modelStatus === 'no_data'
      ? 'No inference data yet: send events to /api/v1/inferences (latency appears once a minute has closed).'
      : 'Inferences are arriving, but no minute with latency has closed yet: the chart draws closed minutes '
        + '(the first point appears about a minute after the first event with latency_ms).';
    charts.replaceChildren(el('div', { class: 'empty', 'data-model-status': modelStatus || 'no_data' }, text));
    return;
  }
  const byDeployment = new Map();
  for (const s of result) {
    const key = s.metric.deployment;
    if (!byDeployment.has(key)) byDeployment.set(key, []);
    byDeployment.get(key).push(s);
  }
  const cards = [];
  for (const [name, series] of [...byDeployment.entries()].sort()) {
    const marks = deployments.filter((d) => d.deployment === name);
    cards.push(chartCard(name, series, marks, start, end));
  }
  charts.replaceChildren(...cards);
}

function chartCard(name, series, marks, start, end) {
  const card = el('div', { class: 'chart', 'data-deployment': name });
  const first = series[0].metric;
  card.append(el('h3', {}, `${name}`));
  card.lastChild.append(el('span', { class: 'muted' }, `  ${first.service} · ${first.model}`));
  const versions = [...new Set(series.map((s) => s.metric.model_version))];
  const colour = (v) => PALETTE[versions.indexOf(v) % PALETTE.length];
  const legend = el('div', { class: 'legend' });
  for (const v of versions) {
    const item = el('span', {}, 'version ' + v);
    const swatch = el('i');
    swatch.style.background = colour(v);
    item.prepend(swatch);
    legend.append(item);
  }
  card.append(legend);
  card.append(chartSvg(series, marks, start, end, colour));
  return card;
}

function chartSvg(series, marks, start, end, colour) {
  const W = 640, H = 220, L = 52, R = 12, T = 14, B = 24;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const points = series.map((s) => s.values.map(([t, v]) => [t, parseFloat(v) * 1000]));
  const maxMs = Math.max(1, ...points.flat().map((p) => p[1]).filter(Number.isFinite));
  const yTicks = niceTicks(maxMs);
  const yMax = yTicks[yTicks.length - 1];
  const x = (t) => L + ((t - start) / (end - start)) * (W - L - R);
  const y = (v) => H - B - (v / yMax) * (H - T - B);
  svg.setAttribute('aria-label', `latency from 0 to ${formatMs(yMax)}`);

  for (const v of yTicks) {
    svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(svgEl('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, formatMs(v)));
  }
  for (let t = Math.ceil(start / 600) * 600; t <= end; t += 600) {
    const hhmm = new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    svg.append(svgEl('text', { class: 'tick', x: x(t), y: H - 6, 'text-anchor': 'middle' }, hhmm));
  }
  series.forEach((s, i) => {
    const style = QUANTILE_STYLE[s.metric.quantile] || QUANTILE_STYLE['0.5'];
    svg.append(svgEl('path', {
      class: 'series', d: pathOf(points[i], x, y), stroke: colour(s.metric.model_version),
      'stroke-width': style.width, 'stroke-dasharray': style.dash,
      'data-version': s.metric.model_version, 'data-quantile': s.metric.quantile,
    }));
  });
  for (const m of marks) {
    const t = Date.parse(m.timestamp) / 1000;
    if (t < start || t > end) continue;
    const g = svgEl('g', { class: 'deploy-marker' });
    g.append(svgEl('line', { x1: x(t), x2: x(t), y1: T, y2: H - B }));
    const anchor = x(t) > W - 140 ? 'end' : 'start';
    g.append(svgEl('text', { x: x(t) + (anchor === 'end' ? -4 : 4), y: T + 10, 'text-anchor': anchor },
      '→ ' + m.to_version));
    svg.append(g);
  }
  return svg;
}

// A gap of more than two steps breaks the line instead of drawing across missing minutes.
function pathOf(points, x, y, gap = 2 * STEP_S) {
  let d = '';
  let last = null;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) { last = null; continue; }
    d += (last === null || t - last > gap ? 'M' : 'L') + x(t).toFixed(1) + ',' + y(v).toFixed(1);
    last = t;
  }
  return d;
}

function niceTicks(max) {
  const raw = max * 1.1 / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= max * 1.1 + step * 0.001; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function formatMs(ms) {
  return ms >= 1000 ? (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1) + ' s' : Math.round(ms) + ' ms';
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== '' && v !== undefined) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

refresh();
setInterval(refresh, REFRESH_MS);
