// The model page. Without a deployment (#/model): the latency of every deployment by version, each
// deployment a link to its own page. With one (#/model?deployment=…): every model signal of it by
// version — latency, time to first token, output tokens/s, throughput, error and 429 rates, queue
// depth, cache hit rate — with its rollouts marked in their versions' colours and linked to the
// version compare, its slowest recent inferences linked to their traces, and its quality panel.
'use strict';

const QUANTILE_STYLE = {
  '0.5': { width: 1.2, dash: '', name: 'P50' },
  '0.95': { width: 2.6, dash: '', name: 'P95' },
  '0.99': { width: 1.4, dash: '5 4', name: 'P99' },
};
// Inferences read raw for the cache hit rate and the slowest requests: the range's last minutes.
const RAW_WINDOW_MS = 2 * 60_000;
const RAW_LIMIT = 5000;
const SLOWEST_SHOWN = 8;
// Queue depth is the model server's own metric (vLLM, TGI), scraped; the first one present is drawn.
const QUEUE_METRICS = ['vllm:num_requests_waiting', 'tgi_queue_size'];

/** A colour per version of a deployment: versions in the order they rolled out, then the rest by name. */
function versionColours(rollouts, deployment, seen) {
  const order = [];
  const add = (v) => { if (v && !order.includes(v)) order.push(v); };
  for (const r of rollouts.filter((x) => x.deployment === deployment).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))) {
    add(r.from_version);
    add(r.to_version);
  }
  for (const v of [...seen].sort()) add(v);
  return (v) => PALETTE[Math.max(0, order.indexOf(v)) % PALETTE.length];
}

function rolloutMarkers(rollouts, deployment, colour) {
  return rollouts.filter((r) => r.deployment === deployment).map((r) => ({
    t: Date.parse(r.timestamp) / 1000, label: '→ ' + r.to_version, colour: colour(r.to_version),
    attrs: { 'data-to-version': r.to_version },
  }));
}

function byDeployment(result) {
  const out = new Map();
  for (const s of result) {
    const key = s.metric.deployment || '(none)';
    if (!out.has(key)) out.set(key, []);
    out.get(key).push(s);
  }
  return new Map([...out.entries()].sort());
}

function modelSeries(result, colour) {
  return result.map((s) => {
    const style = QUANTILE_STYLE[s.metric.quantile];
    return {
      label: s.metric.model_version + (style ? ' ' + style.name : ''),
      colour: colour(s.metric.model_version), width: style ? style.width : 1.8, dash: style ? style.dash : '',
      points: pointsOf(s.values),
      attrs: { 'data-version': s.metric.model_version, 'data-quantile': s.metric.quantile },
    };
  });
}

function chartCard(title, hint, chart, attrs) {
  const card = el('div', { class: 'chart', ...(attrs || {}) });
  const h = el('h3', {}, title);
  if (hint) h.append(el('span', { class: 'muted' }, '  ' + hint));
  card.append(h, chart);
  return card;
}

async function renderModelView(ctx) {
  const deployment = ctx.params.get('deployment');
  const work = deployment ? renderDeployment(ctx, deployment) : renderDeployments(ctx);
  // The quality panel has its own requests: a slow drift query never holds the charts back.
  const quality = refreshQuality(ctx, deployment).catch((e) => console.warn('quality panel:', e));
  await Promise.all([work, quality]);
}

async function rolloutsIn(range) {
  const res = await getJson(`api/v1/deployments?start=${range.startIso}&end=${range.endIso}&limit=1000`);
  return res.data;
}

/** Every deployment's latency by version; the deployment's name leads to its page. */
async function renderDeployments(ctx) {
  const { range, health } = ctx;
  const [latency, rollouts] = await Promise.all([
    getJson(rangeUrl('loupe_model_latency_seconds', range)), rolloutsIn(range)]);
  const root = document.getElementById('model');
  const result = latency.data.result;
  const head = el('h2', {}, 'Latency by deployment and version ');
  head.append(el('span', { class: 'muted' }, 'P50 thin · P95 thick · P99 dashed · pick a deployment for all its signals'));
  if (!result.length) {
    const modelStatus = (health.dimensions.model || {}).status;
    // The model tile judges the open minute too; the chart draws closed, rolled-up minutes only,
    // so the two can differ for a minute: say so rather than "no data" under a tile that has some.
    const text = !modelStatus || modelStatus === 'no_data'
      ? 'No inference data yet: send events to /api/v1/inferences (latency appears once a minute has closed).'
      : 'Inferences are arriving, but no minute with latency has closed yet: the chart draws closed minutes '
        + '(the first point appears about a minute after the first event with latency_ms).';
    root.replaceChildren(head, el('div', { class: 'empty', 'data-model-status': modelStatus || 'no_data' }, text));
    return;
  }
  const reasons = ((health.dimensions.model || {}).reasons || []).join('\n');
  const cards = [];
  for (const [name, series] of byDeployment(result)) {
    const colour = versionColours(rollouts, name, series.map((s) => s.metric.model_version));
    const flagged = reasons.includes(name);
    const card = el('div', { class: 'chart', 'data-deployment': name, 'data-flagged': String(flagged) });
    const h = el('h3');
    h.append(el('a', { class: 'deployment-link', href: href('model', { deployment: name }), title: 'all signals of ' + name }, name),
      el('span', { class: 'muted' }, `  ${series[0].metric.service || ''} · ${series[0].metric.model || ''}`));
    if (flagged) h.append(el('span', { class: 'badge flag', 'data-status': (health.dimensions.model || {}).status }, 'named by the model tile'));
    const versions = [...new Set(series.map((s) => s.metric.model_version))];
    card.append(h, legendOf(versions.map((v) => ({ label: 'version ' + v, colour: colour(v) }))));
    card.append(timeChart({ series: modelSeries(series, colour), start: range.startS, end: range.endS, step: range.step,
      unit: 's', markers: rolloutMarkers(rollouts, name, colour), title: 'latency of ' + name, group: 'model',
      pinned: range.at, onPin: pinMoment }));
    cards.push(card);
  }
  // The deployments the model tile names come first.
  cards.sort((a, b) => Number(b.dataset.flagged === 'true') - Number(a.dataset.flagged === 'true'));
  const grid = el('div', { id: 'charts', class: 'charts' });
  grid.append(...cards);
  root.replaceChildren(head, grid);
}

