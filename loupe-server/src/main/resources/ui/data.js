// The data page: every pipeline from /api/v1/pipelines (freshness against its cadence, last run,
// failures, checks, row count against its baseline, the index it refreshes and the deployments
// that answer from it, linked to their model pages), each pipeline's runs over the range
// (/api/v1/pipelines/{name}/runs), and what Loupe's own ingestion rejected.
'use strict';

function ageText(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  if (seconds < 120) return Math.round(seconds) + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return round3(seconds / 3600) + ' h';
  return (seconds / 86400).toFixed(1) + ' d';
}

async function renderDataView(ctx) {
  const { range } = ctx;
  const answer = await getJson('api/v1/pipelines');
  const pipelines = answer.data;
  const runs = await Promise.all(pipelines.map((p) => getJson(`api/v1/pipelines/${encodeURIComponent(p.pipeline)}/runs`
    + `?start=${range.startIso}&end=${range.endIso}&limit=2000`).then((r) => r.data).catch(() => [])));
  const root = document.getElementById('data');
  const head = el('h2', {}, 'Pipelines ');
  head.append(el('span', { class: 'muted' }, `${pipelines.length} watched · freshness, runs, failures, checks`));
  const parts = [head];
  if (!pipelines.length) {
    parts.push(el('div', { class: 'empty', 'data-pipelines': 'none' },
      'No pipeline reports: POST runs to /api/v1/pipelines/{name}/runs, or send spans with pipeline.* attributes, '
      + 'and set each one\'s cadence under data.pipelines in loupe.yml.'));
  } else {
    parts.push(pipelineTable(pipelines));
    const timelines = el('div', { class: 'chart', id: 'pipeline-runs' });
    timelines.append(el('h3', {}, 'Runs in range '), el('span', { class: 'muted' }, 'green succeeded · red failed · hover one'));
    const labelWidth = Math.min(220, Math.ceil(Math.max(...pipelines.map((p) => p.pipeline.length)) * CHAR_PX) + 12);
    pipelines.forEach((p, i) => timelines.append(runTimeline(p, runs[i], range, labelWidth)));
    parts.push(timelines);
  }
  parts.push(ingestTable(answer.ingest));
  root.replaceChildren(...parts);
}

function pipelineTable(pipelines) {
  const box = el('div', { class: 'table-box' });
  const t = el('table', { class: 'grid-table', id: 'pipeline-table' });
  const head = el('tr');
  for (const c of ['pipeline', 'status', 'freshness', 'cadence', 'last run', 'failures (7 d)', 'checks', 'rows', 'index → deployments', 'reasons']) {
    head.append(el('th', {}, c));
  }
  t.append(head);
  const sorted = pipelines.slice().sort((a, b) => (RANK[a.status] ?? 3) - (RANK[b.status] ?? 3) || a.pipeline.localeCompare(b.pipeline));
  for (const p of sorted) {
    const tr = el('tr', { 'data-pipeline': p.pipeline, 'data-status': p.status });
    const status = el('td', { 'data-status': p.status });
    status.append(el('span', { class: 'badge' }, label(p.status)));
    const f = p.freshness || {};
    const fresh = el('td', { 'data-stale': String(!!f.stale) },
      f.last_success_age_seconds == null ? 'never succeeded' : `last success ${ageText(f.last_success_age_seconds)} ago`
        + (f.stale ? ` · stale ${ageText(f.stale_seconds)}` : ''));
    const cadence = p.cadence ? `every ${ageText(p.cadence.every_seconds)}, late after ${ageText(p.cadence.max_delay_seconds)}`
      + (p.cadence.source === 'learnt' ? ' (learnt)' : '') : '—';
    const last = el('td');
    if (p.last_run) {
      last.append(timeEl(Date.parse(p.last_run.started_at)), document.createTextNode(' ' + p.last_run.status));
      if (p.last_run.error) last.append(el('div', { class: 'rule-error wrap', title: p.last_run.error }, p.last_run.error));
    } else {
      last.textContent = '—';
    }
    const fails = p.failures || {};
    const checks = p.failed_checks && p.failed_checks.length ? 'failed: ' + p.failed_checks.join(', ')
      : p.checks && p.checks.length ? `${p.checks.length} passed` : '—';
    const rows = p.rows ? `${p.rows.last ?? '—'}` + (p.rows.baseline_median != null ? ` (baseline ${Math.round(p.rows.baseline_median)})` : '') : '—';
    const feeds = el('td', { class: 'wrap' });
    if (p.index) feeds.append(el('strong', {}, p.index), document.createTextNode(' → '));
    (p.feeds || []).forEach((d, i) => {
      if (i) feeds.append(document.createTextNode(', '));
      feeds.append(el('a', { href: href('model', { deployment: d }) }, d));
    });
    if (!p.index && !(p.feeds || []).length) feeds.textContent = '—';
    tr.append(el('td', { class: 'wrap', title: `${p.pipeline} (${p.kind})` }, p.pipeline), status, fresh, el('td', {}, cadence), last,
      el('td', { class: 'num' }, `${fails.failed_7d ?? 0} of ${fails.runs_7d ?? 0}` + (fails.consecutive ? ` · ${fails.consecutive} in a row` : '')),
      el('td', { class: 'wrap' }, checks), el('td', { class: 'num' }, rows), feeds,
      el('td', { class: 'wrap' }, (p.reasons || []).join('; ') || '—'));
    t.append(tr);
  }
  box.append(t);
  return box;
}

