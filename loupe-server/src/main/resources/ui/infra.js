// The compute and network pages. Compute: a grid of every GPU (its state from /api/v1/gpus:
// workload class, framebuffer, ECC and XID) and heat maps of utilization, temperature and
// framebuffer per node and GPU over the range (query_range of the DCGM series), with the ECC and
// XID events of the range. Network: every InfiniBand port and probed pair, their throughput,
// link state and errors over the range, and the probes' round trips.
'use strict';

const HEAT_COLUMNS = 120;

function first(labels, ...names) {
  for (const n of names) if (labels[n]) return labels[n];
  return null;
}

function gpuRowKey(m) {
  return `${first(m, 'Hostname', 'hostname', 'node', 'instance') || '?'} GPU ${m.gpu ?? '?'}`;
}

// The heat map's step: about HEAT_COLUMNS cells, never finer than a scrape (15 s).
function heatStep(range) {
  const raw = (range.endS - range.startS) / HEAT_COLUMNS;
  return [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].find((s) => s >= raw) || 21600;
}

function byKey(result, key) {
  const out = new Map();
  for (const s of result) {
    const k = key(s.metric);
    if (!out.has(k)) out.set(k, { metric: s.metric, points: [] });
    out.get(k).points.push(...pointsOf(s.values));
  }
  for (const v of out.values()) v.points.sort((a, b) => a[0] - b[0]);
  return out;
}

const naturally = (a, b) => a.localeCompare(b, undefined, { numeric: true });

