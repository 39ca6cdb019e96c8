// The REST API. Every failure becomes an ApiError whose message is the server's `error` in words.

/** A failed API call: HTTP status, the server's message and its details (e.g. problems). */
export class ApiError extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details || null;
  }

  /** Validation problems {path, message} the server listed, if any. */
  get problems() {
    const problems = this.details && this.details.problems;
    return Array.isArray(problems) ? problems : [];
  }
}

// The server's same-origin guard lets state-changing requests through only with this header.
const MUTATION_HEADERS = { 'X-Requested-With': 'pulse-dashboard' };

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, MUTATION_HEADERS);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'Cannot reach the PULSE server. Check your connection; the page catches up once it is back.');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!response.ok) {
    const message = json && typeof json.error === 'string' ? json.error : describeStatus(response.status);
    throw new ApiError(response.status, message, json && json.details);
  }
  return json;
}

function describeStatus(status) {
  switch (status) {
    case 401: return 'Not signed in. Reload the page to sign in again.';
    case 403: return 'You are not allowed to do this.';
    case 404: return 'Not found.';
    case 502:
    case 503:
    case 504: return 'The PULSE server is unavailable right now. Try again in a moment.';
    default: return `The server answered with HTTP ${status}.`;
  }
}

// Read even when it answers 503: a degraded server still says which version it runs.
async function health() {
  const response = await fetch('/health', { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  return response.json();
}

const enc = encodeURIComponent;

export const api = {
  user: () => call('GET', '/api/user'),
  health,

  workers: () => call('GET', '/api/workers'),
  deleteWorker: (id) => call('DELETE', `/api/workers/${enc(id)}`),
  runCommand: (id, command, timeout) => call('POST', `/api/workers/${enc(id)}/command`,
    timeout ? { command, timeout } : { command }),
  command: (id) => call('GET', `/api/commands/${enc(id)}`),

  workflows: () => call('GET', '/api/workflows'),
  workflow: (id) => call('GET', `/api/workflows/${enc(id)}`),
  createWorkflow: (workflow) => call('POST', '/api/workflows', workflow),
  updateWorkflow: (id, workflow) => call('PUT', `/api/workflows/${enc(id)}`, workflow),
  deleteWorkflow: (id) => call('DELETE', `/api/workflows/${enc(id)}`),
  schedule: (id) => call('GET', `/api/workflows/${enc(id)}/schedule`),
  setSchedule: (id, schedule) => call('PUT', `/api/workflows/${enc(id)}/schedule`, schedule),

  executions: (query = {}) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, value);
    }
    const suffix = params.toString() ? `?${params}` : '';
    return call('GET', `/api/executions${suffix}`);
  },
  execution: (id) => call('GET', `/api/executions/${enc(id)}`),
  startExecution: (workflowId, params) => call('POST', '/api/executions', params && Object.keys(params).length
    ? { workflow_id: workflowId, params } : { workflow_id: workflowId }),
  respond: (id, response) => call('POST', `/api/executions/${enc(id)}/respond`, { response }),
  cancel: (id) => call('POST', `/api/executions/${enc(id)}/cancel`),
  resume: (id) => call('POST', `/api/executions/${enc(id)}/resume`),
};

/** Lists may come bare or wrapped ({workers:[...]}); the dashboard takes either. */
export function asList(value, key) {
  if (Array.isArray(value)) return value;
  if (value && Array.isArray(value[key])) return value[key];
  return [];
}
