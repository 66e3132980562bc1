// Charts of Loupe's page, drawn as inline SVG: a time chart (lines, rollout markers, a threshold),
// a heat map (rows over time) and the one time and value format every view uses. Every chart
// answers a hover with the values under the pointer (local time, UTC beside it); charts of the
// same group follow one another's pointer, so a moment reads across infrastructure and AI at once;
// a click pins that moment in the URL (at=), so a link shows it too.
// Every text from the API goes in through textContent or setAttribute, never as HTML.
'use strict';
console.log('loupe: scripts start');

const SVG_NS = 'http://www.w3.org/2000/svg';
const PALETTE = ['#3b5bdb', '#e8590c', '#2b8a3e', '#ae3ec9', '#0c8599', '#c2255c', '#5c940d', '#1864ab'];
const CHAR_PX = 6.4; // width of one 11px tick character in the charts' units
// Charts by group, for a shared pointer: group name → set of { showAt(t), hide() }.
const chartGroups = new Map();

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== '' && v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- one time format everywhere: the viewer's local time, ISO-like; UTC on hover ----

const pad2 = (n) => String(n).padStart(2, '0');

/** Local time as 2026-11-28 14:03:09 (seconds dropped when {@code seconds} is false). */
function fmtLocal(ms, seconds = true) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
    + (seconds ? ':' + pad2(d.getSeconds()) : '');
}

function fmtUtc(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

/** A <time> element: local time shown, UTC on hover. */
function timeEl(ms, seconds = true) {
  const t = el('time', { datetime: new Date(ms).toISOString(), title: fmtUtc(ms) }, fmtLocal(ms, seconds));
  return t;
}

/** The viewer's time zone, as the header names it. */
function zoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  } catch (e) {
    return 'local time';
  }
}

// Tick spacing by the span shown: about six labels a chart.
const TICK_STEPS_S = [60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400];

function timeTicks(start, end, count = 6) {
  const span = end - start;
  const step = TICK_STEPS_S.find((s) => span / s <= count) || TICK_STEPS_S[TICK_STEPS_S.length - 1];
  // Steps of a day or more fall on local midnight; shorter ones on round local minutes.
  const offset = new Date(start * 1000).getTimezoneOffset() * 60;
  const ticks = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) ticks.push(t);
  return { ticks, step };
}

