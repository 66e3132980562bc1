// Version compare (#/compare?deployment=…&a=OLD&b=NEW): two versions of one deployment side by
// side on every signal, from /api/v1/versions/compare over the page's range (count, mean, median,
// P95, the change and its test, and whether it is worse), their lines over the range with the
// rollout marked, and each version's slowest traces, one click from the waterfall.
'use strict';

const COMPARE_CHARTS = [
  ['Latency P95', 'loupe_model_latency_seconds', 's', '{quantile="0.95"}'],
  ['Time to first token P95', 'loupe_model_ttft_seconds', 's', '{quantile="0.95"}'],
  ['Output tokens/s', 'loupe_model_output_tokens_per_second', 'per_s', ''],
  ['Throughput', 'loupe_model_requests_per_second', 'per_s', ''],
  ['Error rate', 'loupe_model_error_ratio', 'ratio', ''],
  ['429 rate', 'loupe_model_throttled_ratio', 'ratio', ''],
];
const SLOW_TRACES_SHOWN = 5;

async function renderCompareView(ctx) {
  const { params, range } = ctx;
  const root = document.getElementById('compare');
  const latency = (await getJson(rangeUrl('loupe_model_latency_seconds{quantile="0.95"}', range))).data.result;
  const rollouts = await rolloutsIn(range);
  const deployments = [...new Set(latency.map((s) => s.metric.deployment).concat(rollouts.map((r) => r.deployment)))].sort();
  const deployment = params.get('deployment') || (rollouts.length ? rollouts[rollouts.length - 1].deployment : deployments[0]);
  const head = el('h2', {}, 'Version compare ');
  if (!deployment) {
    root.replaceChildren(head, el('div', { class: 'empty', 'data-compare': 'none' }, 'No deployment with inferences in this range.'));
    return;
  }
  const mine = rollouts.filter((r) => r.deployment === deployment);
  const last = mine[mine.length - 1];
  const versions = [...new Set(mine.flatMap((r) => [r.from_version, r.to_version]).filter(Boolean)
    .concat(latency.filter((s) => s.metric.deployment === deployment).map((s) => s.metric.model_version)))];
  const a = params.get('a') || (last && last.from_version) || versions[0];
  const b = params.get('b') || (last && last.to_version) || versions[1];
  const form = el('div', { class: 'quality-head', id: 'compare-pickers' });
  form.append(pick('compare-deployment', 'deployment', deployments.includes(deployment) ? deployments : [deployment, ...deployments],
    deployment, (v) => setParams({ deployment: v, a: null, b: null })),
  pick('compare-a', 'version A', versions.includes(a) ? versions : [a, ...versions].filter(Boolean), a, (v) => setParams({ a: v })),
  pick('compare-b', 'version B', versions.includes(b) ? versions : [b, ...versions].filter(Boolean), b, (v) => setParams({ b: v })));
  if (!a || !b || a === b) {
    root.replaceChildren(head, form, el('div', { class: 'empty', 'data-compare': 'none' },
      `Pick two versions of ${deployment}: ${versions.length < 2 ? 'it has run only one in this range' : 'these are the same'}.`));
    return;
  }
  const colour = versionColours(rollouts, deployment, versions);
  const sel = (m, extra) => `${m}{deployment=${JSON.stringify(deployment)},model_version=~${JSON.stringify(escapeRegex(a) + '|' + escapeRegex(b))}`
    + (extra ? ',' + extra.slice(1, -1) : '') + '}';
  const [compare, slowA, slowB, ...series] = await Promise.all([
    getJson(`api/v1/versions/compare?deployment=${encodeURIComponent(deployment)}&from=${encodeURIComponent(a)}`
      + `&to=${encodeURIComponent(b)}&start=${range.startIso}&end=${range.endIso}`).catch((e) => ({ error: e.message })),
    slowTraces(deployment, a, range), slowTraces(deployment, b, range),
    ...COMPARE_CHARTS.map(([, m, , extra]) => getJson(rangeUrl(sel(m, extra), range)).then((r) => r.data.result).catch(() => [])),
  ]);
  head.append(el('span', { class: 'muted' }, `${deployment}: ${a} against ${b}`));
  const sides = el('div', { class: 'compare-sides' });
  for (const [v, slow] of [[a, slowA], [b, slowB]]) {
    const side = el('div', { class: 'compare-side', 'data-version': v });
    const h = el('h3', {}, 'version ' + v);
    h.style.borderColor = colour(v);
    side.append(h, slowList(v, slow));
    sides.append(side);
  }
  const grid = el('div', { class: 'charts' });
  COMPARE_CHARTS.forEach(([title, , unit], i) => {
    grid.append(chartCard(title, `${a} and ${b}`, timeChart({
      series: series[i].map((s) => ({ label: s.metric.model_version, colour: colour(s.metric.model_version), points: pointsOf(s.values),
        attrs: { 'data-version': s.metric.model_version } })),
      start: range.startS, end: range.endS, step: range.step, unit, markers: rolloutMarkers(mine, deployment, colour),
      title, group: 'compare', pinned: range.at, onPin: pinMoment }), { 'data-signal': title }));
  });
  root.replaceChildren(head, form, legendOf([a, b].map((v) => ({ label: 'version ' + v, colour: colour(v) }))),
    compareSignals(compare, a, b), sides, grid);
}

