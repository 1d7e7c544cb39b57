// The management page: plain JavaScript over the node's own HTTP API (no library, nothing from a CDN), polled once a
// second. Every value from the node is written with textContent, never as HTML: exchange names, messages and
// problem details are data, not markup.
'use strict';

const POLL_MS = 1000;
const SAMPLES = 60; // one minute of rates at one poll a second
const RATES = ['published', 'delivered', 'acked', 'refused'];
const TOKEN_KEY = 'messaging-node-token';

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  open: null,          // true: the node answered without a token
  history: new Map(),  // exchange name -> { at, counts, rates: { published: [..], ... } }
  timer: null,
  view: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-') || k === 'href' || k === 'title') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

/** A problem from the node (application/problem+json), or a failure to reach it. */
class Problem extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
  describe() {
    const b = this.body;
    return b.detail ? b.detail + ' (' + this.status + (b.code ? ', code ' + b.code : '') + ')' : this.message;
  }
}

async function api(method, path, body, headers) {
  const h = Object.assign({}, headers || {});
  if (state.token) h['Authorization'] = 'Bearer ' + state.token;
  let response;
  try {
    response = await fetch(path, { method, headers: h, body, cache: 'no-store' });
  } catch (e) {
    throw new Problem(0, { detail: 'the node cannot be reached: ' + e.message });
  }
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let problem = null;
    if (type.includes('json')) { try { problem = JSON.parse(text); } catch (e) { /* not JSON after all */ } }
    throw new Problem(response.status, problem || { detail: text || response.statusText });
  }
  return { status: response.status, headers: response.headers, text,
           json: type.includes('json') && text ? JSON.parse(text) : null };
}

// ---- access: open node, or a token --------------------------------------------------------------------------------

async function connect() {
  try {
    const members = await api('GET', '/members');
    state.open = !state.token;
    showAccess();
    $('token-form-section').hidden = true;
    route(members.json);
  } catch (e) {
    if (e.status === 401) {
      askForToken(state.token ? 'The node refused the token: ' + e.describe() : null);
    } else {
      status('error', e.describe());
      setTimeout(connect, 2000);
    }
  }
}

function showAccess() {
  $('access').textContent = state.open
    ? 'This node is open: it asks for no token (messaging.http.auth-token is not set).'
    : 'Every call carries your token.';
  $('forget-token').hidden = state.open;
}

function askForToken(why) {
  stopPolling();
  $('overview').hidden = true;
  $('exchange-page').hidden = true;
  $('token-form-section').hidden = false;
  $('access').textContent = 'This node asks for a token.';
  $('token-error').textContent = why || '';
  $('token-input').focus();
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.token = $('token-input').value;
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $('token-input').value = '';
  connect();
});

$('forget-token').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  connect();
});

// ---- routing: #/ is the overview, #/exchange/NAME one exchange -----------------------------------------------------

window.addEventListener('hashchange', () => route());

