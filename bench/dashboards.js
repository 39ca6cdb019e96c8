'use strict';
// S5 of the PULSE benchmark: CLIENTS dashboard clients in this Node process, each its own SockJS
// connection through @vertx/eventbus-bridge-client.js (the client the dashboard uses), subscribed to
// one address. Every event's arrival is noted per client; on "report REF OUT" (stdin) the arrivals
// are compared with the reference times in REF and a histogram of delays is written to OUT.
//
// usage: node dashboards.js PORT CLIENTS ADDRESS
const http = require('http');
const fs = require('fs');
const readline = require('readline');
const { performance, monitorEventLoopDelay } = require('perf_hooks');

// In production the reverse proxy adds the SSO headers to every request of a signed-in browser;
// here this process plays the proxy: the SockJS /info request goes through http.request, the
// WebSocket gets them through the transport's options.
const SSO = { 'Remote-User': 'bench', 'Remote-Groups': 'admin' };
const plainRequest = http.request;
http.request = function (options, callback) {
  if (options && typeof options === 'object' && !(options instanceof URL)) {
    options.headers = Object.assign({}, options.headers || {}, SSO);
  }
  return plainRequest.call(http, options, callback);
};
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [port, clientCount, address] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map();      // event key -> arrival times (ms since the epoch), one per client
const lag = monitorEventLoopDelay({ resolution: 10 });
let open = 0;
let failed = 0;
const buses = [];

function key(body) {
  const part = (v) => (v === undefined || v === null ? '' : String(v));
  return [part(body.execution_id), part(body.type), part(body.status), part(body.step), part(body.worker_id)].join('|');
}

const failures = new Map();   // reason -> count

function settled() {
  if (open + failed === clientCount) {
    console.log(`ready ${open} open, ${failed} failed ${JSON.stringify(Object.fromEntries(failures))}`);
  }
}

function connect(i) {
  const bus = new EventBus(`http://127.0.0.1:${port}/eventbus`, {
    transports: ['websocket'],
    transportOptions: { websocket: { headers: SSO } },
    vertxbus_reconnect_attempts_max: 0,
  });
  let done = false;
  const fail = (reason) => {
    if (!done) {
      done = true;
      failed++;
      failures.set(reason, (failures.get(reason) || 0) + 1);
      settled();
    }
  };
  const giveUp = setTimeout(() => fail('no open within 30 s'), 30000);
  bus.onopen = () => {
    bus.registerHandler(address, (err, message) => {
      const t = now();
      if (err || !message || !message.body) {
        return;
      }
      const k = key(message.body);
      let list = arrivals.get(k);
      if (!list) {
        list = [];
        arrivals.set(k, list);
      }
      list.push(t);
    });
    clearTimeout(giveUp);
    if (!done) {
      done = true;
      open++;
      settled();
    }
  };
  bus.onerror = (e) => fail(`error ${JSON.stringify(e && (e.body || e.message || e.type || e))}`.slice(0, 120));
  bus.onclose = (e) => {
    clearTimeout(giveUp);
    fail(`closed before open ${JSON.stringify(e && (e.code || e.reason))}`);
  };
  buses.push(bus);
}

function report(refFile, outFile) {
  lag.disable();
  const reference = JSON.parse(fs.readFileSync(refFile, 'utf8'));
  const histogram = {};   // whole milliseconds of delay -> count
  // Per 5 s of the load (by the event's reference time): deliveries and those later than 100 ms,
  // to tell a tail that lasts from one that passes (a cold start, a pause).
  let first = Infinity;
  for (const ref of Object.values(reference)) first = Math.min(first, ref);
  const slices = {};
  let matched = 0;
  let unmatched = 0;
  let duplicates = 0;
  for (const [k, times] of arrivals) {
    const ref = reference[k];
    if (ref === undefined) {
      unmatched += times.length;
      continue;
    }
    if (times.length > open) {
      duplicates += times.length - open;
    }
    for (const t of times) {
      const bucket = Math.floor(t - ref);
      histogram[bucket] = (histogram[bucket] || 0) + 1;
      const second = Math.floor((ref - first) / 5000) * 5;
      const slice = slices[second] || (slices[second] = [0, 0]);
      slice[0]++;
      if (bucket >= 100) slice[1]++;
      matched++;
    }
  }
  const expected = Object.keys(reference).length * open;
  fs.writeFileSync(outFile, JSON.stringify({
    clients: clientCount, open, failed, expected, matched, unmatched, duplicates,
    event_loop_lag_p99_ms: lag.percentile(99) / 1e6, event_loop_lag_max_ms: lag.max / 1e6, histogram,
    slices,
  }));
  console.log('reported');
}

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === 'report') {
    report(args[0], args[1]);
  } else if (command === 'reset') {
    arrivals.clear();
    lag.reset();
    lag.enable();
    console.log('reset');
  } else if (command === 'quit') {
    buses.forEach((bus) => bus.close());
    setTimeout(() => process.exit(0), 1000);
  }
});
input.on('close', () => process.exit(0));

// Bounded in time whatever happens to the benchmark that started it.
setTimeout(() => process.exit(3), 20 * 60 * 1000).unref();
lag.enable();
// Connect gradually: a burst of hundreds of handshakes at once measures the accept queue, not PULSE.
let next = 0;
const opener = setInterval(() => {
  for (let k = 0; k < 10 && next < clientCount; k++) {
    connect(next++);
  }
  if (next >= clientCount) {
    clearInterval(opener);
  }
}, 20);
