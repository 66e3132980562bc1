// Traces: the list (#/traces, with the API's filters and the range; sort=slowest puts the slowest
// first) with a duration-over-time scatter, and one trace (#/trace/ID) as a waterfall — every
// span's bar, duration, self time and share of the trace — with the model calls' model, version,
// tokens, cost and scores.
'use strict';

const TRACE_FILTERS = ['service', 'deployment', 'model', 'model_version', 'min_duration', 'status'];
const TRACES_SHOWN = 50;
// The slowest of this many recent traces, when sorted by duration (the API lists newest first).
const TRACES_SCANNED_FOR_SLOWEST = 1000;

/** Milliseconds of an RFC 3339 time that may carry nanoseconds. */
function isoMs(s) {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(s || '');
  if (!m) return Date.parse(s);
  const frac = (m[2] || '').padEnd(9, '0');
  return Date.parse(m[1] + 'Z') + Number(frac.slice(0, 3)) + Number('0.' + frac.slice(3));
}

function traceQuery(params, range, limit) {
  const q = new URLSearchParams();
  for (const k of TRACE_FILTERS) if (params.get(k)) q.set(k, params.get(k));
  q.set('start', range.startIso);
  q.set('end', range.endIso);
  q.set('limit', String(limit));
  return 'api/v1/traces?' + q.toString();
}

async function renderTracesView(ctx) {
  if (ctx.route.view === 'trace') return renderTraceView(ctx);
  const { params, range } = ctx;
  const slowest = params.get('sort') === 'slowest';
  const shown = Math.min(1000, Number(params.get('limit')) || TRACES_SHOWN);
  const answer = await getJson(traceQuery(params, range, slowest ? TRACES_SCANNED_FOR_SLOWEST : shown));
  let traces = answer.data;
  if (slowest) traces = traces.slice().sort((a, b) => b.duration_ms - a.duration_ms).slice(0, shown);
  const root = document.getElementById('traces');
  const head = el('h2', {}, 'Traces ');
  head.append(el('span', { class: 'muted' }, `${traces.length} shown · ${slowest ? 'slowest first' : 'newest first'}`));
  root.replaceChildren(head, traceFilterForm(params), traceScatter(answer.data, range), traceTable(traces));
}

function traceFilterForm(params) {
  const form = el('form', { class: 'filters', id: 'trace-filters' });
  const inputs = {};
  const placeholder = { min_duration: 'e.g. 2s', status: 'ok or error' };
  for (const k of TRACE_FILTERS) {
    const lab = el('label', {}, k.replace('_', ' ') + ' ');
    const input = el('input', { name: k, value: params.get(k) || '', placeholder: placeholder[k] || 'any', size: 14 });
    inputs[k] = input;
    lab.append(input);
    form.append(lab);
  }
  const sort = el('select', { name: 'sort' });
  sort.append(el('option', { value: '' }, 'newest first'), el('option', { value: 'slowest' }, 'slowest first'));
  sort.value = params.get('sort') || '';
  const sortLabel = el('label', {}, 'order ');
  sortLabel.append(sort);
  form.append(sortLabel, el('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const changes = { sort: sort.value || null };
    for (const k of TRACE_FILTERS) changes[k] = inputs[k].value.trim() || null;
    setParams(changes);
  });
  return form;
}

