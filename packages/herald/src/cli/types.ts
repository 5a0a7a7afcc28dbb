/** The API objects the client commands print (contract §3), as far as they read them. */

export interface List<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

export interface EndpointJson {
  id: string;
  url: string;
  enabled_events: string[];
  status: "enabled" | "disabled";
  description: string | null;
  signature_scheme: string;
  livemode: boolean;
  created: number;
  secret?: string;
}

export interface EventJson {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  data: { object: Record<string, unknown> };
}

export interface DeliveryJson {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  status: string;
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: number | null;
  last_response_status: number | null;
  created: number;
}

export interface EventTypeJson {
  name: string;
  group: string;
}
