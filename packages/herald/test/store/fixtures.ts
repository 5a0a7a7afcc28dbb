import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { Endpoint, HeraldEvent, Mode, Scope } from "../../src/domain/types.js";
import type { NewEndpoint, Store } from "../../src/store/store.js";

export const T0 = 1_764_000_000_000;

export async function account(store: Store, plan: "free" | "pro" = "pro"): Promise<string> {
  const id = newId(ID_PREFIX.account);
  await store.createAccount({ id, name: "Test", plan, created: T0 });
  return id;
}

export function endpoint(scope: Scope, over: Partial<NewEndpoint> = {}): NewEndpoint {
  const id = newId(ID_PREFIX.endpoint);
  return {
    id,
    accountId: scope.accountId,
    mode: scope.mode,
    url: `https://example.com/hooks/${id}`,
    enabledEvents: ["*"],
    status: "enabled",
    description: null,
    metadata: {},
    signatureScheme: "standard",
    signatureHeader: null,
    timestampHeader: null,
    rateLimit: null,
    maxInFlight: null,
    secrets: [{ ciphertext: "v1.x.y.z", expiresAt: null }],
    created: T0,
    ...over,
  };
}

export async function addEndpoint(store: Store, scope: Scope, over: Partial<NewEndpoint> = {}): Promise<Endpoint> {
  return store.createEndpoint(endpoint(scope, over), 20);
}

export function event(scope: Scope, type = "payment.succeeded", created = T0): HeraldEvent {
  const id = newId(ID_PREFIX.event);
  return {
    id,
    accountId: scope.accountId,
    mode: scope.mode as Mode,
    type,
    created,
    body: JSON.stringify({
      id,
      object: "event",
      type,
      created: Math.floor(created / 1000),
      livemode: false,
      data: { object: {} },
    }),
  };
}