function runTimeline(p, runs, range, L) {
  const W = 900;
  const H = 26;
  const x = (ms) => L + ((ms / 1000 - range.startS) / (range.endS - range.startS || 1)) * (W - L - 10);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'run-timeline', role: 'img', 'data-pipeline': p.pipeline,
    'aria-label': `${p.pipeline}: ${runs.length} runs in range, ${runs.filter((r) => r.status !== 'success').length} failed` });
  const name = svgEl('text', { class: 'tick', x: L - 6, y: H / 2 + 4, 'text-anchor': 'end' }, p.pipeline);
  name.append(svgEl('title', {}, p.pipeline));
  svg.append(name, svgEl('line', { class: 'grid', x1: L, x2: W - 10, y1: H / 2, y2: H / 2 }));
  for (const r of runs) {
    const ms = Date.parse(r.started_at);
    const ok = r.status === 'success';
    const dot = svgEl('circle', { class: 'run', 'data-run-status': r.status, cx: x(ms).toFixed(1), cy: H / 2, r: ok ? 4 : 5,
      fill: ok ? 'var(--ok)' : 'var(--critical)' });
    dot.append(svgEl('title', {}, `${p.pipeline} · ${fmtLocal(ms)} (${fmtUtc(ms)}) · ${r.status}`
      + (r.rows_out != null ? ` · ${r.rows_out} rows` : '') + (r.error ? ` · ${r.error}` : '')));
    svg.append(dot);
  }
  if (!runs.length) svg.append(svgEl('text', { class: 'tick', x: L + 8, y: H / 2 - 4 }, 'no run in this range'));
  return svg;
}

function ingestTable(ingest) {
  const box = el('div', { class: 'table-box', id: 'ingest' });
  box.append(el('h3', {}, `Loupe's own ingestion · last ${ingest.window_minutes} minutes`));
  const t = el('table', { class: 'grid-table' });
  const head = el('tr');
  for (const c of ['endpoint', 'received', 'rejected', 'rejected share', 'why']) head.append(el('th', {}, c));
  t.append(head);
  for (const e of ingest.endpoints) {
    const why = Object.entries(e.rejected_by_reason || {}).map(([k, v]) => `${k}: ${v}`).join(', ');
    const tr = el('tr', { 'data-endpoint': e.endpoint });
    tr.append(el('td', { class: 'wrap' }, e.endpoint), el('td', { class: 'num' }, String(e.received)),
      el('td', { class: 'num' }, String(e.rejected)), el('td', { class: 'num' }, fmtValue(e.rejected_ratio, 'ratio')),
      el('td', { class: 'wrap' }, why || '—'));
    t.append(tr);
  }
  if (!ingest.endpoints.length) box.append(el('div', { class: 'muted' }, 'nothing received in that window'));
  else box.append(t);
  return box;
}