function escapeRegex(s) {
  return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function slowTraces(deployment, version, range) {
  const q = new URLSearchParams({ deployment, model_version: version, start: range.startIso, end: range.endIso,
    limit: String(TRACES_SCANNED_FOR_SLOWEST) });
  try {
    const traces = (await getJson('api/v1/traces?' + q.toString())).data;
    return traces.sort((x, y) => y.duration_ms - x.duration_ms).slice(0, SLOW_TRACES_SHOWN);
  } catch (e) {
    if (e instanceof NeedsToken) throw e;
    return [];
  }
}

function slowList(version, traces) {
  const box = el('div', { class: 'slow-traces', 'data-version': version });
  box.append(el('div', { class: 'muted' }, 'slowest traces'));
  if (!traces.length) {
    box.append(el('div', { class: 'muted' }, 'no trace of this version in the range'));
    return box;
  }
  const ul = el('ul');
  for (const t of traces) {
    const li = el('li');
    li.append(el('a', { class: 'trace-link', href: href('trace/' + t.trace_id), title: 'trace ' + t.trace_id },
      `${fmtValue(t.duration_ms, 'ms')} · ${t.root}`), document.createTextNode(' '), timeEl(isoMs(t.start)));
    ul.append(li);
  }
  box.append(ul);
  return box;
}

/** Every signal of the two versions side by side. */
function compareSignals(compare, a, b) {
  const box = el('div', { class: 'quality-table', id: 'version-compare' });
  if (compare.error) {
    box.append(el('div', { class: 'muted', 'data-compare': 'none' }, 'Version compare: ' + compare.error));
    return box;
  }
  box.append(el('h3', {}, `Every signal · ${a} → ${b}`));
  const t = el('table');
  const head = el('tr');
  for (const c of ['signal', `${a} mean`, `${b} mean`, `${a} P95`, `${b} P95`, 'change', 'p-value', 'n', '']) head.append(el('th', {}, c));
  t.append(head);
  const sorted = compare.signals.filter((s) => s.type !== 'categorical')
    .sort((x, y) => Number(y.regression) - Number(x.regression) || x.signal.localeCompare(y.signal));
  for (const s of sorted) {
    const rate = s.type === 'rate';
    const unit = /_ms$/.test(s.signal) ? 'ms' : rate ? 'ratio' : s.signal === 'cost' ? 'usd' : 'score';
    const mean = (side) => fmtValue(rate ? side.rate : side.mean, unit);
    const p95 = (side) => (rate ? '—' : fmtValue(side.p95, unit));
    const change = s.change == null ? '—' : (s.change > 0 ? '+' : '') + (s.change * 100).toFixed(1) + ' %';
    const row = el('tr', { 'data-signal': s.signal, 'data-regression': String(s.regression) });
    for (const c of [s.signal, mean(s.reference), mean(s.current), p95(s.reference), p95(s.current), change, sci(s.p_value),
      `${s.reference.count} / ${s.current.count}`]) row.append(el('td', { title: c }, c));
    row.append(badgeCell(s.regression ? 'warning' : 'ok', s.regression ? 'worse' : '—'));
    t.append(row);
  }
  box.append(t);
  return box;
}
