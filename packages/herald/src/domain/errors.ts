/**
 * The one error type Herald's API speaks (contract §3). Everything thrown
 * inside a request is either one of these or becomes a 500 `api_error`.
 */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found"
  | "conflict"
  | "rate_limit_error"
  | "api_error";

const STATUS: Record<ErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found: 404,
  conflict: 409,
  rate_limit_error: 429,
  api_error: 500,
};

export class HeraldError extends Error {
  readonly type: ErrorType;
  readonly code: string;
  readonly status: number;
  readonly param: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    type: ErrorType,
    code: string,
    message: string,
    opts: { param?: string; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HeraldError";
    this.type = type;
    this.code = code;
    this.status = opts.status ?? STATUS[type];
    this.param = opts.param;
    this.headers = opts.headers;
  }

  toJSON(): { error: { type: ErrorType; code: string; message: string; param?: string } } {
    const error: { type: ErrorType; code: string; message: string; param?: string } = {
      type: this.type,
      code: this.code,
      message: this.message,
    };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }
}

export const invalid = (code: string, message: string, param?: string): HeraldError =>
  new HeraldError("invalid_request_error", code, message, param === undefined ? {} : { param });

export const notFound = (what: string, id?: string): HeraldError =>
  new HeraldError("not_found", "resource_missing", id === undefined ? `No such ${what}.` : `No such ${what}: '${id}'.`);

export const conflict = (code: string, message: string, param?: string): HeraldError =>
  new HeraldError("conflict", code, message, param === undefined ? {} : { param });
