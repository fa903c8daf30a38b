import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import { PROVINCES } from '../../regions/provinces';
import {
  chartValue,
  compareForBars,
  count,
  formatShare,
  formatShown,
  readLine,
  readTable,
  rejectionReasonLabel,
  tableTotal,
  type CountTableData,
  type Shown,
} from './counts';
import './dashboard.css';
import { DASHBOARD_QUERY, dashboardVariables, type DashboardFilter } from './dashboard-query';
import { el } from './dom';
import { GraphQLRequestError, queryData } from './graphql-request';
import { describeToken, developmentTokensAvailable, fetchDevelopmentToken, SessionToken } from './session-token';
import { adoptStyleNonce } from './style-nonce';

/**
 * The reporting dashboard at `/`: totals, per-wave registrations and acceptance, provinces,
 * rejection reasons, filtered by wave and province. It calls nothing but this origin's
 * POST /graphql (and, outside production, POST /dev/token for a REPORTER token); suppressed
 * cells are shown as "< k" or "suppressed" (see counts.ts), never as zero and never as a bar.
 */

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

interface DashboardData {
  waves: Array<{ number: number }>;
  byOutcome: CountTableData;
  byWave: CountTableData;
  byWaveOutcome: CountTableData;
  byProvince: CountTableData;
  byRejectionReason: CountTableData;
}

const COLORS = { registered: '#1f5f8b', accepted: '#2e8b57', rejected: '#c0504d', hidden: '#6b7785' };
const PROVINCE_NAMES = new Map(PROVINCES.map((province) => [province.code, province.name]));
const session = new SessionToken('dashboard');

/** Writes "< 10", "suppressed" or "0" where a bar is missing. */
const suppressedMarkers: Plugin<'bar'> = {
  id: 'samaranSuppressedMarkers',
  afterDatasetsDraw(chart) {
    const markers = (chart.options.plugins as { samaranSuppressedMarkers?: { labels: Array<Array<string | null>> } }).samaranSuppressedMarkers?.labels;
    if (!markers) return;
    const horizontal = chart.options.indexAxis === 'y';
    const valueScale = horizontal ? chart.scales.x : chart.scales.y;
    if (!valueScale) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = 'italic 11px system-ui, sans-serif';
    ctx.fillStyle = COLORS.hidden;
    markers.forEach((labels, datasetIndex) => {
      const meta = chart.getDatasetMeta(datasetIndex);
      if (meta.hidden) return;
      labels.forEach((label, index) => {
        const element = meta.data[index];
        if (!label || !element) return;
        if (horizontal) {
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(label, valueScale.getPixelForValue(0) + 4, element.y);
        } else {
          ctx.translate(element.x, valueScale.getPixelForValue(0) - 4);
          ctx.rotate(-Math.PI / 2);
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(label, 0, 0);
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.scale(chart.currentDevicePixelRatio, chart.currentDevicePixelRatio);
        }
      });
    });
    ctx.restore();
  },
};

// A missing bar always says why: not published, or a true zero.
const markerLabel = (shown: Shown): string | null => (shown.kind === 'count' && shown.value > 0 ? null : formatShown(shown));

// --- page skeleton -----------------------------------------------------------------------------

const waveSelect = el('select', { id: 'filter-wave', name: 'wave' }, el('option', { value: '' }, 'All waves'));
const provinceSelect = el(
  'select',
  { id: 'filter-province', name: 'province' },
  el('option', { value: '' }, 'All provinces'),
  ...[...PROVINCES].sort((a, b) => a.name.localeCompare(b.name)).map((province) => el('option', { value: province.code }, province.name)),
);
const tokenStatus = el('span', { className: 'sg-token-status', role: 'status' });
const message = el('p', { className: 'db-message', role: 'alert', hidden: true });
const totals = el('section', { className: 'db-totals', 'aria-label': 'Totals' });
const charts = new Map<string, Chart<'bar'>>();

function panel(id: string, title: string, description: string, chartHeight: number, table: HTMLElement, collapsed: boolean): HTMLElement {
  const canvas = el('canvas', { role: 'img', 'aria-label': title });
  const holder = el('div', { className: 'db-chart' }, canvas);
  holder.style.height = `${chartHeight}px`;
  const tableBlock = collapsed ? el('details', {}, el('summary', {}, 'Show as a table'), table) : table;
  return el('section', { className: 'db-panel', id }, el('h2', {}, title), el('p', { className: 'db-description' }, description), holder, tableBlock);
}

