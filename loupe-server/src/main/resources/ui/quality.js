// The quality panel of the model page: for one deployment, its scores by model version (last 24 h),
// one score over the page's range with rollouts marked, drift against its reference, and the two
// versions of its latest rollout side by side. model.js calls refreshQuality on the page's refresh.
// Every text from the API goes in through textContent or setAttribute, never as HTML.
'use strict';

let qualityScore = null;

/** The quality panel for {@code wanted} (or the first deployment with scores) over the page's range. */
async function refreshQuality(ctx, wanted) {
  const panel = document.getElementById('quality');
  const { range } = ctx;
  let summary;
  try {
    summary = await getJson(`api/v1/scores/summary?group_by=deployment,model_version&start=${range.endS - 86400}&end=${range.endS + 1}`);
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
  if (wanted && !deployments.includes(wanted)) {
    panel.replaceChildren(el('div', { class: 'empty', 'data-quality': 'none' }, `No quality scores of ${wanted} in the last 24 hours.`));
    return;
  }
  const d = wanted || deployments[0];
  const rows = summary.data.filter((r) => r.deployment === d);
  const names = [...new Set(rows.map((r) => r.name))].sort();
  const asked = ctx.params.get('score');
  qualityScore = names.includes(asked) ? asked : names.includes(qualityScore) ? qualityScore
    : names.includes('groundedness') ? 'groundedness' : names[0];

  const step = Math.max(range.step, 60);
  const query = `loupe_quality_score{deployment=${JSON.stringify(d)},name=${JSON.stringify(qualityScore)}}`;
  const [series, rollouts, drift, compare] = await Promise.all([
    getJson(rangeUrl(query, range, step)).then((r) => r.data.result),
    rolloutsIn(range),
    getJson(`api/v1/drift?deployment=${encodeURIComponent(d)}`).catch((e) => ({ error: e.message })),
    getJson(`api/v1/versions/compare?deployment=${encodeURIComponent(d)}`).catch((e) => ({ error: e.message })),
  ]);

  const head = el('div', { class: 'quality-head' });
  head.append(pick('quality-deployment', 'deployment', deployments, d, (v) => setParams({ deployment: v })),
    pick('quality-score', 'score', names, qualityScore, (v) => setParams({ score: v })));

  const chart = el('div', { class: 'chart', 'data-quality-chart': qualityScore });
  chart.append(el('h3', {}, `${qualityScore} on ${d}`), el('span', { class: 'muted' }, ' mean by model version'));
  if (series.length) {
    const colour = versionColours(rollouts, d, series.map((s) => s.metric.model_version));
    const versions = [...new Set(series.map((s) => s.metric.model_version))];
    chart.append(legendOf(versions.map((v) => ({ label: 'version ' + v, colour: colour(v) }))),
      timeChart({ series: series.map((s) => ({ label: s.metric.model_version, colour: colour(s.metric.model_version),
        points: pointsOf(s.values), attrs: { 'data-version': s.metric.model_version } })),
      start: range.startS, end: range.endS, step, unit: 'score', markers: rolloutMarkers(rollouts, d, colour),
      title: qualityScore + ' on ' + d, group: 'model', pinned: range.at, onPin: pinMoment, width: 900 }));
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
