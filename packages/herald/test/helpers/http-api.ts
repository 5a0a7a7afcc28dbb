/**
 * Talking to a `herald serve` child over HTTP: one call helper and an
 * account with a test and a live key.
 */
import { request } from "undici";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** Calls `method path` with a bearer token; the body is sent as JSON. */
export async function call(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await request(`${url}${path}`, {
    method: method as "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text === "" ? null : JSON.parse(text) };
}

/** A `pro` account made with the operator token, with one test and one live key. */
export async function account(
  url: string,
  adminToken: string,
): Promise<{ id: string; testKey: string; liveKey: string }> {
  const acct = await call(url, adminToken, "POST", "/v1/accounts", { name: "Chaos", plan: "pro" });
  if (acct.status !== 201) throw new Error(`account: ${acct.status} ${JSON.stringify(acct.body)}`);
  const key = async (mode: string) => {
    const res = await call(url, adminToken, "POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode });
    if (res.status !== 201) throw new Error(`api key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.secret as string;
  };
  return { id: acct.body.id as string, testKey: await key("test"), liveKey: await key("live") };
}