/** One deployment: every signal by version, its rollouts, its slowest recent inferences. */
async function renderDeployment(ctx, deployment) {
  const { range } = ctx;
  const sel = (name, extra = '') => `${name}{deployment=${JSON.stringify(deployment)}${extra}}`;
  const q = (query) => getJson(rangeUrl(query, range)).then((r) => r.data.result);
  const rawStart = Math.max(range.from, range.to - RAW_WINDOW_MS);
  const [latency, ttft, tokens, throughput, errors, throttled, rollouts, raw, ...queues] = await Promise.all([
    q(sel('loupe_model_latency_seconds')), q(sel('loupe_model_ttft_seconds')),
    q(sel('loupe_model_output_tokens_per_second')), q(sel('loupe_model_requests_per_second')),
    q(sel('loupe_model_error_ratio')), q(sel('loupe_model_throttled_ratio')), rolloutsIn(range),
    getJson(`api/v1/inferences?start=${new Date(rawStart).toISOString()}&end=${range.endIso}&limit=${RAW_LIMIT}`).then((r) => r.data).catch(() => []),
    ...QUEUE_METRICS.map((m) => q(m).catch(() => [])),
  ]);
  const root = document.getElementById('model');
  const seen = new Set([...latency, ...throughput].map((s) => s.metric.model_version));
  const colour = versionColours(rollouts, deployment, seen);
  const mine = rollouts.filter((r) => r.deployment === deployment);
  const markers = rolloutMarkers(rollouts, deployment, colour);
  const first = (latency[0] || throughput[0] || { metric: {} }).metric;

  const head = el('div', { class: 'view-head' });
  const back = el('a', { href: href('model'), class: 'back' }, '← all deployments');
  const title = el('h2', { 'data-deployment': deployment }, deployment);
  title.append(el('span', { class: 'muted' }, `  ${first.service || ''} · ${first.model || ''}`));
  head.append(back, title, legendOf([...seen].map((v) => ({ label: 'version ' + v, colour: colour(v) }))));

  // The rollouts in range, each a link to the two versions side by side.
  const changes = el('ul', { class: 'rollouts', id: 'rollouts' });
  for (const r of mine.slice().reverse()) {
    const li = el('li', { 'data-from': r.from_version || '', 'data-to': r.to_version });
    li.append(timeEl(Date.parse(r.timestamp)), document.createTextNode(` ${r.from_version || '(first)'} → `));
    const v = el('strong', {}, r.to_version);
    v.style.color = colour(r.to_version);
    li.append(v);
    if (r.from_version) {
      li.append(document.createTextNode(' · '), el('a', { class: 'compare-link',
        href: href('compare', { deployment, a: r.from_version, b: r.to_version }) }, 'compare the two versions ▸'));
    }
    changes.append(li);
  }
  const rolloutBox = el('div', { class: 'rollout-box' });
  rolloutBox.append(el('h3', {}, 'Version changes in range'),
    mine.length ? changes : el('div', { class: 'muted' }, 'no rollout of this deployment in the range'));

  const opts = (title, unit, extra = {}) => ({ start: range.startS, end: range.endS, step: range.step, unit, markers,
    title, group: 'model', pinned: range.at, onPin: pinMoment, ...extra });
  const cards = [
    chartCard('Latency', 'P50 thin · P95 thick · P99 dashed', timeChart({ ...opts('latency', 's'), series: modelSeries(latency, colour) }),
      { 'data-signal': 'latency' }),
    chartCard('Time to first token', 'P50 · P95 · P99', timeChart({ ...opts('time to first token', 's'), series: modelSeries(ttft, colour),
      empty: 'no time to first token reported (ttft_ms, or a streamed span\'s first-chunk event)' }), { 'data-signal': 'ttft' }),
    chartCard('Output tokens/s', '', timeChart({ ...opts('output tokens per second', 'per_s'), series: modelSeries(tokens, colour) }),
      { 'data-signal': 'tokens' }),
    chartCard('Throughput', 'requests/s', timeChart({ ...opts('requests per second', 'per_s'), series: modelSeries(throughput, colour) }),
      { 'data-signal': 'throughput' }),
    chartCard('Error rate', '', timeChart({ ...opts('error rate', 'ratio'), series: modelSeries(errors, colour) }),
      { 'data-signal': 'errors' }),
    chartCard('429 rate', 'throttled', timeChart({ ...opts('429 rate', 'ratio'), series: modelSeries(throttled, colour) }),
      { 'data-signal': 'throttled' }),
  ];
  const queueIndex = queues.findIndex((r) => r.length);
  const queue = queueIndex < 0 ? [] : queues[queueIndex];
  cards.push(chartCard('Queue depth', queueIndex < 0 ? '' : QUEUE_METRICS[queueIndex], timeChart({ ...opts('queue depth', 'count'),
    series: queue.map((s, i) => ({ label: Object.values(s.metric).filter((v) => v !== s.metric.__name__).join(' ') || 'queue',
      colour: PALETTE[i % PALETTE.length], points: pointsOf(s.values) })),
    empty: 'no queue metric scraped: add the model server (vLLM: vllm:num_requests_waiting, TGI: tgi_queue_size) to scrape_configs' }),
  { 'data-signal': 'queue' }));

  const mineRaw = raw.filter((i) => i.deployment === deployment);
  cards.push(cacheCard(mineRaw, colour));
  const grid = el('div', { class: 'charts' });
  grid.append(...cards);
  root.replaceChildren(head, rolloutBox, grid, slowestTable(mineRaw, colour, rawStart));
}

