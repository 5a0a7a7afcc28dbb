import type { EventType } from "./types.js";

/** The built-in catalogue of contract §5. Operators may add more at run time. */
export const BUILTIN_EVENT_TYPES: readonly EventType[] = [
  t("payment.succeeded", "Payments", true, "A payment was validated and settled."),
  t("payment.failed", "Payments", true, "A payment or its fulfilment failed."),
  t("payment.requested", "Payments", false, "A payment was requested from a buyer."),
  t("payment.pending", "Payments", false, "A payment exists but is not yet confirmed."),
  t("payment.confirmed", "Payments", false, "A payment was confirmed on its network."),
  t("payment.expired", "Payments", false, "A payment request expired unpaid."),
  t("checkout.session.completed", "Checkout", true, "A checkout session was paid."),
  t("checkout.session.expired", "Checkout", false, "A checkout session expired."),
  t("refund.created", "Refunds", true, "A refund was issued."),
  t("refund.failed", "Refunds", true, "A refund could not be completed."),
  t("refund.updated", "Refunds", false, "A refund changed state."),
  t("customer.created", "Customers", true, "A customer was created."),
  t("customer.updated", "Customers", true, "A customer was updated."),
  t("customer.deleted", "Customers", true, "A customer was deleted."),
  t("charge.succeeded", "Charges", false, "A charge succeeded."),
  t("charge.failed", "Charges", false, "A charge failed."),
  t("paywall.created", "Paywalls", false, "A paywall was created."),
  t("paywall.updated", "Paywalls", false, "A paywall was updated."),
  t("paywall.deleted", "Paywalls", false, "A paywall was deleted."),
  t("service.created", "Services", false, "A service was created."),
];

function t(name: string, group: string, recommended: boolean, description: string): EventType {
  return { name, group, recommended, description };
}

/** `payment.*` matches every type under `payment.`; `*` matches all. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Whether an endpoint subscribed to `enabledEvents` receives an event of `type`. */
export function endpointWants(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.some((p) => typeMatches(p, type));
}
