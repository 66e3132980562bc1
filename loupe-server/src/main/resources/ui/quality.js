// The quality panel of Loupe's page: for one deployment, its scores by model version (last 24 h),
// one score over the last 30 days with rollouts marked, drift against its reference, and the two
// versions of its latest rollout side by side. app.js calls refreshQuality on its refresh loop.
// Every text from the API goes in through textContent or setAttribute, never as HTML.
'use strict';

const QUALITY_DAYS = 30;
const QUALITY_STEP_S = 3600;
let qualityDeployment = null;
let qualityScore = null;

async function refreshQuality() {
  const panel = document.getElementById('quality');
  const end = Math.floor(Date.now() / 1000);
  let summary;
  try {
    summary = await getJson(`api/v1/scores/summary?group_by=deployment,model_version&start=${end - 86400}`);
  } catch (e) {
    if (e instanceof Forbidden) panel.replaceChildren(el('div', { class: 'empty' }, e.message));
    return;
  }
  const deployments = [...new Set(summary.data.map((r) => r.deployment))].sort();
  if (!deployments.length) {
    panel.replaceChildren(el('div', { class: 'empty', 'data-quality': 'none' },
      'No quality scores yet: post scores, feedback or labels (/api/v1/scores, /feedback, /labels), '
      + 'or keep completions (ingest.capture) for the built-in evaluators.'));
    return;
  }
  if (!deployments.includes(qualityDeployment)) qualityDeployment = deployments[0];
  const d = qualityDeployment;
  const rows = summary.data.filter((r) => r.deployment === d);
  const names = [...new Set(rows.map((r) => r.name))].sort();
  if (!names.includes(qualityScore)) qualityScore = names.includes('groundedness') ? 'groundedness' : names[0];

  const start = end - QUALITY_DAYS * 86400;
  const query = encodeURIComponent(`loupe_quality_score{deployment="${d}",name="${qualityScore}"}`);
  const [range, rollouts, drift, compare] = await Promise.all([
    getJson(`api/v1/signals/query_range?query=${query}&start=${start}&end=${end}&step=${QUALITY_STEP_S}`),
    getJson(`api/v1/deployments?start=${start}&end=${end}&limit=1000`),
    getJson(`api/v1/drift?deployment=${encodeURIComponent(d)}`).catch((e) => ({ error: e.message })),
    getJson(`api/v1/versions/compare?deployment=${encodeURIComponent(d)}`).catch((e) => ({ error: e.message })),
  ]);

  const head = el('div', { class: 'quality-head' });
  head.append(pick('quality-deployment', 'deployment', deployments, d, (v) => { qualityDeployment = v; refreshQuality(); }),
    pick('quality-score', 'score', names, qualityScore, (v) => { qualityScore = v; refreshQuality(); }));

  const chart = el('div', { class: 'chart', 'data-quality-chart': qualityScore });
  chart.append(el('h3', {}, `${qualityScore} on ${d}`),
    el('span', { class: 'muted' }, ` hourly mean by model version · last ${QUALITY_DAYS} days`));
  const series = range.data.result;
  if (series.length) {
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
    chart.append(legend, qualitySvg(series, rollouts.data.filter((r) => r.deployment === d), start, end, colour));
  } else {
    chart.append(el('div', { class: 'muted' }, 'no scores tied to an inference in this range'));
  }

  panel.replaceChildren(head, scoresTable(rows), chart, driftTable(drift), compareTable(compare));
}

function pick(id, label, options, selected, onChange) {
  const wrap = el('label', { class: 'pick' }, label + ' ');
  const select = el('select', { id });
  for (const o of options) {
    select.append(el('option', o === selected ? { value: o, selected: '' } : { value: o }, o));
  }
  select.addEventListener('change', () => onChange(select.value));
  wrap.append(select);
  return wrap;
}

function scoresTable(rows) {
  const t = table('quality-scores', 'Scores by model version · last 24 h',
    ['score', 'model version', 'count', 'mean', 'median', 'P95']);
  for (const r of rows) {
    t.body.append(tr([r.name, r.model_version, String(r.count), num(r.mean), num(r.p50), num(r.p95)]));
  }
  return t.wrap;
}