// Duration against start time, one dot per trace, as Jaeger draws it: a slow cluster shows at once.
function traceScatter(traces, range) {
  const box = el('div', { class: 'chart', id: 'trace-scatter' });
  if (!traces.length) {
    box.append(el('div', { class: 'empty', 'data-traces': 'none' },
      'No trace in this range with these filters: send OTLP spans to /v1/traces (port 4318) or gRPC (4317).'));
    return box;
  }
  const W = 900;
  const H = 150;
  const max = Math.max(...traces.map((t) => t.duration_ms));
  const ticks = valueTicks(0, max);
  const labels = ticks.map((v) => fmtValue(v, 'ms'));
  const L = Math.ceil(Math.max(...labels.map((s) => s.length)) * CHAR_PX) + 12;
  const T = 8;
  const B = 22;
  const top = ticks[ticks.length - 1];
  const x = (ms) => L + ((ms / 1000 - range.startS) / (range.endS - range.startS || 1)) * (W - L - 10);
  const y = (v) => H - B - (v / (top || 1)) * (H - T - B);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${traces.length} traces by duration` });
  ticks.forEach((v, i) => {
    svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - 10, y1: y(v), y2: y(v) }));
    svg.append(svgEl('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, labels[i]));
  });
  const tt = timeTicks(range.startS, range.endS);
  tt.ticks.forEach((t, i) => svg.append(svgEl('text', { class: 'tick', x: x(t * 1000), y: H - 6, 'text-anchor': 'middle' },
    tickLabel(t, tt.step, i === 0))));
  for (const t of traces) {
    const ms = isoMs(t.start);
    const a = svgEl('a', { href: href('trace/' + t.trace_id) });
    const dot = svgEl('circle', { class: 'trace-dot', cx: x(ms).toFixed(1), cy: y(t.duration_ms).toFixed(1), r: 3.5,
      fill: t.status === 'error' ? 'var(--critical)' : '#3b5bdb' });
    dot.append(svgEl('title', {}, `${t.root} · ${fmtValue(t.duration_ms, 'ms')} · ${fmtLocal(ms)} (${fmtUtc(ms)})`
      + (t.model_versions.length ? ' · ' + t.model_versions.join(', ') : '')));
    a.append(dot);
    svg.append(a);
  }
  box.append(svg);
  return box;
}

function traceTable(traces) {
  const box = el('div', { class: 'table-box' });
  if (!traces.length) return box;
  const t = el('table', { class: 'grid-table', id: 'trace-table' });
  const head = el('tr');
  for (const c of ['start', 'root span', 'duration', 'spans', 'services', 'deployment', 'model · version', 'status']) head.append(el('th', {}, c));
  t.append(head);
  const max = Math.max(...traces.map((x) => x.duration_ms));
  for (const tr of traces) {
    const row = el('tr', { 'data-trace': tr.trace_id, 'data-status': tr.status });
    const start = el('td');
    start.append(timeEl(isoMs(tr.start)));
    const rootCell = el('td', { class: 'wrap' });
    rootCell.append(el('a', { class: 'trace-link', href: href('trace/' + tr.trace_id), title: 'trace ' + tr.trace_id }, tr.root));
    const dur = el('td', { class: 'num duration' });
    const bar = el('i', { class: 'bar' });
    bar.style.width = Math.max(2, (100 * tr.duration_ms) / (max || 1)).toFixed(1) + '%';
    dur.append(bar, el('span', {}, fmtValue(tr.duration_ms, 'ms')));
    const models = tr.models.map((m) => m).join(', ') + (tr.model_versions.length ? ' · ' + tr.model_versions.join(', ') : '');
    row.append(start, rootCell, dur, el('td', { class: 'num' }, String(tr.span_count)),
      el('td', { class: 'wrap' }, tr.services.join(', ') || '—'), el('td', { class: 'wrap' }, (tr.deployments || []).join(', ') || '—'),
      el('td', { class: 'wrap' }, models || '—'), el('td', { 'data-status': tr.status === 'error' ? 'critical' : 'ok' }, tr.status));
    t.append(row);
  }
  box.append(t);
  return box;
}

// ---- one trace ----

function flatten(nodes, depth, out) {
  for (const n of nodes.slice().sort((a, b) => isoMs(a.start) - isoMs(b.start))) {
    out.push({ node: n, depth });
    flatten(n.children || [], depth + 1, out);
  }
  return out;
}

async function renderTraceView(ctx) {
  const id = ctx.route.id;
  const root = document.getElementById('traces');
  let trace;
  try {
    trace = (await getJson('api/v1/traces/' + encodeURIComponent(id))).data;
  } catch (e) {
    if (e instanceof NeedsToken) throw e;
    root.replaceChildren(el('a', { href: href('traces'), class: 'back' }, '← traces'),
      el('div', { class: 'empty', 'data-trace': 'missing' }, e.message));
    return;
  }
  const rows = flatten(trace.roots, 0, []);
  const t0 = isoMs(trace.start);
  const total = trace.duration_ms || 1;
  const bySpan = new Map(trace.inferences.map((i) => [i.span_id, i]));
  const head = el('div', { class: 'view-head' });
  head.append(el('a', { href: href('traces'), class: 'back' }, '← traces'));
  const h = el('h2', { 'data-trace': trace.trace_id }, trace.root + ' ');
  h.append(el('span', { class: 'muted' }, `${fmtValue(trace.duration_ms, 'ms')} · ${trace.span_count} spans · ${trace.status}`));
  const meta = el('div', { class: 'muted trace-meta' });
  meta.append(document.createTextNode('started '), timeEl(t0), document.createTextNode(' · trace '),
    el('code', { class: 'wrap' }, trace.trace_id), document.createTextNode(' · ' + trace.services.join(', ')));
  head.append(h, meta);

  const fall = el('div', { class: 'waterfall', id: 'waterfall', role: 'table', 'aria-label': 'spans of the trace' });
  const hdr = el('div', { class: 'wf-row wf-head', role: 'row' });
  for (const c of ['span', 'timeline', 'duration', 'self', 'share']) hdr.append(el('div', { role: 'columnheader' }, c));
  fall.append(hdr);
  for (const { node: n, depth } of rows) {
    const inference = bySpan.get(n.span_id) || llmOf(n);
    const row = el('details', { class: 'wf-span', 'data-span': n.span_id, 'data-name': n.name, 'data-status': n.status || 'unset',
      'data-llm': String(!!inference) });
    const sum = el('summary', { class: 'wf-row', role: 'row' });
    const name = el('div', { class: 'wf-name', title: `${n.name} (${n.service || 'no service'})` });
    name.style.paddingLeft = (depth * 14) + 'px';
    name.append(el('span', {}, n.name));
    if (inference) name.append(el('span', { class: 'llm-badge' }, 'LLM'));
    name.append(el('span', { class: 'muted' }, ' ' + (n.service || '')));
    const lane = el('div', { class: 'wf-lane' });
    const bar = el('i', { class: 'wf-bar' + (inference ? ' llm' : '') + (n.status === 'error' ? ' error' : '') });
    const offset = Math.max(0, isoMs(n.start) - t0);
    bar.style.left = Math.min(100, (100 * offset) / total).toFixed(2) + '%';
    bar.style.width = Math.max(0.3, (100 * n.duration_ms) / total).toFixed(2) + '%';
    bar.title = `starts at +${fmtValue(offset, 'ms')}, lasts ${fmtValue(n.duration_ms, 'ms')}`;
    lane.append(bar);
    sum.append(name, lane, el('div', { class: 'num' }, fmtValue(n.duration_ms, 'ms')),
      el('div', { class: 'num wf-self' }, fmtValue(n.self_ms, 'ms')),
      el('div', { class: 'num wf-share' }, fmtValue(n.share, 'ratio')));
    row.append(sum);
    if (inference) row.append(llmSummary(inference, trace.scores));
    row.append(attributeTable(n.attributes, n.resource));
    fall.append(row);
  }
  const calls = el('div', { class: 'table-box', id: 'trace-llm' });
  calls.append(el('h3', {}, 'Model calls of this trace'));
  if (trace.inferences.length) {
    for (const i of trace.inferences) calls.append(llmSummary(i, trace.scores));
  } else {
    calls.append(el('div', { class: 'muted' }, 'no inference is stored with this trace id'));
  }
  root.replaceChildren(head, fall, calls);
}

// A span that is a model call but whose inference is not stored (yet): what its attributes say.
function llmOf(n) {
  const a = n.attributes || {};
  const model = a['gen_ai.response.model'] || a['gen_ai.request.model'] || a['llm.model_name'];
  if (!model) return null;
  return { model, model_version: a['gen_ai.model.version'] || null, input_tokens: a['gen_ai.usage.input_tokens'],
    output_tokens: a['gen_ai.usage.output_tokens'], cost: a['gen_ai.usage.cost'] };
}

function llmSummary(i, scores) {
  const box = el('div', { class: 'llm-call', 'data-model': i.model || '', 'data-version': i.model_version || '' });
  const facts = [
    ['model', i.model], ['version', i.model_version], ['deployment', i.deployment],
    ['tokens in', i.input_tokens], ['tokens out', i.output_tokens],
    ['cost', i.cost == null ? (i.model ? 'unpriced' : null) : '$' + Number(i.cost).toPrecision(3)],
    ['latency', i.latency_ms == null ? null : fmtValue(i.latency_ms, 'ms')],
    ['TTFT', i.ttft_ms == null ? null : fmtValue(i.ttft_ms, 'ms')], ['status', i.status], ['request', i.request_id],
  ];
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of facts) {
    if (v == null || v === '') continue;
    dl.append(el('dt', {}, k));
    const dd = el('dd', { 'data-fact': k.replace(' ', '_'), title: String(v) });
    if (k === 'deployment') dd.append(el('a', { href: href('model', { deployment: v }) }, v));
    else dd.textContent = String(v);
    dl.append(dd);
  }
  box.append(dl);
  const mine = (scores || []).filter((s) => (i.request_id && s.request_id === i.request_id) || (!s.request_id && s.trace_id));
  if (mine.length) {
    const ul = el('ul', { class: 'scores' });
    for (const s of mine) {
      ul.append(el('li', { 'data-score': s.name, title: s.comment || '' },
        `${s.name} ${round3(s.value)} (${s.source})`));
    }
    box.append(ul);
  } else {
    box.append(el('div', { class: 'muted' }, 'no score yet'));
  }
  return box;
}

function attributeTable(attributes, resource) {
  const t = el('table', { class: 'attributes' });
  const add = (kind, obj) => {
    for (const k of Object.keys(obj || {}).sort()) {
      const v = obj[k];
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      const tr = el('tr');
      tr.append(el('td', { class: 'muted' }, kind), el('td', { class: 'wrap' }, k),
        el('td', { class: 'wrap attr-value', title: text.length > 200 ? text.slice(0, 2000) : text }, text.length > 600 ? text.slice(0, 600) + '…' : text));
      t.append(tr);
    }
  };
  add('span', attributes);
  add('resource', resource);
  return t;
}