function labelTitle(m) {
  return Object.entries(m).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${v}`).join(', ');
}

async function renderComputeView(ctx) {
  const { range } = ctx;
  const step = heatStep(range);
  const q = (name) => getJson(rangeUrl(name, range, step)).then((r) => r.data.result).catch(() => []);
  const [gpus, util, temp, fbUsed, fbFree, xid, ecc] = await Promise.all([
    getJson('api/v1/gpus'), q('DCGM_FI_DEV_GPU_UTIL'), q('DCGM_FI_DEV_GPU_TEMP'), q('DCGM_FI_DEV_FB_USED'),
    q('DCGM_FI_DEV_FB_FREE'), q('DCGM_FI_DEV_XID_ERRORS'), q('DCGM_FI_DEV_ECC_DBE_VOL_TOTAL')]);
  const root = document.getElementById('compute');
  const parts = [el('h2', {}, 'GPUs ')];
  parts[0].append(el('span', { class: 'muted' }, `${gpus.data.length} GPUs · their state now, their signals over the range`));
  if (!gpus.data.length && !util.length) {
    root.replaceChildren(...parts, el('div', { class: 'empty', 'data-compute': 'none' },
      'No GPU telemetry: scrape dcgm-exporter (scrape_configs) or remote-write it to /api/v1/write.'));
    return;
  }
  parts.push(gpuGrid(gpus.data));
  const u = byKey(util, gpuRowKey);
  const t = byKey(temp, gpuRowKey);
  const used = byKey(fbUsed, gpuRowKey);
  const free = byKey(fbFree, gpuRowKey);
  const keys = [...new Set([...u.keys(), ...t.keys(), ...used.keys()])].sort(naturally);
  const rows = (m) => keys.filter((k) => m.has(k)).map((k) => ({ label: k, title: labelTitle(m.get(k).metric), points: m.get(k).points }));
  const fbRows = keys.filter((k) => used.has(k) && free.has(k)).map((k) => {
    const f = new Map(free.get(k).points);
    return { label: k, title: labelTitle(used.get(k).metric),
      points: used.get(k).points.filter(([ts]) => f.has(ts)).map(([ts, v]) => [ts, (100 * v) / (v + f.get(ts) || 1)]) };
  });
  const heat = (title, metric, list, lo, hi, unit) => {
    const box = el('div', { class: 'chart', 'data-heatmap': metric });
    box.append(el('h3', {}, title));
    box.append(list.length ? heatMap({ rows: list, start: range.startS, end: range.endS, step, lo, hi, unit, title, metric })
      : el('div', { class: 'muted' }, 'no ' + metric + ' in this range'));
    return box;
  };
  parts.push(heat('Utilization', 'DCGM_FI_DEV_GPU_UTIL', rows(u), 0, 100, 'percent'),
    heat('Temperature', 'DCGM_FI_DEV_GPU_TEMP', rows(t), 30, 90, 'celsius'),
    heat('Framebuffer used', 'DCGM_FI_DEV_FB_USED', fbRows, 0, 100, 'percent'));
  parts.push(gpuEvents(byKey(xid, gpuRowKey), byKey(ecc, gpuRowKey)));
  root.replaceChildren(...parts);
}

function gpuGrid(gpus) {
  const box = el('div', { class: 'table-box' });
  const t = el('table', { class: 'grid-table', id: 'gpu-grid' });
  const head = el('tr');
  for (const c of ['GPU', 'model', 'workload', 'pod', 'status', 'util', 'temp', 'framebuffer', 'power', 'ECC DBE', 'last XID', 'reasons']) {
    head.append(el('th', {}, c));
  }
  t.append(head);
  const sorted = gpus.slice().sort((a, b) => (RANK[a.status] ?? 3) - (RANK[b.status] ?? 3)
    || naturally(`${a.host} ${a.gpu}`, `${b.host} ${b.gpu}`));
  for (const g of sorted) {
    const s = g.signals;
    const tr = el('tr', { 'data-gpu': `${g.host} GPU ${g.gpu}`, 'data-status': g.status, 'data-workload': g.workload });
    const pod = g.pod ? `${g.namespace}/${g.pod}` : '—';
    const status = el('td', { 'data-status': g.status });
    status.append(el('span', { class: 'badge' }, label(g.status)));
    tr.append(el('td', { class: 'wrap', title: `${g.host} GPU ${g.gpu} (${g.uuid || 'no UUID'})` }, `${g.host} GPU ${g.gpu}`),
      el('td', { class: 'wrap', title: g.model_name || '' }, g.model_name || '—'), el('td', {}, g.workload),
      el('td', { class: 'wrap', title: pod }, pod), status,
      el('td', { class: 'num' }, fmtValue(s.utilization_percent, 'percent')),
      el('td', { class: 'num' }, fmtValue(s.temperature_celsius, 'celsius')),
      el('td', { class: 'num' }, fmtValue(s.framebuffer_used_percent, 'percent')),
      el('td', { class: 'num' }, s.power_watts == null ? '—' : Math.round(s.power_watts) + ' W'),
      el('td', { class: 'num' }, s.ecc_double_bit_total == null ? '—' : String(s.ecc_double_bit_total)),
      el('td', { class: 'num' }, s.last_xid ? String(s.last_xid) : '—'),
      el('td', { class: 'wrap' }, g.reasons.concat(g.notes || []).join('; ') || '—'));
    t.append(tr);
  }
  box.append(t);
  return box;
}

/** ECC double-bit errors that rose and XID codes that appeared in the range, newest first. */
function gpuEvents(xid, ecc) {
  const events = [];
  for (const [k, s] of ecc) {
    for (let i = 1; i < s.points.length; i++) {
      const d = s.points[i][1] - s.points[i - 1][1];
      if (d > 0) events.push({ t: s.points[i][0], gpu: k, what: `ECC double-bit errors +${d}` });
    }
  }
  for (const [k, s] of xid) {
    let last = 0;
    for (const [t, v] of s.points) {
      if (v && v !== last) events.push({ t, gpu: k, what: `XID ${v}` });
      last = v;
    }
  }
  events.sort((a, b) => b.t - a.t);
  const box = el('div', { class: 'table-box', id: 'gpu-events' });
  box.append(el('h3', {}, 'ECC and XID events in range'));
  if (!events.length) {
    box.append(el('div', { class: 'muted', 'data-events': '0' }, 'none: no ECC double-bit error and no XID in this range'));
    return box;
  }
  const ul = el('ul', { class: 'events' });
  for (const e of events.slice(0, 50)) {
    const li = el('li', { 'data-gpu': e.gpu });
    li.append(timeEl(e.t * 1000), document.createTextNode(` ${e.gpu}: ${e.what}`));
    ul.append(li);
  }
  box.append(ul);
  return box;
}

function portKey(m) {
  return `${first(m, 'node', 'nodename', 'hostname', 'Hostname', 'host', 'instance') || '?'} ${m.device || '?'} port ${m.port || '?'}`;
}

function probeKey(m) {
  const target = first(m, 'target', 'destination') || m.instance || '?';
  const source = first(m, 'source', 'source_node', 'prober') || (first(m, 'target', 'destination') ? m.instance : null);
  return `${source || '?'} → ${target}`;
}

async function renderNetworkView(ctx) {
  const { range } = ctx;
  const q = (name) => getJson(rangeUrl(name, range)).then((r) => r.data.result).catch(() => []);
  const [net, rx, tx, state, symbol, downed, probeDuration, probeSuccess] = await Promise.all([
    getJson('api/v1/network'), q('node_infiniband_port_data_received_bytes_total'),
    q('node_infiniband_port_data_transmitted_bytes_total'), q('node_infiniband_state_id'),
    q('node_infiniband_symbol_error_total'), q('node_infiniband_link_downed_total'), q('probe_duration_seconds'),
    q('probe_success')]);
  const root = document.getElementById('network');
  const { ports, probes } = net.data;
  const parts = [el('h2', {}, 'InfiniBand ports and probes ')];
  parts[0].append(el('span', { class: 'muted' }, `${ports.length} ports · ${probes.length} probed pairs`));
  if (!ports.length && !probes.length && !rx.length && !probeDuration.length) {
    root.replaceChildren(...parts, el('div', { class: 'empty', 'data-network': 'none' },
      'No network telemetry: scrape node_exporter with its infiniband collector, and blackbox_exporter (or Loupe\'s probes) between nodes.'));
    return;
  }
  parts.push(portTable(ports, probes));
  const opts = (title, unit, series, extra = {}) => timeChart({ series, start: range.startS, end: range.endS, step: range.step,
    unit, title, group: 'network', pinned: range.at, onPin: pinMoment, ...extra });
  const lines = (result, key, f) => [...byKey(result, key)].sort((a, b) => naturally(a[0], b[0]))
    .map(([k, s], i) => ({ label: k, colour: PALETTE[i % PALETTE.length], points: f ? f(s.points) : s.points }));
  const rate = (points) => rateOf(points.map(([t, v]) => [t, String(v)])).map(([t, v]) => [t, parseFloat(v) * 8]);
  const increase = (points) => points.slice(1).map(([t, v], i) => [t, Math.max(0, v - points[i][1])]);
  const grid = el('div', { class: 'charts' });
  grid.append(
    chartCard('Received', 'bits/s per port', opts('received', 'bits_per_s', lines(rx, portKey, rate)), { 'data-signal': 'rx' }),
    chartCard('Transmitted', 'bits/s per port', opts('transmitted', 'bits_per_s', lines(tx, portKey, rate)), { 'data-signal': 'tx' }),
    chartCard('Link state', '4 = active', opts('link state', 'count', lines(state, portKey)), { 'data-signal': 'state' }),
    chartCard('Errors', 'symbol errors and link downs per step', opts('errors', 'count',
      lines(symbol, (m) => portKey(m) + ' symbol', increase).concat(lines(downed, (m) => portKey(m) + ' link down', increase))),
    { 'data-signal': 'errors' }),
    chartCard('Probe round trip', 'per probed pair', opts('probe round trip', 's', lines(probeDuration, probeKey),
      { empty: 'no probes: blackbox_exporter\'s probe_duration_seconds between nodes' }), { 'data-signal': 'probe-duration' }),
    chartCard('Probe success', '1 = answered', opts('probe success', 'count', lines(probeSuccess, probeKey),
      { empty: 'no probes in this range' }), { 'data-signal': 'probe-success' }));
  parts.push(grid);
  root.replaceChildren(...parts);
}

function portTable(ports, probes) {
  const box = el('div', { class: 'table-box' });
  const t = el('table', { class: 'grid-table', id: 'port-table' });
  const head = el('tr');
  for (const c of ['port or pair', 'status', 'state', 'rate', 'received', 'transmitted', 'round trip', 'reasons']) head.append(el('th', {}, c));
  t.append(head);
  const gbps = (v) => (v == null ? '—' : fmtValue(v * 8, 'bits_per_s'));
  for (const p of ports) {
    const name = `${p.host} ${p.device} port ${p.port}`;
    const status = el('td', { 'data-status': p.status });
    status.append(el('span', { class: 'badge' }, label(p.status)));
    const tr = el('tr', { 'data-port': name, 'data-status': p.status });
    tr.append(el('td', { class: 'wrap', title: name }, name), status,
      el('td', {}, p.state_id === 4 ? 'active' : p.state_id == null ? '—' : 'state ' + p.state_id),
      el('td', { class: 'num' }, gbps(p.rate_bytes_per_second)), el('td', { class: 'num' }, gbps(p.receive_bytes_per_second)),
      el('td', { class: 'num' }, gbps(p.transmit_bytes_per_second)), el('td', {}, '—'),
      el('td', { class: 'wrap' }, p.reasons.concat(p.notes || []).join('; ') || '—'));
    t.append(tr);
  }
  for (const p of probes) {
    const name = `${p.source || '?'} → ${p.target}`;
    const status = el('td', { 'data-status': p.status });
    status.append(el('span', { class: 'badge' }, label(p.status)));
    const tr = el('tr', { 'data-probe': name, 'data-status': p.status });
    tr.append(el('td', { class: 'wrap', title: name }, name), status, el('td', {}, p.success === false ? 'failing' : 'answering'),
      el('td', {}, '—'), el('td', {}, '—'), el('td', {}, '—'), el('td', { class: 'num' }, fmtValue(p.duration_seconds, 's')),
      el('td', { class: 'wrap' }, p.reasons.join('; ') || '—'));
    t.append(tr);
  }
  box.append(t);
  return box;
}