function dataTable(id: string, headings: string[]): HTMLTableElement {
  return el('table', { id, className: 'db-table' }, el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', { scope: 'col' }, heading)))), el('tbody'));
}

function fillTable(table: HTMLTableElement, rows: Array<{ key: string; cells: Array<string | Shown> }>): void {
  const body = table.tBodies[0]!;
  body.replaceChildren(
    ...rows.map((row) =>
      el(
        'tr',
        { 'data-key': row.key },
        ...row.cells.map((cell, index) => {
          if (typeof cell === 'string') return index === 0 ? el('th', { scope: 'row' }, cell) : el('td', {}, cell);
          return el('td', { className: `db-value db-${cell.kind}`, 'data-kind': cell.kind, title: valueTitle(cell) }, formatShown(cell));
        }),
      ),
    ),
  );
}

function valueTitle(shown: Shown): string {
  if (shown.kind === 'below') return `Suppressed: fewer than ${shown.threshold}`;
  if (shown.kind === 'suppressed') return `Suppressed: fewer than ${shown.threshold}, or hidden so that a smaller count cannot be worked out from the totals`;
  return '';
}

const waveTable = dataTable('table-waves', ['Wave', 'Registered', 'Accepted', 'Rejected', 'Pending', 'Accepted share']);
const provinceTable = dataTable('table-provinces', ['Province', 'Registered']);
const reasonTable = dataTable('table-rejection-reasons', ['Reason', 'Rejected']);

function skeleton(): HTMLElement {
  const bar = el(
    'header',
    { className: 'sg-bar' },
    el('span', { className: 'sg-brand' }, 'Samaran'),
    el('nav', {}, el('span', { 'aria-current': 'page' }, 'Dashboard'), el('a', { href: '/graphiql' }, 'GraphiQL')),
  );
  if (!developmentTokensAvailable()) bar.append(tokenForm());
  bar.append(tokenStatus);

  const filters = el(
    'form',
    { className: 'db-filters', 'aria-label': 'Filters' },
    el('label', {}, 'Wave ', waveSelect),
    el('label', {}, 'Province ', provinceSelect),
    el('button', { type: 'reset' }, 'Clear filters'),
  );
  filters.addEventListener('submit', (event) => event.preventDefault());
  filters.addEventListener('reset', () => setTimeout(() => void load(), 0));
  for (const select of [waveSelect, provinceSelect]) select.addEventListener('change', () => void load());

  const main = el(
    'main',
    { className: 'db-main' },
    el('h1', {}, 'Pre-employment programme: applications'),
    filters,
    message,
    totals,
    panel('panel-waves', 'Registrations and acceptance per wave', 'Applications per intake wave (gelombang) and their outcome so far.', 320, waveTable, false),
    el(
      'div',
      { className: 'db-columns' },
      panel('panel-provinces', 'Registrations by province', 'Declared domicile, largest first.', PROVINCES.length * 20 + 60, provinceTable, true),
      panel('panel-rejection-reasons', 'Rejection reasons', 'Why rejected applications were rejected, most common first.', 320, reasonTable, true),
    ),
    el(
      'footer',
      { className: 'db-footnote' },
      el('p', { id: 'suppression-note' }, ''),
    ),
  );
  return el('div', { className: 'db-page' }, bar, main);
}

function tokenForm(): HTMLElement {
  const input = el('input', { type: 'password', autocomplete: 'off', placeholder: 'Paste a REPORTER token', 'aria-label': 'Bearer token' });
  const form = el('form', { className: 'sg-token-form' }, input, el('button', { type: 'submit' }, 'Use token'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) session.set(input.value);
    input.value = '';
    void load();
  });
  return form;
}

// --- data ----------------------------------------------------------------------------------------

function currentFilter(): DashboardFilter {
  const filter: DashboardFilter = {};
  if (waveSelect.value) filter.wave = [Number(waveSelect.value)];
  if (provinceSelect.value) filter.province = [provinceSelect.value];
  return filter;
}