function cacheCard(inferences, colour) {
  const card = el('div', { class: 'chart', 'data-signal': 'cache' });
  card.append(el('h3', {}, 'Cache hit rate'), el('div', { class: 'muted' }, 'the last two minutes of the range, from the inferences themselves'));
  const byVersion = new Map();
  for (const i of inferences) {
    if (i.cache_hit == null) continue;
    const v = byVersion.get(i.model_version) || { hits: 0, n: 0 };
    v.n++;
    if (i.cache_hit) v.hits++;
    byVersion.set(i.model_version, v);
  }
  if (!byVersion.size) {
    card.append(el('div', { class: 'muted', 'data-cache': 'none' }, 'no inference in that window says whether it hit a cache (cache_hit)'));
    return card;
  }
  const ul = el('ul', { class: 'figures' });
  for (const [v, c] of byVersion) {
    const li = el('li', { 'data-version': v });
    const sw = el('i');
    sw.style.background = colour(v);
    li.append(sw, el('span', {}, 'version ' + v + ': '), el('strong', {}, fmtValue(c.hits / c.n, 'ratio')),
      el('span', { class: 'muted' }, ` of ${c.n} requests`));
    ul.append(li);
  }
  card.append(ul);
  return card;
}

/** The slowest inferences of the last minutes, each linked to its trace when it has one. */
function slowestTable(inferences, colour, since) {
  const box = el('div', { class: 'table-box', id: 'slowest' });
  box.append(el('h3', {}, 'Slowest inferences '), el('span', { class: 'muted' }, 'since '));
  box.lastChild.append(timeEl(since));
  const rows = inferences.filter((i) => i.latency_ms != null).sort((a, b) => b.latency_ms - a.latency_ms).slice(0, SLOWEST_SHOWN);
  if (!rows.length) {
    box.append(el('div', { class: 'muted' }, 'no inference in that window'));
    return box;
  }
  const t = el('table', { class: 'grid-table' });
  const head = el('tr');
  for (const c of ['time', 'version', 'latency', 'TTFT', 'tokens in/out', 'status', 'request', 'trace']) head.append(el('th', {}, c));
  t.append(head);
  for (const i of rows) {
    const tr = el('tr', { 'data-request': i.request_id || '' });
    const v = el('td', { title: i.model_version }, i.model_version);
    v.style.color = colour(i.model_version);
    const time = el('td');
    time.append(timeEl(Date.parse(i.timestamp)));
    const trace = el('td');
    if (i.trace_id) trace.append(el('a', { class: 'trace-link', href: href('trace/' + i.trace_id) }, 'trace ▸'));
    else trace.textContent = '—';
    tr.append(time, v, el('td', { class: 'num' }, fmtValue(i.latency_ms, 'ms')), el('td', { class: 'num' }, fmtValue(i.ttft_ms, 'ms')),
      el('td', { class: 'num' }, `${i.input_tokens ?? '—'} / ${i.output_tokens ?? '—'}`), el('td', {}, i.status),
      el('td', { class: 'wrap', title: i.request_id || '' }, i.request_id || '—'), trace);
    t.append(tr);
  }
  box.append(t);
  return box;
}
