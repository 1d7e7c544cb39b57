// The management page as a person uses it, in Debian's Chromium driven by playwright-core, against two packaged
// nodes: one open, one with messaging.http.auth-token. Run by ManagementPageIT:
//   node management-page.mjs <open-node-url> <secured-node-url> <token> <screenshot-dir>
// Prints one JSON line per step; any failed expectation throws, and the process exits 1.
import { chromium } from 'playwright-core';

const [open, secured, token, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // As root, without a sandbox; no background traffic to hosts this machine cannot reach.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const step = (name, extra) => console.log(JSON.stringify({ step: name, ...(extra || {}) }));
const consoleErrors = [];

function expect(condition, what) {
  if (!condition) throw new Error('expected: ' + what);
}

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pages.push(page);
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  return page;
}

const pages = [];
const rate = (page, exchange, name) => page.locator(`[data-exchange="${exchange}"] [data-rate="${name}"]`);

try {
  // ---- the open node --------------------------------------------------------------------------------------------
  const page = await newPage();
  await page.goto(open + '/ui/');
  for (const name of ['demo-echo', 'demo-events', 'demo-jobs']) {
    await page.locator(`#exchanges [data-exchange="${name}"]`).waitFor({ timeout: 15000 });
  }
  expect((await page.getByTestId('access').textContent()).includes('open'), 'the page says the node is open');
  expect(await page.locator('#members tbody tr').count() === 1, 'one member');
  expect((await page.locator('#members tbody').textContent()).includes('ready'), 'the member is ready');
  step('overview', { exchanges: await page.locator('#exchanges tbody tr').count() });

  // A rate moves while this test publishes, without a reload.
  let publishing = true;
  let published = 0;
  const publisher = (async () => {
    while (publishing) {
      const r = await fetch(open + '/exchanges/demo-events/publish/ui.test', { method: 'POST', body: 'tick' });
      expect(r.ok, 'publish answered ' + r.status);
      published++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await page.waitForFunction(() => {
    const e = document.querySelector('[data-exchange="demo-events"] [data-rate="published"]');
    return e && Number(e.dataset.value) > 5;
  }, null, { timeout: 20000, polling: 200 });
  const moving = Number(await rate(page, 'demo-events', 'published').getAttribute('data-value'));
  await page.screenshot({ path: shots + '/overview.png' });
  publishing = false;
  await publisher;
  step('rate-moves', { publishedPerSecond: moving, published });

  // Create an exchange from the form.
  await page.fill('#create-name', 'ui-made');
  await page.selectOption('#create-pattern', 'tasks');
  await page.fill('#create-options', 'max-queued=50\nack-timeout=30s');
  await page.click('#create-form button[type=submit]');
  await page.locator('#exchanges [data-exchange="ui-made"]').waitFor({ timeout: 10000 });
  expect((await page.getByTestId('create-result').textContent()).includes('Created ui-made'), 'created');
  step('created');

  // A bad name shows the node's own message.
  await page.fill('#create-name', 'bad name');
  await page.click('#create-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('create-result').textContent.includes('may contain only'),
    null, { timeout: 10000 });
  const refusal = await page.getByTestId('create-result').textContent();
  expect(refusal.includes("exchange name 'bad name' may contain only letters, digits, '.', '-' and '_'"), refusal);
  expect(refusal.includes('400'), 'the status is shown: ' + refusal);
  step('bad-name', { shown: refusal });

  // The exchange's page: options, an enqueued task in its state, a worker's lease.
  await page.click('#exchanges [data-exchange="ui-made"] a');
  await page.waitForFunction(() => document.getElementById('x-name').textContent === 'ui-made');
  expect((await page.locator('#x-options').textContent()).includes('max-queued'), 'options shown');
  await page.fill('#action-priority', '7');
  await page.click('#action-button');
  await page.waitForFunction(() => document.getElementById('action-result').textContent.includes('Enqueued as task'));
  await page.waitForFunction(() => /queued by priority \(0\.\.9\)0 · 0 · 0 · 0 · 0 · 0 · 0 · 1/.test(
    document.getElementById('x-state').textContent), null, { timeout: 10000 });
  // A worker over HTTP takes the task: the page shows it held, with its lease running.
  const worker = await (await fetch(open + '/exchanges/ui-made/workers', { method: 'POST' })).json();
  const next = await fetch(open + '/parties/' + worker.party + '/next?wait=5s');
  expect(next.status === 200, 'the worker got the task: ' + next.status);
  // (The exchange knows the worker by its own party id, not the HTTP party's.)
  await page.waitForFunction(() => [...document.querySelectorAll('#x-parties tbody tr')].some((r) =>
    r.cells.length === 6 && r.cells[1].textContent === 'worker' && r.cells[3].textContent === '1'
      && / s$/.test(r.cells[4].textContent)), null, { timeout: 10000 });
  await page.screenshot({ path: shots + '/exchange.png', fullPage: true });
  step('exchange-page');

  // Delete it from its page.
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('delete').click();
  await page.waitForFunction(() => location.hash === '#/');
  await page.locator('#exchanges [data-exchange="demo-echo"]').waitFor();
  await page.waitForFunction(() => !document.querySelector('#exchanges [data-exchange="ui-made"]'), null, { timeout: 10000 });
  step('deleted');

  // A request and its reply.
  await page.goto(open + '/ui/#/exchange/demo-echo');
  await page.waitForFunction(() => document.getElementById('x-name').textContent === 'demo-echo');
  await page.fill('#action-message', 'ping from the browser');
  await page.click('#action-button');
  await page.waitForFunction(() => document.getElementById('action-result').textContent.includes('Reply:'), null, { timeout: 10000 });
  const reply = await page.getByTestId('action-result').textContent();
  expect(reply.includes('ping from the browser'), 'the echo: ' + reply);
  step('request', { reply });

  // A tasks exchange with a dead-letter exchange shows that one's depth; a sink takes a message from its page.
  await page.goto(open + '/ui/#/exchange/demo-logs');
  await page.waitForFunction(() => document.getElementById('x-name').textContent === 'demo-logs');
  await page.fill('#action-message', 'a line from the browser');
  await page.click('#action-button');
  await page.waitForFunction(() => document.getElementById('action-result').textContent.includes('Held by the sink'),
    null, { timeout: 10000 });
  await page.goto(open + '/ui/#/exchange/demo-jobs');
  await page.waitForFunction(() => /dead-letter exchangedemo-jobs-failed, depth \d+/.test(
    document.getElementById('x-state').textContent), null, { timeout: 10000 });
  step('dead-letters-and-sink');

  // A refusal: a request-response exchange with no service refuses, and the page lists it with its reason.
  await page.goto(open + '/ui/#/');
  await page.fill('#create-name', 'ui-lonely');
  await page.selectOption('#create-pattern', 'request-response');
  await page.fill('#create-options', '');
  await page.click('#create-form button[type=submit]');
  await page.locator('#exchanges [data-exchange="ui-lonely"]').waitFor({ timeout: 10000 });
  await page.goto(open + '/ui/#/exchange/ui-lonely');
  await page.waitForFunction(() => document.getElementById('x-name').textContent === 'ui-lonely');
  await page.click('#action-button');
  await page.waitForFunction(() => document.getElementById('action-result').textContent.includes('no service'), null, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById('x-refusals').textContent.includes('NO_SERVICE'), null, { timeout: 10000 });
  step('refusal', { shown: await page.getByTestId('refusals').textContent() });
  await page.close();

  // ---- the node with a token ------------------------------------------------------------------------------------
  const guarded = await newPage();
  await guarded.goto(secured + '/ui/');
  await guarded.locator('#token-form').waitFor({ state: 'visible', timeout: 15000 });
  expect(await guarded.locator('#overview').isHidden(), 'nothing shown before the token');
  await guarded.fill('#token-input', 'wrong');
  await guarded.click('#token-form button');
  await guarded.waitForFunction(() => document.getElementById('token-error').textContent.includes('not valid'), null, { timeout: 10000 });
  await guarded.fill('#token-input', token);
  await guarded.click('#token-form button');
  await guarded.locator('#exchanges [data-exchange="demo-jobs"]').waitFor({ timeout: 15000 });
  expect((await guarded.getByTestId('access').textContent()).includes('token'), 'the page says it carries the token');
  await guarded.screenshot({ path: shots + '/with-token.png' });
  step('token');
  await guarded.close();

  // The API's refusals (400, 401, 404, 503) are logged by the browser as failed loads; script errors are not allowed.
  const scriptErrors = consoleErrors.filter((e) => !e.startsWith('Failed to load resource'));
  expect(scriptErrors.length === 0, 'no script errors in the page: ' + scriptErrors.join('; '));
  step('done', { ok: true });
} catch (e) {
  console.log(JSON.stringify({ step: 'failed', error: String(e && e.stack || e), consoleErrors }));
  for (const [i, p] of pages.entries()) {
    if (!p.isClosed()) await p.screenshot({ path: shots + '/failed-' + i + '.png', fullPage: true }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
