// Drives a running node through its SockJS bridge with the stock Vert.x client (@vertx/eventbus-bridge-client.js):
// request-response, then subscribe + publish. Prints one JSON line per result and exits 0 only if all passed.
// Last, it registers as a worker on a tasks exchange, takes one task and exits without acking it: the node must
// hand that task to another worker once the connection is gone.
// Usage: node bridge-client.js http://127.0.0.1:8080/eventbus <rpc-exchange> <pubsub-exchange> <tasks-exchange>
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [url, rpcExchange, pubsubExchange, tasksExchange] = process.argv.slice(2);
const eb = new EventBus(url);
const timer = setTimeout(() => fail('timed out after 20s'), 20000);

function fail(why) {
  console.log(JSON.stringify({ ok: false, why }));
  process.exit(1);
}

function request(address, body) {
  return new Promise((resolve, reject) => eb.send(address, body, {}, (err, reply) => err ? reject(err) : resolve(reply.body)));
}

eb.onerror = (e) => fail('bridge error: ' + JSON.stringify(e));
eb.onopen = async () => {
  try {
    const reply = await request('messaging.api.request', { exchange: rpcExchange, tag: 'js-1', message: 'hello from node' });
    console.log(JSON.stringify({ step: 'request', reply }));
    if (reply.kind !== 'message' || reply.tag !== 'js-1' || reply.message !== 'hello from node') fail('bad reply');

    try {
      await request('messaging.api.request', { exchange: 'no-such-exchange-here', message: 'x' });
      fail('a request to a missing exchange succeeded');
    } catch (err) {
      console.log(JSON.stringify({ step: 'refusal', failureCode: err.failureCode, message: err.message }));
      if (err.failureCode !== 4001) fail('expected failure code 4001');
    }

    const inbox = 'messaging.client.js-' + process.pid;
    const received = new Promise((resolve) => eb.registerHandler(inbox, {}, (err, msg) => {
      if (!err && msg.body.key) resolve(msg.body);
    }));
    const sub = await request('messaging.api.subscribe', { exchange: pubsubExchange, pattern: 'orders.*', tag: 'js-sub', replyTo: inbox });
    console.log(JSON.stringify({ step: 'subscribe', sub }));
    const published = await request('messaging.api.publish', { exchange: pubsubExchange, key: 'orders.eu', message: { id: 7 } });
    console.log(JSON.stringify({ step: 'publish', published }));
    const delivery = await received;
    console.log(JSON.stringify({ step: 'delivery', delivery }));
    if (delivery.tag !== 'js-sub' || delivery.key !== 'orders.eu' || JSON.parse(delivery.message).id !== 7) fail('bad delivery');

    // Addresses belong to their connection: a second SockJS client registers the same address; each gets only
    // its own pushes, and a replyTo a connection did not register is refused.
    const other = new EventBus(url);
    await new Promise((resolve) => { other.onopen = resolve; });
    const otherGot = [];
    other.registerHandler(inbox, {}, (err, msg) => { if (!err && msg.body.key) otherGot.push(msg.body); });
    const denied = await new Promise((resolve) => other.send('messaging.api.subscribe',
      { exchange: pubsubExchange, pattern: '#', replyTo: 'messaging.client.not-mine' }, {}, (err) => resolve(err)));
    console.log(JSON.stringify({ step: 'unregistered replyTo', denied }));
    if (!denied || denied.failureCode !== 4008) fail('a replyTo the connection did not register was accepted');
    const again = new Promise((resolve) => eb.registerHandler(inbox, {}, (err, msg) => {
      if (!err && msg.body.key === 'orders.us') resolve(msg.body);
    }));
    await request('messaging.api.publish', { exchange: pubsubExchange, key: 'orders.us', message: 'for the first only' });
    await again;
    await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(JSON.stringify({ step: 'isolation', otherGot: otherGot.length }));
    if (otherGot.length !== 0) fail('a connection received pushes sent to another connection');
    other.close();

    const workerInbox = 'messaging.client.js-worker-' + process.pid;
    const task = new Promise((resolve) => eb.registerHandler(workerInbox, {}, (err, msg) => {
      if (!err && msg.body.kind === 'task') resolve(msg.body);
    }));
    const worker = await request('messaging.api.register', { exchange: tasksExchange, role: 'worker', prefetch: 1, replyTo: workerInbox });
    console.log(JSON.stringify({ step: 'register', worker }));
    const held = await task;
    console.log(JSON.stringify({ step: 'task', held }));

    clearTimeout(timer);
    console.log(JSON.stringify({ ok: true }));
    process.exit(0); // without acking: the connection drops with the task held
  } catch (err) {
    fail('unexpected: ' + JSON.stringify(err));
  }
};
