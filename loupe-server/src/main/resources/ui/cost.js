// The cost tile's figures (overview) and the cost page, drawn from /api/v1/cost, /api/v1/cost/gpus
// and /api/v1/budgets (app.js calls refreshCostTile with the tiles, it draws once they are, renderCostView for
// #/cost). The tile's "today" is the UTC day, as budgets count it unless their zone says otherwise;
// the page's tables cover the page's range. Every text from the API goes in through textContent.
'use strict';

const COST_MOVERS_SHOWN = 3;
const COST_ROWS_SHOWN = 8;

/** The cost tile's figures on the overview: today's spend, the last hour's movers, drawn once {@code tilesDrawn}. */
async function refreshCostTile(tilesDrawn = Promise.resolve()) {
  const now = new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
  const hourAgo = new Date(now.getTime() - 3600 * 1000).toISOString();
  const range = `start=${encodeURIComponent(today)}`;
  let answers;
  try {
    answers = await Promise.all([
      getJson(`api/v1/cost?group_by=model,model_version&${range}`),
      getJson(`api/v1/cost?group_by=deployment,model_version&start=${encodeURIComponent(hourAgo)}&compare=previous`),
      getJson(`api/v1/cost/gpus?group_by=gpu_model,workload&${range}`),
      getJson('api/v1/budgets'),
    ]);
  } catch (e) {
    // The rest of the page says when Loupe cannot be reached; a token without the read scope sees no cost.
    return;
  }
  const [byVersion, lastHour, gpus, budgets] = answers;
  if (!(await tilesDrawn.then(() => true, () => false))) return;
  renderCostTile(byVersion, lastHour, gpus, budgets.data);
}

/** The cost page: spend in the page's range by model and version, tenant, API key; GPUs; budgets. */
async function renderCostView(ctx) {
  const range = `start=${encodeURIComponent(ctx.range.startIso)}&end=${encodeURIComponent(ctx.range.endIso)}`;
  let answers;
  try {
    answers = await Promise.all([
      getJson(`api/v1/cost?group_by=model,model_version&${range}`),
      getJson(`api/v1/cost?group_by=tenant&${range}`),
      getJson(`api/v1/cost?group_by=api_key&${range}`),
      getJson(`api/v1/cost/gpus?group_by=gpu_model,workload&${range}`),
      getJson('api/v1/budgets'),
    ]);
  } catch (e) {
    if (e instanceof NeedsToken) throw e;
    const panel = document.getElementById('cost');
    if (panel) panel.replaceChildren(el('div', { class: 'empty' }, 'cost unavailable: ' + e.message));
    return;
  }
  const [byVersion, byTenant, byKey, gpus, budgets] = answers;
  renderCostPanel(byVersion, byTenant, byKey, gpus, budgets.data, ctx.range);
}

function dollars(v) {
  if (v == null) return 'unknown';
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : abs >= 0.01 ? 3 : 5;
  return (v < 0 ? '−$' : '$') + abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// A group's spend: unknown when nothing of it is priced (an unpriced model is never $0), with a
// mark when part of it is.
function spendOf(r) {
  if (r.unknown_cost && !r.priced) return 'unknown';
  return dollars(r.spend) + (r.unknown_cost ? ' + unknown' : '');
}

function percent(v) {
  return v == null ? '—' : Math.round(v * 100) + ' %';
}

// The budget the tile measures today's spend against: the organisation's daily one, else the one
// closest to its limit.
function headlineBudget(budgets) {
  const org = budgets.filter((b) => b.scope === 'organisation');
  const daily = org.filter((b) => b.period === 'daily');
  if (daily.length) return daily[0];
  if (org.length) return org[0];
  return budgets.slice().sort((a, b) => b.used_ratio - a.used_ratio)[0] || null;
}

function renderCostTile(byVersion, lastHour, gpus, budgets) {
  const tile = document.querySelector('article.tile[data-dimension="cost"]');
  if (!tile) return;
  const tokenSpend = byVersion.total.spend || 0;
  const gpuSpend = gpus.total.spend || 0;
  for (const old of tile.querySelectorAll('.cost-summary')) old.remove();
  const box = el('div', { class: 'cost-summary', 'data-spend-today': tokenSpend.toFixed(6) });
  const budget = headlineBudget(budgets);
  const head = el('div', { class: 'cost-today' });
  head.append(el('strong', {}, dollars(tokenSpend)), document.createTextNode(' spent today'));
  if (budget) {
    box.dataset.budget = budget.budget;
    head.append(document.createTextNode(` of ${dollars(budget.limit)} (${budget.budget}${budget.subject === 'all' ? '' : ', '
      + budget.subject}, ${percent(budget.used_ratio)})`));
    const bar = el('div', { class: 'budget-bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100',
      'aria-valuenow': String(Math.round(Math.min(1, budget.used_ratio) * 100)) });
    const fill = el('i');
    fill.style.width = Math.min(100, budget.used_ratio * 100).toFixed(1) + '%';
    if (budget.burn_rate.fast.burning || budget.exceeded) fill.className = 'over';
    bar.append(fill);
    head.append(bar);
  } else {
    head.append(document.createTextNode(' (no budget set)'));
  }
  box.append(head);
  if (gpuSpend > 0) {
    box.append(el('div', { class: 'cost-gpu' }, `GPUs ${dollars(gpuSpend)} today, ${dollars(gpus.total.waste)} of it idle`
      + ` (${percent(gpus.total.waste_share)})`));
  }
  // Spend per model and version today, the largest first.
  const versions = el('ul', { class: 'cost-versions' });
  for (const g of byVersion.data.slice(0, COST_MOVERS_SHOWN)) {
    versions.append(el('li', { 'data-model': g.model, 'data-version': g.model_version },
      `${g.model} ${g.model_version}: ${spendOf(g)}` + (g.unknown_cost ? ` (${g.unknown_cost} unpriced)` : '')));
  }
  if (versions.childElementCount) box.append(versions);
  // Top movers: the last hour against the hour before, by deployment and version.
  const movers = lastHour.data.filter((g) => Math.abs(g.change) > 0)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, COST_MOVERS_SHOWN);
  if (movers.length) {
    const ul = el('ul', { class: 'cost-movers', 'aria-label': 'top movers, last hour against the hour before' });
    for (const m of movers) {
      const li = el('li', { 'data-deployment': m.deployment },
        `${m.change > 0 ? '▲' : '▼'} ${m.deployment} ${m.model_version}: ${dollars(m.spend)}/h (${m.change > 0 ? '+' : ''}`
        + `${dollars(m.change)})`);
      ul.append(li);
    }
    box.append(el('div', { class: 'muted' }, 'top movers, last hour:'), ul);
  }
  tile.append(box);
}

