/**
 * First-start state: the operator token, the operator notice secret and the
 * demo account. Each is created once, kept in the store, and its secret is
 * returned only on the start that created it (so it is printed once).
 */
import { generateSecret } from "@herald/webhooks";
import type { HeraldConfig } from "../config/config.js";
import { ID_PREFIX, newId } from "../domain/ids.js";
import { hashSecret, newAdminToken, newSecretKey } from "../secrets/api-key.js";
import type { SecretBox } from "../secrets/secret-box.js";
import type { Store } from "../store/store.js";

export interface Bootstrap {
  adminTokenHash: string;
  /** Set when this start generated the token. */
  newAdminToken: string | null;
  operatorSecret: string;
  newOperatorSecret: boolean;
  demo: { accountId: string; testKey: string } | null;
}

export async function bootstrap(store: Store, box: SecretBox, config: HeraldConfig, now: number): Promise<Bootstrap> {
  await checkMasterKey(store, box);
  let adminTokenHash: string;
  let createdToken: string | null = null;
  if (config.adminToken !== null) {
    adminTokenHash = hashSecret(config.adminToken);
  } else {
    const candidate = newAdminToken();
    adminTokenHash = await store.setSettingIfAbsent("admin_token_sha256", hashSecret(candidate));
    if (adminTokenHash === hashSecret(candidate)) createdToken = candidate;
  }

  let operatorSecret: string;
  let newOperatorSecret = false;
  if (config.operatorWebhookSecret !== null) {
    operatorSecret = config.operatorWebhookSecret;
  } else {
    const candidate = box.seal(generateSecret());
    const stored = await store.setSettingIfAbsent("operator_webhook_secret", candidate);
    newOperatorSecret = stored === candidate;
    operatorSecret = box.open(stored);
  }

  let demo: Bootstrap["demo"] = null;
  // Several processes may start at once on a fresh database: the one whose
  // nonce lands first creates the demo account, the others see it taken.
  const nonce = newId("boot");
  if ((await store.countAccounts()) === 0 && (await store.setSettingIfAbsent("demo_account_claim", nonce)) === nonce) {
    const accountId = newId(ID_PREFIX.account);
    await store.createAccount({ id: accountId, name: "Demo", plan: "pro", created: now });
    const testKey = newSecretKey("test");
    await store.createApiKey(
      { id: newId(ID_PREFIX.apiKey), accountId, mode: "test", created: now, revokedAt: null },
      hashSecret(testKey),
    );
    demo = { accountId, testKey };
  }
  return { adminTokenHash, newAdminToken: createdToken, operatorSecret, newOperatorSecret, demo };
}

const KEY_CHECK = "herald-master-key-check";

/**
 * Refuses to start with a master key other than the one the store's secrets
 * were sealed with: every signature would otherwise fail, silently, at
 * delivery time. (Processes sharing one PostgreSQL must share the key.)
 */
async function checkMasterKey(store: Store, box: SecretBox): Promise<void> {
  const stored = await store.setSettingIfAbsent("master_key_check", box.seal(KEY_CHECK));
  let ok = false;
  try {
    ok = box.open(stored) === KEY_CHECK;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      "This master key cannot open the store's secrets. Set HERALD_MASTER_KEY (or the data dir's master.key) to the key the store was created with.",
    );
  }
}