function route(members) {
  stopPolling();
  const m = location.hash.match(/^#\/exchange\/(.+)$/);
  $('overview').hidden = !!m;
  $('exchange-page').hidden = !m;
  if (m) {
    state.view = { kind: 'exchange', name: decodeURIComponent(m[1]) };
    setUpActions(null);
    pollExchange();
  } else {
    state.view = { kind: 'overview' };
    if (members) renderMembers(members);
    pollOverview();
  }
}

function stopPolling() {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
}

function again(fn) {
  stopPolling();
  state.timer = setTimeout(fn, POLL_MS);
}

function status(kind, text) {
  const s = $('status');
  s.className = kind === 'error' ? 'error' : '';
  s.textContent = text;
}

function failed(e) {
  if (e.status === 401) {
    askForToken('The node refused the token: ' + e.describe());
    return true;
  }
  status('error', e.describe());
  return false;
}

// ---- rates: counters sampled at every poll, turned into per-second rates -------------------------------------------

function sample(x) {
  const now = performance.now();
  const counts = x.counts || {};
  let h = state.history.get(x.name);
  if (!h || h.pattern !== x.pattern) {
    h = { at: now, counts, pattern: x.pattern, rates: Object.fromEntries(RATES.map((r) => [r, []])) };
    state.history.set(x.name, h);
    return h;
  }
  const seconds = (now - h.at) / 1000;
  if (seconds <= 0) return h;
  for (const r of RATES) {
    const delta = Math.max(0, (counts[r] || 0) - (h.counts[r] || 0)); // a restarted exchange starts again at 0
    h.rates[r].push(delta / seconds);
    if (h.rates[r].length > SAMPLES) h.rates[r].shift();
  }
  h.at = now;
  h.counts = counts;
  return h;
}

function latest(h, r) {
  const s = h.rates[r];
  return s.length ? s[s.length - 1] : 0;
}

function formatRate(v) {
  return v >= 100 ? Math.round(v).toLocaleString('en') : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const SVG = 'http://www.w3.org/2000/svg';

function sparkline(values, width, height) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1e-9, ...values);
  const step = width / (SAMPLES - 1);
  const offset = (SAMPLES - values.length) * step;
  const points = values.map((v, i) => (offset + i * step).toFixed(1) + ',' + (height - 1 - (v / max) * (height - 2)).toFixed(1));
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
  return svg;
}

function rateCell(h, r) {
  const v = latest(h, r);
  return el('td', { class: 'num' }, el('div', { class: 'rate' }, sparkline(h.rates[r], 64, 18),
    el('span', { 'data-rate': r, 'data-value': String(v) }, formatRate(v))));
}

// ---- the overview --------------------------------------------------------------------------------------------------

async function pollOverview() {
  try {
    const [members, exchanges] = await Promise.all([api('GET', '/members'), api('GET', '/exchanges?detail=true')]);
    if (state.view.kind !== 'overview') return;
    renderMembers(members.json);
    renderExchanges(exchanges.json);
    status('', 'Updated ' + new Date().toLocaleTimeString() + ' from node ' + members.json.node + '.');
  } catch (e) {
    if (failed(e)) return;
  }
  if (state.view.kind === 'overview') again(pollOverview);
}

function renderMembers(m) {
  $('node-name').textContent = 'node ' + m.node + (m.joined ? '' : ' (not joined)');
  const rows = m.members.map((x) => el('tr', { 'data-member': x.name },
    el('td', {}, x.name, x.self ? el('span', { class: 'tag' }, 'this node') : ''),
    el('td', {}, x.address || '—'),
    el('td', {}, x.since ? new Date(x.since).toLocaleString() : '—'),
    el('td', { class: x.ready ? 'ok' : 'error' }, x.ready ? 'ready' : 'not ready'),
    el('td', {}, x.coordinator ? 'coordinator' : 'member'),
    el('td', {}, x.exchanges.length ? x.exchanges.join(', ') : '—')));
  $('members').tBodies[0].replaceChildren(...rows);
}

function hostsCell(x) {
  const td = el('td');
  if (x.durable) {
    td.append(el('span', { class: 'tag', title: 'Raft leader: runs the exchange' }, 'leader ' + (x.leader || 'none')));
    const replicas = (x.replicas || []).filter((r) => r !== x.leader);
    if (replicas.length) td.append(el('span', { class: 'tag', title: 'replicas: keep its log' }, 'replicas ' + replicas.join(', ')));
  } else {
    td.append(x.hosts.join(', '));
  }
  return td;
}

function renderExchanges(list) {
  const names = new Set(list.map((x) => x.name));
  for (const n of [...state.history.keys()]) if (!names.has(n)) state.history.delete(n);
  const rows = list.map((x) => {
    const h = sample(x);
    return el('tr', { 'data-exchange': x.name },
      el('td', {}, el('a', { href: '#/exchange/' + encodeURIComponent(x.name) }, x.name)),
      el('td', {}, x.pattern),
      hostsCell(x),
      el('td', { class: 'num' }, x.parties),
      el('td', { class: 'num' }, x.depth),
      el('td', { class: 'num' }, (x.counts || {}).dropped || 0),
      ...RATES.map((r) => rateCell(h, r)));
  });
  $('exchanges').tBodies[0].replaceChildren(...rows);
}

