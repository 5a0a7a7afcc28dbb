import type { ServerResponse } from "node:http";
import type { Answer } from "./rejection.js";

/** Sends a JSON answer on a Node response (also Express's, which extends it). */
export function sendAnswer(response: ServerResponse, answer: Answer): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.statusCode = answer.status;
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify(answer.body));
}