function driftTable(drift) {
  if (drift.error) return el('div', { class: 'muted', 'data-drift': 'none' }, 'Drift: ' + drift.error);
  const ref = drift.reference;
  const title = `Drift · current window against ${ref.kind.replace('_', ' ')}`
    + (ref.model_version ? ` (${ref.model_version})` : '') + ` · ${drift.drifted} of ${drift.results.length} drifted`;
  const t = table('quality-drift', title, ['feature', 'test', 'statistic', 'p-value', 'reference n', 'current n', '']);
  const sorted = drift.results.slice().sort((a, b) => Number(b.drifted) - Number(a.drifted));
  for (const r of sorted) {
    const row = tr([r.feature, r.test, num(r.statistic), r.p_value == null ? '—' : sci(r.p_value),
      String(r.reference_count), String(r.current_count)]);
    row.append(badgeCell(r.drifted ? r.severity : 'ok', r.drifted ? 'drifted' : 'stable'));
    row.dataset.feature = r.feature;
    row.dataset.drifted = String(r.drifted);
    t.body.append(row);
  }
  return t.wrap;
}

function compareTable(compare) {
  if (compare.error) return el('div', { class: 'muted', 'data-compare': 'none' }, 'Version compare: ' + compare.error);
  const title = `Version compare · ${compare.from.model_version} → ${compare.to.model_version}`;
  const t = table('quality-compare', title, ['signal', compare.from.model_version, compare.to.model_version,
    'change', 'p-value', '']);
  const sorted = compare.signals.filter((s) => s.type !== 'categorical')
    .sort((a, b) => Number(b.regression) - Number(a.regression));
  for (const s of sorted) {
    const mean = (side) => (s.type === 'rate' ? (side.rate * 100).toFixed(2) + ' %' : num(side.mean));
    const change = s.change == null ? '—' : (s.change > 0 ? '+' : '') + (s.change * 100).toFixed(1) + ' %';
    const row = tr([s.signal, mean(s.reference), mean(s.current), change, sci(s.p_value)]);
    row.append(badgeCell(s.regression ? 'warning' : 'ok', s.regression ? 'worse' : '—'));
    row.dataset.signal = s.signal;
    row.dataset.regression = String(s.regression);
    t.body.append(row);
  }
  return t.wrap;
}

function table(id, title, columns) {
  const wrap = el('div', { class: 'quality-table', id });
  wrap.append(el('h3', {}, title));
  const t = el('table');
  const head = el('tr');
  for (const c of columns) head.append(el('th', {}, c));
  const body = el('tbody');
  t.append(el('thead'), body);
  t.firstChild.append(head);
  wrap.append(t);
  return { wrap, body };
}

function tr(cells) {
  const row = el('tr');
  for (const c of cells) row.append(el('td', { title: c }, c));
  return row;
}

function badgeCell(status, text) {
  const td = el('td', { 'data-status': status });
  td.append(el('span', { class: 'badge' }, text));
  return td;
}

function num(v) {
  if (v == null || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function sci(p) {
  return p == null ? '—' : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function qualitySvg(series, marks, start, end, colour) {
  const W = 900, H = 200, L = 46, R = 12, T = 14, B = 24;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const points = series.map((s) => s.values.map(([t, v]) => [t, parseFloat(v)]));
  const max = Math.max(1e-9, ...points.flat().map((p) => p[1]).filter(Number.isFinite));
  const yTicks = niceTicks(max);
  const yMax = yTicks[yTicks.length - 1];
  const x = (t) => L + ((t - start) / (end - start)) * (W - L - R);
  const y = (v) => H - B - (v / yMax) * (H - T - B);
  svg.setAttribute('aria-label', `score from 0 to ${yMax}`);
  for (const v of yTicks) {
    svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(svgEl('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(+v.toFixed(3))));
  }
  for (let t = Math.ceil(start / 86400 / 5) * 86400 * 5; t <= end; t += 5 * 86400) {
    const day = new Date(t * 1000).toLocaleDateString([], { month: 'short', day: 'numeric' });
    svg.append(svgEl('text', { class: 'tick', x: x(t), y: H - 6, 'text-anchor': 'middle' }, day));
  }
  series.forEach((s, i) => {
    svg.append(svgEl('path', { class: 'series', d: pathOf(points[i], x, y, 2 * QUALITY_STEP_S),
      stroke: colour(s.metric.model_version), 'stroke-width': 1.8, 'data-version': s.metric.model_version }));
  });
  for (const m of marks) {
    const t = Date.parse(m.timestamp) / 1000;
    if (t < start || t > end) continue;
    const g = svgEl('g', { class: 'deploy-marker' });
    g.append(svgEl('line', { x1: x(t), x2: x(t), y1: T, y2: H - B }));
    const anchor = x(t) > W - 140 ? 'end' : 'start';
    g.append(svgEl('text', { x: x(t) + (anchor === 'end' ? -4 : 4), y: T + 10, 'text-anchor': anchor }, '→ ' + m.to_version));
    svg.append(g);
  }
  return svg;
}