function parseOptions(text) {
  const options = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Problem(0, { detail: 'an option is key=value, not "' + line + '"' });
    options[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return options;
}

$('create-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('create-result');
  const name = $('create-name').value;
  try {
    const body = JSON.stringify({ pattern: $('create-pattern').value, options: parseOptions($('create-options').value) });
    const r = await api('PUT', '/exchanges/' + encodeURIComponent(name), body, { 'Content-Type': 'application/json' });
    out.className = 'result ok';
    out.textContent = (r.status === 201 ? 'Created ' : 'Already defined so: ') + name;
    pollOverview();
  } catch (e) {
    if (e.status === 401) return failed(e);
    out.className = 'result error';
    out.textContent = e.describe();
  }
});

// ---- one exchange --------------------------------------------------------------------------------------------------

async function pollExchange() {
  const name = state.view.name;
  try {
    const r = await api('GET', '/exchanges/' + encodeURIComponent(name) + '?detail=true');
    if (state.view.kind !== 'exchange' || state.view.name !== name) return;
    let dlx = null;
    const dlxName = (r.json.options || {})['dead-letter-exchange'];
    if (dlxName) {
      try {
        dlx = (await api('GET', '/exchanges/' + encodeURIComponent(dlxName))).json;
      } catch (e) {
        dlx = { name: dlxName, missing: e.describe() };
      }
    }
    renderExchange(r.json, dlx);
    status('', 'Updated ' + new Date().toLocaleTimeString() + '.');
  } catch (e) {
    if (e.status === 404) {
      $('x-name').textContent = name;
      $('x-pattern').textContent = '(' + e.describe() + ')';
      status('error', e.describe());
    } else if (failed(e)) {
      return;
    }
  }
  if (state.view.kind === 'exchange' && state.view.name === name) again(pollExchange);
}

