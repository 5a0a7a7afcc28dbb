/**
 * A Server-Sent Events parser (the WHATWG event-stream format): text in, as
 * it arrives in chunks, complete messages out. Comments (`: heartbeat`) and
 * unknown fields are skipped; `retry` is not used (reconnects follow our own
 * backoff).
 */

export interface SseMessage {
  /** `event:`; "message" when absent. */
  event: string;
  /** `data:` lines joined with "\n". */
  data: string;
  /** `id:` of this message, if it had one. */
  id: string | undefined;
}

export class SseParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #id: string | undefined;

  /** Feeds a decoded chunk; answers the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone "\r" at the end may be the first half of "\r\n": wait for more.
      if (match === null || (match[0] === "\r" && match.index === this.#buffer.length - 1)) return messages;
      const lineText = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const message = this.#line(lineText);
      if (message !== undefined) messages.push(message);
    }
  }

  #line(text: string): SseMessage | undefined {
    if (text === "") return this.#dispatch();
    if (text.startsWith(":")) return undefined;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    else if (field === "id" && !value.includes("\0")) this.#id = value;
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const hadData = this.#data.length > 0;
    const message = { event: this.#event || "message", data: this.#data.join("\n"), id: this.#id };
    this.#event = "";
    this.#data = [];
    this.#id = undefined;
    return hadData ? message : undefined;
  }
}