function syncUrl(filter: DashboardFilter): void {
  const params = new URLSearchParams();
  if (filter.wave) params.set('wave', String(filter.wave[0]));
  if (filter.province) params.set('province', filter.province[0]!);
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

async function token(refresh: boolean): Promise<string | null> {
  if (refresh) session.forget();
  const stored = session.get();
  if (stored || !developmentTokensAvailable()) return stored;
  session.set(await fetchDevelopmentToken('REPORTER'));
  return session.get();
}

let generation = 0;

async function load(): Promise<void> {
  const mine = ++generation;
  const filter = currentFilter();
  syncUrl(filter);
  document.body.dataset.state = 'loading';
  try {
    let data: DashboardData | undefined;
    for (const refresh of [false, true]) {
      const bearer = await token(refresh);
      tokenStatus.textContent = describeToken(bearer);
      if (!bearer) {
        showMessage('Paste a bearer token with the REPORTER role to see the counts.');
        document.body.dataset.state = 'needs-token';
        return;
      }
      try {
        data = await queryData<DashboardData>(DASHBOARD_QUERY, dashboardVariables(filter), bearer);
        break;
      } catch (error) {
        // An expired development token is replaced once; a pasted one is the user's to replace.
        const retry = !refresh && developmentTokensAvailable() && error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED';
        if (!retry) throw error;
      }
    }
    if (mine !== generation || !data) return;
    showMessage(null);
    render(data);
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (mine !== generation) return;
    const code = error instanceof GraphQLRequestError && error.code ? ` (${error.code})` : '';
    showMessage(`The counts could not be loaded${code}: ${error instanceof Error ? error.message : String(error)}`);
    document.body.dataset.state = 'error';
  }
}

function showMessage(text: string | null): void {
  message.hidden = text === null;
  message.textContent = text ?? '';
}

// --- rendering -----------------------------------------------------------------------------------

function render(data: DashboardData): void {
  fillWaveOptions(data.waves);
  renderTotals(data.byOutcome);
  renderWaves(data);
  renderProvinces(data.byProvince);
  renderRejectionReasons(data.byRejectionReason);
  const threshold = data.byOutcome.threshold;
  document.getElementById('suppression-note')!.textContent =
    `Counts below ${threshold} are suppressed to protect the people behind them, and so are some larger counts when a small one could otherwise be worked out from the totals. ` +
    `A suppressed count is shown as "< ${threshold}" when it is known to be smaller than ${threshold}, otherwise as "suppressed"; it is never drawn as a bar and never shown as zero. ` +
    `Empty combinations are true zeros.`;
}

function fillWaveOptions(waves: Array<{ number: number }>): void {
  const selected = waveSelect.value;
  const numbers = waves.map((wave) => wave.number).sort((a, b) => a - b);
  const existing = [...waveSelect.options].slice(1).map((option) => Number(option.value));
  if (existing.join() === numbers.join()) return;
  waveSelect.replaceChildren(el('option', { value: '' }, 'All waves'), ...numbers.map((number) => el('option', { value: String(number) }, `Wave ${number}`)));
  waveSelect.value = numbers.includes(Number(selected)) ? selected : '';
}

function outcomeShown(table: CountTableData, outcome: string): Shown {
  const entry = readTable(table).find(({ cell }) => cell.outcome === outcome);
  return entry ? entry.shown : count(0);
}

function renderTotals(byOutcome: CountTableData): void {
  const registered = tableTotal(byOutcome);
  const accepted = outcomeShown(byOutcome, 'ACCEPTED');
  const rejected = outcomeShown(byOutcome, 'REJECTED');
  const pending = outcomeShown(byOutcome, 'PENDING');
  const card = (id: string, label: string, value: Shown | string, tone: string): HTMLElement =>
    el(
      'div',
      { className: `db-card db-${tone}`, id },
      el('span', { className: 'db-card-label' }, label),
      typeof value === 'string'
        ? el('span', { className: 'db-card-value' }, value)
        : el('span', { className: `db-card-value db-${value.kind}`, 'data-kind': value.kind, title: valueTitle(value) }, formatShown(value)),
    );
  totals.replaceChildren(
    card('total-registered', 'Registered', registered, 'registered'),
    card('total-accepted', 'Accepted', accepted, 'accepted'),
    card('total-rejected', 'Rejected', rejected, 'rejected'),
    card('total-pending', 'Pending', pending, 'pending'),
    card('total-acceptance', 'Accepted share', formatShare(accepted, registered), 'share'),
  );
}

function renderWaves(data: DashboardData): void {
  const waves = readTable(data.byWave)
    .filter(({ cell }) => typeof cell.wave === 'number')
    .sort((a, b) => a.cell.wave! - b.cell.wave!);
  const threshold = data.byWaveOutcome.threshold;
  const rows = waves.map(({ cell, shown: registered }) => {
    const line = data.byWaveOutcome.cells.filter((c) => c.wave === cell.wave);
    const lineShown = readLine(line, registered, threshold);
    const byOutcome = (outcome: string): Shown => {
      const index = line.findIndex((c) => c.outcome === outcome);
      return index < 0 ? count(0) : lineShown[index]!;
    };
    return { wave: cell.wave!, registered, accepted: byOutcome('ACCEPTED'), rejected: byOutcome('REJECTED'), pending: byOutcome('PENDING') };
  });
  fillTable(
    waveTable,
    rows.map((row) => ({
      key: String(row.wave),
      cells: [`Wave ${row.wave}`, row.registered, row.accepted, row.rejected, row.pending, formatShare(row.accepted, row.registered)],
    })),
  );
  const series = (label: string, color: string, pick: (row: (typeof rows)[number]) => Shown): ChartDataset<'bar', Array<number | null>> => ({
    label,
    data: rows.map((row) => chartValue(pick(row))),
    backgroundColor: color,
  });
  drawChart(
    'panel-waves',
    rows.map((row) => `Wave ${row.wave}`),
    [series('Registered', COLORS.registered, (r) => r.registered), series('Accepted', COLORS.accepted, (r) => r.accepted), series('Rejected', COLORS.rejected, (r) => r.rejected)],
    [rows.map((r) => markerLabel(r.registered)), rows.map((r) => markerLabel(r.accepted)), rows.map((r) => markerLabel(r.rejected))],
    'x',
  );
}

function renderProvinces(table: CountTableData): void {
  const read = readTable(table);
  const selected = currentFilter().province;
  const codes = selected ?? PROVINCES.map((province) => province.code);
  const rows = codes
    .map((code) => {
      const entry = read.find(({ cell }) => cell.province === code);
      return { key: code, label: PROVINCE_NAMES.get(code) ?? code, shown: entry ? entry.shown : count(0) };
    })
    .sort(compareForBars);
  fillTable(provinceTable, rows.map((row) => ({ key: row.key, cells: [row.label, row.shown] })));
  const holder = document.querySelector<HTMLElement>('#panel-provinces .db-chart')!;
  holder.style.height = `${rows.length * 20 + 60}px`;
  drawChart(
    'panel-provinces',
    rows.map((row) => row.label),
    [{ label: 'Registered', data: rows.map((row) => chartValue(row.shown)), backgroundColor: COLORS.registered }],
    [rows.map((row) => markerLabel(row.shown))],
    'y',
  );
}

function renderRejectionReasons(table: CountTableData): void {
  const rows = readTable(table)
    .map(({ cell, shown }) => ({ key: cell.rejectionReason ?? 'NONE', label: rejectionReasonLabel(cell.rejectionReason), shown }))
    .sort(compareForBars);
  fillTable(reasonTable, rows.map((row) => ({ key: row.key, cells: [row.label, row.shown] })));
  document.querySelector<HTMLElement>('#panel-rejection-reasons .db-chart')!.style.height = `${Math.max(rows.length, 3) * 26 + 60}px`;
  drawChart(
    'panel-rejection-reasons',
    rows.map((row) => row.label),
    [{ label: 'Rejected', data: rows.map((row) => chartValue(row.shown)), backgroundColor: COLORS.rejected }],
    [rows.map((row) => markerLabel(row.shown))],
    'y',
  );
}

function drawChart(panelId: string, labels: string[], datasets: Array<ChartDataset<'bar', Array<number | null>>>, markers: Array<Array<string | null>>, indexAxis: 'x' | 'y'): void {
  const canvas = document.querySelector<HTMLCanvasElement>(`#${panelId} canvas`)!;
  charts.get(panelId)?.destroy();
  const chart = new Chart<'bar', Array<number | null>, string>(canvas, {
    type: 'bar',
    data: { labels, datasets },
    plugins: [suppressedMarkers],
    options: {
      indexAxis,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: datasets.length > 1, position: 'top' },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${(item.raw as number).toLocaleString('en-US')}` } },
        ...({ samaranSuppressedMarkers: { labels: markers } } as object),
      },
      scales: {
        [indexAxis === 'y' ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
        [indexAxis]: { ticks: { autoSkip: false } },
      },
    },
  });
  charts.set(panelId, chart);
  canvas.dataset.rendered = 'true';
}

// --- start ---------------------------------------------------------------------------------------

function main(): void {
  adoptStyleNonce();
  document.getElementById('root')!.append(skeleton());
  const params = new URLSearchParams(location.search);
  const wave = params.get('wave');
  if (wave && /^\d+$/.test(wave)) waveSelect.append(el('option', { value: wave }, `Wave ${wave}`)), (waveSelect.value = wave);
  const province = params.get('province');
  if (province && PROVINCE_NAMES.has(province)) provinceSelect.value = province;
  void load();
}

main();
