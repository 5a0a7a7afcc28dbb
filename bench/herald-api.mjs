/** The few Herald API calls a scenario needs to set itself up (see docs/api.md). */
import { request } from "undici";

/**
 * @param {string} base
 * @param {string} token
 * @param {string} path
 * @param {unknown} body
 */
async function post(base, token, path, body) {
  const res = await request(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`POST ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

/**
 * A `pro` account with a test key and one endpoint per URL, each subscribed to every event.
 * @param {string} base Herald's API URL
 * @param {string} adminToken
 * @param {string[]} urls
 * @returns {Promise<{accountId: string, key: string, endpointIds: string[]}>}
 */
export async function setupAccount(base, adminToken, urls) {
  const account = await post(base, adminToken, "/v1/accounts", { name: "Bench" });
  const key = await post(base, adminToken, `/v1/accounts/${account.id}/api_keys`, { mode: "test" });
  const endpointIds = [];
  for (const url of urls) {
    const endpoint = await post(base, key.secret, "/v1/webhooks", { url, enabled_events: ["*"] });
    endpointIds.push(endpoint.id);
  }
  return { accountId: account.id, key: key.secret, endpointIds };
}

/**
 * @param {string} base
 * @param {string} token
 * @param {string} path
 */
async function get(base, token, path) {
  const res = await request(`${base}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`GET ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

/**
 * Why the endpoint's deliveries that are still pending after an attempt
 * failed: the errors of their attempts (from up to `sample` of the newest).
 * @param {string} base
 * @param {string} key
 * @param {string} endpointId
 * @returns {Promise<{pendingAfterFailure: number, attemptErrors: Record<string, number>}>}
 */
export async function failedAttemptErrors(base, key, endpointId, sample = 20) {
  const page = await get(base, key, `/v1/deliveries?endpoint_id=${endpointId}&status=pending&limit=100`);
  const retried = page.data.filter((/** @type {any} */ d) => d.attempt_count > 0);
  /** @type {Record<string, number>} */
  const attemptErrors = {};
  for (const d of retried.slice(0, sample)) {
    const full = await get(base, key, `/v1/deliveries/${d.id}`);
    for (const a of full.attempts ?? []) {
      const why = a.error ?? `status ${a.response_status}`;
      attemptErrors[why] = (attemptErrors[why] ?? 0) + 1;
    }
  }
  return { pendingAfterFailure: retried.length, attemptErrors };
}
