// Drives a running node through its SockJS bridge with the stock Vert.x client (@vertx/eventbus-bridge-client.js):
// request-response, then subscribe + publish. Prints one JSON line per result and exits 0 only if all passed.
// Usage: node bridge-client.js http://127.0.0.1:8080/eventbus <rpc-exchange> <pubsub-exchange>
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [url, rpcExchange, pubsubExchange] = process.argv.slice(2);
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

    clearTimeout(timer);
    console.log(JSON.stringify({ ok: true }));
    eb.close();
    process.exit(0);
  } catch (err) {
    fail('unexpected: ' + JSON.stringify(err));
  }
};
