/**
 * Realistic `data.object`s for every catalogue type, for the endpoint `test`
 * route and `herald trigger`. Ids are fresh on every call; amounts are integers
 * in minor units (cents), as the payment platforms Herald serves send them.
 */
import { randomBytes } from "node:crypto";
import { newId } from "./ids.js";

type SampleObject = Record<string, unknown>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const txHash = (): string => `0x${randomBytes(32).toString("hex")}`;
const wallet = (): string => `0x${randomBytes(20).toString("hex")}`;
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const solanaWallet = (): string => Array.from(randomBytes(44), (b) => BASE58[b % 58]).join("");

function payment(status: string, extra: SampleObject = {}): SampleObject {
  const onSolana = (randomBytes(1)[0] ?? 0) % 2 === 1;
  const settled = status === "succeeded" || status === "confirmed";
  return {
    id: newId("pay"),
    object: "payment",
    amount: 2999,
    currency: "usd",
    status,
    network: onSolana ? "solana" : "base",
    asset: "USDC",
    payer: onSolana ? solanaWallet() : wallet(),
    tx_hash: settled || status === "pending" ? txHash() : null,
    description: "Pro plan, monthly",
    metadata: { order_id: "order_1042" },
    created: nowSeconds() - 30,
    ...extra,
  };
}

function refund(status: string, extra: SampleObject = {}): SampleObject {
  return {
    id: newId("re"),
    object: "refund",
    payment: newId("pay"),
    amount: 2999,
    currency: "usd",
    status,
    reason: "requested_by_customer",
    tx_hash: status === "succeeded" ? txHash() : null,
    created: nowSeconds() - 10,
    ...extra,
  };
}

function customer(extra: SampleObject = {}): SampleObject {
  return {
    id: newId("cus"),
    object: "customer",
    email: "jenny.rosen@example.com",
    name: "Jenny Rosen",
    wallet: wallet(),
    metadata: {},
    created: nowSeconds() - 86_400,
    ...extra,
  };
}

function checkoutSession(status: string, extra: SampleObject = {}): SampleObject {
  return {
    id: newId("cs"),
    object: "checkout.session",
    status,
    amount_total: 4900,
    currency: "usd",
    customer: newId("cus"),
    customer_email: "jenny.rosen@example.com",
    payment: status === "complete" ? newId("pay") : null,
    success_url: "https://shop.example.com/thanks",
    expires_at: nowSeconds() + 1800,
    created: nowSeconds() - 300,
    ...extra,
  };
}

function charge(status: string, extra: SampleObject = {}): SampleObject {
  return {
    id: newId("ch"),
    object: "charge",
    amount: 1500,
    currency: "usd",
    status,
    payment: newId("pay"),
    customer: newId("cus"),
    failure_code: null,
    failure_message: null,
    created: nowSeconds() - 5,
    ...extra,
  };
}

function paywall(extra: SampleObject = {}): SampleObject {
  return {
    id: newId("pw"),
    object: "paywall",
    name: "Premium articles",
    resource_url: "https://news.example.com/premium/*",
    price: { amount: 50, currency: "usd" },
    network: "base",
    active: true,
    created: nowSeconds() - 3600,
    ...extra,
  };
}

function service(extra: SampleObject = {}): SampleObject {
  return {
    id: newId("svc"),
    object: "service",
    name: "Weather API",
    endpoint_url: "https://api.example.com/weather",
    price: { amount: 1, currency: "usd", per: "request" },
    network: "base",
    created: nowSeconds(),
    ...extra,
  };
}

const SAMPLES: Record<string, () => SampleObject> = {
  "payment.succeeded": () => payment("succeeded"),
  "payment.failed": () =>
    payment("failed", { failure_code: "insufficient_funds", failure_message: "The payer's balance is too low." }),
  "payment.requested": () => payment("requested", { expires_at: nowSeconds() + 900 }),
  "payment.pending": () => payment("pending"),
  "payment.confirmed": () => payment("confirmed", { confirmations: 12 }),
  "payment.expired": () => payment("expired", { expired_at: nowSeconds() }),
  "checkout.session.completed": () => checkoutSession("complete"),
  "checkout.session.expired": () => checkoutSession("expired", { expires_at: nowSeconds() }),
  "refund.created": () => refund("pending"),
  "refund.failed": () => refund("failed", { failure_reason: "payer_wallet_unreachable" }),
  "refund.updated": () => refund("succeeded"),
  "customer.created": () => customer(),
  "customer.updated": () => customer({ name: "Jenny R. Rosen" }),
  "customer.deleted": () => ({ ...customer(), deleted: true }),
  "charge.succeeded": () => charge("succeeded"),
  "charge.failed": () =>
    charge("failed", { failure_code: "card_declined", failure_message: "The payment method was declined." }),
  "paywall.created": () => paywall(),
  "paywall.updated": () => paywall({ price: { amount: 75, currency: "usd" } }),
  "paywall.deleted": () => ({ ...paywall({ active: false }), deleted: true }),
  "service.created": () => service(),
};

/** A realistic `data.object` for an event of `type`; a generic object for custom types. */
export function sampleObject(type: string): Record<string, unknown> {
  const make = SAMPLES[type];
  if (make !== undefined) return make();
  const noun = type.split(".").slice(0, -1).join("_") || type;
  return { id: newId("obj"), object: noun, sample: true, created: nowSeconds() };
}