function rows(table, pairs) {
  $(table).tBodies[0].replaceChildren(...pairs.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
}

function renderExchange(x, dlx) {
  $('x-name').textContent = x.name;
  $('x-pattern').textContent = x.pattern;
  const options = Object.entries(x.options || {});
  rows('x-options', options.length ? options : [['(defaults)', 'no option set']]);
  $('x-hosts').tBodies[0].replaceChildren(...x.nodes.map((n) => el('tr', {},
    el('td', {}, n.node),
    el('td', {}, x.durable ? (n.node === x.leader ? 'leader' : 'replica') : 'host'),
    el('td', { class: 'num' }, n.error ? '—' : n.parties),
    el('td', { class: n.error ? 'error' : 'num' }, n.error ? n.error : n.depth))));

  const h = sample(x);
  $('x-rates').replaceChildren(...RATES.map((r) => el('div', { class: 'chart' },
    el('div', {}, r + '/s ', el('span', { class: 'value', 'data-rate': r, 'data-value': String(latest(h, r)) },
      formatRate(latest(h, r)))),
    sparkline(h.rates[r], 220, 60))));

  const s = (x.nodes.find((n) => n.state) || {}).state || {};
  const pairs = [['depth', x.depth], ['published (total)', (x.counts || {}).published || 0],
    ['refused (total)', (x.counts || {}).refused || 0], ['dropped (total)', (x.counts || {}).dropped || 0]];
  if (x.pattern === 'tasks') {
    pairs.push(['queued', s.queued || 0], ['delayed', s.delayed || 0], ['in flight', s.inFlight || 0],
      ['queued by priority (0..9)', (s.queuedByPriority || []).join(' · ')]);
  } else if (x.pattern === 'sink') {
    pairs.push(['buffered', s.buffered || 0], ['delivered, not yet acked', s.unacked || 0]);
  } else if (x.pattern === 'request-response') {
    pairs.push(['requests waiting for a service', (s.inFlight || 0) + ' of ' + (s.maxInFlight || '?')]);
  }
  if (dlx) {
    pairs.push(['dead-letter exchange', dlx.missing ? dlx.name + ': ' + dlx.missing : dlx.name + ', depth ' + dlx.depth]);
  }
  rows('x-state', pairs);

  $('x-parties').tBodies[0].replaceChildren(...(x.partyList || []).map((p) => {
    const more = Object.entries(p).filter(([k]) => !['id', 'kind', 'node', 'held', 'leaseMs'].includes(k))
      .map(([k, v]) => k + '=' + v).join(', ');
    return el('tr', {}, el('td', {}, p.id), el('td', {}, p.kind), el('td', {}, p.node),
      el('td', { class: 'num' }, p.held == null ? '—' : p.held),
      el('td', { class: 'num' }, p.leaseMs == null ? '—' : (p.leaseMs / 1000).toFixed(1) + ' s'),
      el('td', {}, more || '—'));
  }));
  if (!(x.partyList || []).length) {
    $('x-parties').tBodies[0].replaceChildren(el('tr', {}, el('td', { colSpan: 6 }, 'no party is registered')));
  }

  const refusals = (x.refusals || []).slice().reverse();
  $('x-refusals').tBodies[0].replaceChildren(...(refusals.length ? refusals.map((r) => el('tr', {},
    el('td', {}, new Date(r.at).toLocaleTimeString()), el('td', {}, r.node || ''),
    el('td', {}, r.reason + ' (' + r.code + ')'), el('td', {}, r.detail))) : [el('tr', {}, el('td', { colSpan: 4 }, 'none'))]));

  setUpActions(x.pattern);
}

/** The test action this pattern takes: a request, a publish, a send, an enqueue. */
function setUpActions(pattern) {
  const form = $('action-form');
  form.dataset.pattern = pattern || '';
  $('action-key-label').hidden = pattern !== 'pubsub';
  $('action-priority-label').hidden = pattern !== 'tasks';
  $('action-button').textContent = { 'request-response': 'Send request', pubsub: 'Publish', sink: 'Send',
    tasks: 'Enqueue' }[pattern] || 'Send';
}

$('action-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = encodeURIComponent(state.view.name);
  const pattern = $('action-form').dataset.pattern;
  const message = $('action-message').value;
  const out = $('action-result');
  const text = { 'Content-Type': 'text/plain; charset=utf-8' };
  try {
    let said;
    if (pattern === 'request-response') {
      const r = await api('POST', '/exchanges/' + name + '/requests?timeout=10s', message, text);
      const dialogue = r.headers.get('Messaging-Dialogue');
      if (dialogue) {
        said = 'The service asks: ' + r.text + '\n(the dialogue is ended here: answer it with the CLI or the API)';
        api('DELETE', '/dialogues/' + encodeURIComponent(dialogue)).catch(() => {});
      } else {
        said = r.status === 204 ? 'The service ended without a message.' : 'Reply: ' + r.text;
      }
    } else if (pattern === 'pubsub') {
      const r = await api('POST', '/exchanges/' + name + '/publish/' + encodeURIComponent($('action-key').value), message, text);
      said = 'Published; ' + r.json.matched + ' subscription(s) matched.';
    } else if (pattern === 'sink') {
      await api('POST', '/exchanges/' + name + '/messages', message, text);
      said = 'Held by the sink.';
    } else if (pattern === 'tasks') {
      const r = await api('POST', '/exchanges/' + name + '/tasks?priority=' + encodeURIComponent($('action-priority').value), message, text);
      said = 'Enqueued as task ' + r.json.id + '.';
    } else {
      return;
    }
    out.className = 'result ok';
    out.textContent = said;
  } catch (e) {
    if (e.status === 401) return failed(e);
    out.className = 'result error';
    out.textContent = e.describe();
  }
});

$('delete-button').addEventListener('click', async () => {
  const name = state.view.name;
  if (!confirm('Delete exchange ' + name + '? What it holds is dropped.')) return;
  try {
    await api('DELETE', '/exchanges/' + encodeURIComponent(name));
    location.hash = '#/';
  } catch (e) {
    if (e.status === 401) return failed(e);
    $('delete-result').className = 'result error';
    $('delete-result').textContent = e.describe();
  }
});

connect();
