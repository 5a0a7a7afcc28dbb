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
  if ((await store.countAccounts()) === 0 && (await store.setSettingIfAbsent("demo_created", "1")) === "1") {
    const claimed = await store.getSetting("demo_account");
    if (claimed === null) {
      const accountId = newId(ID_PREFIX.account);
      await store.setSetting("demo_account", accountId);
      await store.createAccount({ id: accountId, name: "Demo", plan: "pro", created: now });
      const testKey = newSecretKey("test");
      await store.createApiKey(
        { id: newId(ID_PREFIX.apiKey), accountId, mode: "test", created: now, revokedAt: null },
        hashSecret(testKey),
      );
      demo = { accountId, testKey };
    }
  }
  return { adminTokenHash, newAdminToken: createdToken, operatorSecret, newOperatorSecret, demo };
}