function costTable(title, rows, columns, name) {
  const wrap = el('div', { class: 'cost-table', 'data-table': name });
  wrap.append(el('h3', {}, title));
  if (!rows.length) {
    wrap.append(el('div', { class: 'muted' }, 'nothing yet'));
    return wrap;
  }
  const table = el('table');
  const head = el('tr');
  for (const c of columns) head.append(el('th', {}, c.label));
  table.append(head);
  for (const r of rows.slice(0, COST_ROWS_SHOWN)) {
    const tr = el('tr');
    for (const c of columns) tr.append(el('td', c.num ? { class: 'num' } : {}, c.value(r)));
    table.append(tr);
  }
  wrap.append(table);
  if (rows.length > COST_ROWS_SHOWN) wrap.append(el('div', { class: 'muted' }, `+${rows.length - COST_ROWS_SHOWN} more`));
  return wrap;
}

const SPEND_COLUMNS = [
  { label: 'spend', num: true, value: spendOf },
  { label: 'requests', num: true, value: (r) => String(r.requests) },
  { label: 'per 1k requests', num: true, value: (r) => r.unknown_cost && !r.priced ? 'unknown'
    : dollars(r.cost_per_1000_requests) },
  { label: 'P95 per request', num: true, value: (r) => dollars(r.cost_per_inference.p95) },
];

function renderCostPanel(byVersion, byTenant, byKey, gpus, budgets, range) {
  const panel = document.getElementById('cost');
  if (!panel) return;
  const tokens = byVersion.total.spend || 0;
  const totals = el('div', { class: 'cost-totals', 'data-token-spend': tokens.toFixed(6),
    'data-gpu-spend': (gpus.total.spend || 0).toFixed(6), 'data-gpu-waste': (gpus.total.waste || 0).toFixed(6) });
  totals.textContent = `tokens ${dollars(tokens)} · GPUs ${dollars(gpus.total.spend)} (idle waste ${dollars(gpus.total.waste)},`
    + ` ${percent(gpus.total.waste_share)}) · `;
  totals.append(timeEl(range.from), document.createTextNode(' → '), timeEl(range.to));
  const label = (v) => v == null || v === '' ? '(none)' : v;
  const tables = el('div', { class: 'cost-tables' });
  tables.append(
    costTable('By model and version', byVersion.data,
      [{ label: 'model', value: (r) => r.model }, { label: 'version', value: (r) => r.model_version }, ...SPEND_COLUMNS],
      'versions'),
    costTable('By tenant', byTenant.data, [{ label: 'tenant', value: (r) => label(r.tenant) }, ...SPEND_COLUMNS], 'tenants'),
    costTable('By API key', byKey.data, [{ label: 'key (hash)', value: (r) => label(r.api_key) }, ...SPEND_COLUMNS], 'keys'),
    costTable('GPUs', gpus.groups, [
      { label: 'GPU model', value: (r) => r.gpu_model }, { label: 'workload', value: (r) => r.workload },
      { label: 'GPU-hours', num: true, value: (r) => r.hours.toFixed(1) },
      { label: 'spend', num: true, value: (r) => r.unpriced_gpus === r.gpus ? 'no price' : dollars(r.spend) },
      { label: 'idle waste', num: true, value: (r) => dollars(r.waste) },
      { label: 'waste share', num: true, value: (r) => percent(r.waste_share) }], 'gpus'),
    costTable('Budgets', budgets, [
      { label: 'budget', value: (r) => r.budget }, { label: 'subject', value: (r) => r.subject },
      { label: 'spent', num: true, value: (r) => `${dollars(r.spent)} of ${dollars(r.limit)}` },
      { label: 'burn 1h / 6h', num: true, value: (r) => `${r.burn_rate.fast.multiple.toFixed(1)}× / ${r.burn_rate.slow.multiple.toFixed(1)}×` },
      { label: 'runs out', value: (r) => r.exceeded ? 'exceeded'
        : r.forecast.exhausted_at ? fmtLocal(Date.parse(r.forecast.exhausted_at)) : '—' }], 'budgets'));
  const next = [totals, tables];
  if (byVersion.unpriced_models.length) {
    const ul = el('ul', { class: 'cost-unpriced' });
    for (const u of byVersion.unpriced_models) {
      ul.append(el('li', { 'data-model': u.model }, `${u.model}: ${u.tokens.toLocaleString('en-US')} tokens in`
        + ` ${u.inferences} inferences with no price (cost unknown, not $0)`));
    }
    next.push(el('h3', {}, 'Unpriced models'), ul);
  }
  panel.replaceChildren(...next);
}