/** A tick's label: the time of day, with the date where the day changes or the step is a day or more. */
function tickLabel(t, step, first) {
  const d = new Date(t * 1000);
  const date = `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (step >= 86400) return date;
  if (first || (d.getHours() === 0 && d.getMinutes() === 0)) return step >= 3 * 3600 || (d.getHours() === 0 && d.getMinutes() === 0)
    ? date + ' ' + time : time;
  return time;
}

// ---- values as people read them, by unit ----

function round3(v) {
  return Number.isInteger(v) ? v : Number(v.toPrecision(3));
}

function si(v) {
  const a = Math.abs(v);
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) {
    if (a >= limit) return round3(v / limit) + suffix;
  }
  return String(round3(v));
}

// 105 Gb/s, 3.2 kB: a prefix written with its unit.
function siUnit(v, unit) {
  const m = /^(-?[\d.e+-]+)([kMGT]?)$/.exec(si(v));
  return m ? `${m[1]} ${m[2]}${unit}` : si(v) + ' ' + unit;
}

function fmtValue(v, unit) {
  if (v == null || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 's': return Math.abs(v) < 1 ? round3(v * 1000) + ' ms' : round3(v) + ' s';
    case 'ms': return Math.abs(v) < 1000 ? round3(v) + ' ms' : round3(v / 1000) + ' s';
    case 'ratio': return round3(v * 100) + ' %';
    case 'percent': return round3(v) + ' %';
    case 'celsius': return round3(v) + ' °C';
    case 'per_s': return si(v) + '/s';
    case 'bits_per_s': return siUnit(v, 'b/s');
    case 'bytes': return siUnit(v, 'B');
    case 'usd': return '$' + round3(v);
    default: return si(v);
  }
}

// Round ticks over the values: from 0 when that does not squash them.
function valueTicks(min, max) {
  let lo = min >= 0 && min <= max / 2 ? 0 : min - (max - min) * 0.25;
  let hi = max + (max - min) * 0.1;
  if (hi === lo) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  if (min >= 0 && lo < 0) lo = 0;
  const raw = (hi - lo) / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw);
  const ticks = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= hi) break;
  }
  return ticks;
}

// A gap of more than {@code gap} seconds breaks the line instead of drawing across missing points.
function pathOf(points, x, y, gap) {
  let d = '';
  let last = null;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) { last = null; continue; }
    d += (last === null || (gap > 0 && t - last > gap) ? 'M' : 'L') + x(t).toFixed(1) + ',' + y(v).toFixed(1);
    last = t;
  }
  return d;
}

/** Prometheus query_range values ([t, "v"]) as numbers. */
function pointsOf(values, scale = 1) {
  return values.map(([t, v]) => [Number(t), parseFloat(v) * scale]);
}

/** The point of {@code points} (sorted by time) nearest to {@code t}, within {@code within} seconds. */
function nearest(points, t, within) {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return null;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < t) lo = mid + 1; else hi = mid;
  }
  let best = points[lo];
  if (lo > 0 && Math.abs(points[lo - 1][0] - t) < Math.abs(best[0] - t)) best = points[lo - 1];
  return Math.abs(best[0] - t) <= within ? best : null;
}

/**
 * A time chart. {@code o}: series [{label, colour, width, dash, points: [[tSec, v]], attrs}],
 * start and end (s), step (s: the points' spacing, for gaps and hover), unit, markers
 * [{t, label, colour, attrs}], threshold, title (aria), height, compact (a sparkline: no axes),
 * group (charts that share a pointer), pinned (a moment to show from the start).
 */
function timeChart(o) {
  const W = o.width || 640;
  const H = o.height || (o.compact ? 56 : 200);
  const series = o.series.filter((s) => s.points.length);
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  if (Number.isFinite(o.threshold)) values.push(o.threshold);
  const wrap = el('div', { class: o.compact ? 'plot compact' : 'plot' });
  if (!values.length) {
    // Said in words that wrap, not drawn: an empty chart's reason can be long.
    wrap.append(el('div', { class: 'plot-empty', role: 'img', 'aria-label': (o.title || 'chart') + ': no points in the range' },
      o.empty || 'no points in this range'));
    return wrap;
  }
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: o.cls || 'time-chart',
    preserveAspectRatio: o.compact ? 'none' : undefined });
  wrap.append(svg);
  const ticks = valueTicks(Math.min(...values), Math.max(...values));
  const lo = ticks[0];
  const top = ticks[ticks.length - 1];
  const labels = ticks.map((v) => fmtValue(v, o.unit));
  // Room for the longest tick label: an axis never clips its numbers.
  const L = o.compact ? 2 : Math.ceil(Math.max(...labels.map((s) => s.length)) * CHAR_PX) + 12;
  const R = o.compact ? 2 : 14;
  const T = o.compact ? 3 : 14;
  const B = o.compact ? 3 : 24;
  const { start, end } = o;
  const x = (t) => L + ((t - start) / (end - start || 1)) * (W - L - R);
  const y = (v) => H - B - ((v - lo) / (top - lo || 1)) * (H - T - B);
  svg.setAttribute('aria-label', `${o.title || 'chart'}: ${series.length} series from ${labels[0]} to ${labels[labels.length - 1]}`);
  if (!o.compact) {
    ticks.forEach((v, i) => {
      svg.append(svgEl('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.append(svgEl('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, labels[i]));
    });
    const tt = timeTicks(start, end);
    tt.ticks.forEach((t, i) => {
      const label = tickLabel(t, tt.step, i === 0);
      const px = x(t);
      const half = label.length * CHAR_PX / 2;
      // Labels at the edges lean inwards instead of running off the chart.
      const anchor = px - half < 0 ? 'start' : px + half > W ? 'end' : 'middle';
      svg.append(svgEl('line', { class: 'xgrid', x1: px, x2: px, y1: H - B, y2: H - B + 4 }));
      svg.append(svgEl('text', { class: 'tick', x: anchor === 'start' ? Math.max(0, px - 2) : anchor === 'end' ? Math.min(W, px + 2) : px,
        y: H - 6, 'text-anchor': anchor }, label));
    });
  }
  if (Number.isFinite(o.threshold)) {
    svg.append(svgEl('line', { class: 'threshold', x1: L, x2: W - R, y1: y(o.threshold), y2: y(o.threshold) }));
  }
  const gap = o.step ? 2.5 * o.step : 0;
  for (const s of series) {
    const path = svgEl('path', { class: 'series', d: pathOf(s.points, x, y, gap), stroke: s.colour || PALETTE[0],
      'stroke-width': s.width || 1.8, 'stroke-dasharray': s.dash || '', ...(s.attrs || {}) });
    if (o.compact) path.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(path);
  }
  for (const m of o.markers || []) {
    if (m.t < start || m.t > end) continue;
    const g = svgEl('g', { class: 'deploy-marker', ...(m.attrs || {}) });
    if (m.colour) g.style.setProperty('--marker', m.colour);
    g.append(svgEl('line', { x1: x(m.t), x2: x(m.t), y1: T, y2: H - B, stroke: m.colour }));
    if (!o.compact) {
      const anchor = x(m.t) > W - 140 ? 'end' : 'start';
      g.append(svgEl('text', { x: x(m.t) + (anchor === 'end' ? -4 : 4), y: T + 10, 'text-anchor': anchor, fill: m.colour },
        m.label));
    }
    g.append(svgEl('title', {}, m.label + ' · ' + fmtLocal(m.t * 1000) + ' (' + fmtUtc(m.t * 1000) + ')'));
    svg.append(g);
  }
  // The hover: a line at the pointer's time and a box with each series' value there.
  const cross = svgEl('line', { class: 'crosshair', x1: 0, x2: 0, y1: T, y2: H - B, visibility: 'hidden' });
  const zone = svgEl('rect', { class: 'hover-zone', x: L, y: 0, width: Math.max(1, W - L - R), height: H });
  svg.append(cross, zone);
  const tip = el('div', { class: 'plot-tip', hidden: '' });
  wrap.append(tip);
  const within = Math.max(o.step || 60, (end - start) / 200);
  const showAt = (t) => {
    if (t < start || t > end) return hide();
    const rows = [];
    for (const s of series) {
      const p = nearest(s.points, t, within);
      if (p) rows.push([s, p]);
    }
    if (!rows.length) return hide();
    const at = rows[0][1][0];
    cross.setAttribute('x1', x(at));
    cross.setAttribute('x2', x(at));
    cross.setAttribute('visibility', 'visible');
    const head = el('div', { class: 'tip-time' });
    head.append(el('strong', {}, fmtLocal(at * 1000)), el('span', { class: 'muted' }, ' ' + fmtUtc(at * 1000)));
    const list = el('ul');
    for (const [s, p] of rows.slice(0, 12)) {
      const li = el('li', { 'data-series': s.label });
      const sw = el('i');
      sw.style.background = s.colour || PALETTE[0];
      li.append(sw, el('span', { class: 'tip-label' }, s.label), el('span', { class: 'tip-value' }, fmtValue(p[1], o.unit)));
      list.append(li);
    }
    tip.replaceChildren(head, list);
    tip.hidden = false;
    tip.dataset.at = String(at);
    // Beside the line, on whichever side has room.
    const frac = (x(at)) / W;
    tip.style.left = frac < 0.6 ? `calc(${(frac * 100).toFixed(2)}% + 10px)` : '';
    tip.style.right = frac < 0.6 ? '' : `calc(${((1 - frac) * 100).toFixed(2)}% + 10px)`;
  };
  const hide = () => {
    cross.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  };
  const member = { showAt, hide, svg };
  const group = o.group;
  const timeOf = (ev) => {
    const r = svg.getBoundingClientRect();
    const vx = ((ev.clientX - r.left) / r.width) * W;
    return start + ((vx - L) / (W - L - R)) * (end - start);
  };
  const each = (f) => {
    const members = group && chartGroups.get(group);
    for (const c of members || [member]) if (c.svg.isConnected || c === member) f(c);
  };
  zone.addEventListener('mousemove', (ev) => { const t = timeOf(ev); each((c) => c.showAt(t)); });
  zone.addEventListener('mouseleave', () => each((c) => (o.pinned ? c.showAt(o.pinned) : c.hide())));
  zone.addEventListener('click', (ev) => {
    if (!o.onPin) return;
    ev.preventDefault();
    o.onPin(Math.round(timeOf(ev)));
  });
  if (group) {
    if (!chartGroups.has(group)) chartGroups.set(group, new Set());
    const set = chartGroups.get(group);
    for (const c of [...set]) if (!c.svg.isConnected) set.delete(c);
    set.add(member);
  }
  if (Number.isFinite(o.pinned)) showAt(o.pinned);
  return wrap;
}

/** A legend of colour swatches; {@code items}: [{label, colour, dash}]. */
function legendOf(items) {
  const legend = el('div', { class: 'legend' });
  for (const it of items) {
    const item = el('span', { title: it.label }, it.label);
    const swatch = el('i', it.dash ? { class: 'dashed' } : {});
    swatch.style.background = it.colour;
    item.prepend(swatch);
    legend.append(item);
  }
  return legend;
}

/**
 * A heat map: one row per {@code rows[i]} ({label, title, points: [[tSec, v]]}), a cell per step
 * from start to end, coloured from {@code lo} (cool) to {@code hi} (hot); every cell says its
 * value on hover.
 */
function heatMap(o) {
  const labelWidth = Math.min(260, Math.ceil(Math.max(8, ...o.rows.map((r) => r.label.length)) * CHAR_PX) + 10);
  const cols = Math.max(1, Math.ceil((o.end - o.start) / o.step));
  const W = 900;
  const rowH = 16;
  const T = 4;
  const B = 22;
  const H = T + B + o.rows.length * rowH;
  const cellW = (W - labelWidth - 8) / cols;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'heatmap', 'data-metric': o.metric || '',
    'aria-label': `${o.title}: ${o.rows.length} rows over ${cols} steps` });
  o.rows.forEach((r, i) => {
    const y = T + i * rowH;
    const label = svgEl('text', { class: 'tick row-label', x: labelWidth - 6, y: y + rowH - 4, 'text-anchor': 'end' },
      r.label);
    label.append(svgEl('title', {}, r.title || r.label));
    svg.append(label);
    const byCol = new Map();
    for (const [t, v] of r.points) {
      if (!Number.isFinite(v)) continue;
      const c = Math.min(cols - 1, Math.max(0, Math.floor((t - o.start) / o.step)));
      byCol.set(c, Math.max(byCol.get(c) ?? -Infinity, v));
    }
    const g = svgEl('g', { class: 'heat-row', 'data-row': r.label });
    for (const [c, v] of byCol) {
      const t = o.start + c * o.step;
      const cell = svgEl('rect', { class: 'cell', x: (labelWidth + c * cellW).toFixed(1), y: y + 1,
        width: Math.max(0.5, cellW - 0.4).toFixed(2), height: rowH - 2, fill: heatColour((v - o.lo) / (o.hi - o.lo)) });
      cell.append(svgEl('title', {}, `${r.title || r.label} · ${fmtLocal(t * 1000, false)} (${fmtUtc(t * 1000)}): ${fmtValue(v, o.unit)}`));
      g.append(cell);
    }
    svg.append(g);
  });
  const tt = timeTicks(o.start, o.end, 8);
  const x = (t) => labelWidth + ((t - o.start) / (o.end - o.start)) * (W - labelWidth - 8);
  tt.ticks.forEach((t, i) => {
    const label = tickLabel(t, tt.step, i === 0);
    const anchor = x(t) + label.length * CHAR_PX / 2 > W ? 'end' : 'middle';
    svg.append(svgEl('text', { class: 'tick', x: x(t), y: H - 6, 'text-anchor': anchor }, label));
  });
  const wrap = el('div', { class: 'plot heat' });
  const scale = el('div', { class: 'heat-scale muted' });
  const bar = el('i');
  scale.append(document.createTextNode(fmtValue(o.lo, o.unit) + ' '), bar, document.createTextNode(' ' + fmtValue(o.hi, o.unit)));
  wrap.append(svg, scale);
  return wrap;
}

// Cool blue through green and yellow to red.
function heatColour(f) {
  const c = Math.max(0, Math.min(1, Number.isFinite(f) ? f : 0));
  const hue = 220 - 220 * c;
  return `hsl(${hue.toFixed(0)}, 70%, ${(52 - 8 * c).toFixed(0)}%)`;
}
