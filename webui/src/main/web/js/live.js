// Live events from the server's SockJS bridge. The official Vert.x client reconnects by itself;
// after every (re)connection listeners get 'open' so views re-fetch what they may have missed.
import EventBus from '@vertx/eventbus-bridge-client.js';

const ADDRESSES = {
  worker_update: 'pulse.events.worker_update',
  worker_metrics: 'pulse.events.worker_metrics',
  workflow: 'pulse.events.workflow',
  execution: 'pulse.events.execution',
  output: 'pulse.events.output',
  command: 'pulse.events.command',
};

const listeners = new Map();
let state = 'connecting';
let opens = 0;

function emit(topic, payload) {
  for (const fn of listeners.get(topic) || []) {
    try {
      fn(payload);
    } catch (e) {
      console.error(`live listener for ${topic} failed`, e);
    }
  }
}

function setState(next) {
  state = next;
  emit('state', next);
}

/** Subscribes to a topic (an ADDRESSES key, 'open' or 'state'); returns the unsubscribe function. */
export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function connectionState() {
  return state;
}

/** Opens the bridge once for the whole page. */
export function connect() {
  const bus = new EventBus('/eventbus', {
    vertxbus_reconnect_delay_min: 500,
    vertxbus_reconnect_delay_max: 5000,
    vertxbus_ping_interval: 5000,
  });
  bus.enableReconnect(true);
  bus.onerror = (err) => console.warn('event bus error', err);
  // The client forgets its handlers with each new socket, so register on every open.
  bus.onopen = () => {
    for (const [topic, address] of Object.entries(ADDRESSES)) {
      bus.registerHandler(address, (err, message) => {
        if (!err && message && message.body) emit(topic, message.body);
      });
    }
    opens += 1;
    setState('open');
    emit('open', { reconnected: opens > 1 });
  };
  bus.onclose = () => setState(state === 'open' || opens > 0 ? 'reconnecting' : 'connecting');
  return bus;
}
