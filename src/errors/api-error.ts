import { statusForCode, type ErrorCode } from "./codes";

/** One entry of the `errors` array; `field` is a path such as `segment_subgroup[1].segment_operator`. */
export interface ErrorDetail {
  code: ErrorCode;
  field?: string;
  message: string;
}

/**
 * The only error type routes and middleware throw on purpose. It carries one or more details
 * (validation reports every problem at once) and optional response headers such as
 * `WWW-Authenticate`, and optional extra `meta` facts (e.g. how many groups still use a
 * segment). Its status always follows from the first detail's code.
 */
export class ApiError extends Error {
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;
  readonly meta: Record<string, unknown>;

  constructor(details: ErrorDetail | ErrorDetail[], headers: Record<string, string> = {}, meta: Record<string, unknown> = {}) {
    const list = Array.isArray(details) ? details : [details];
    if (list.length === 0) throw new TypeError("ApiError needs at least one detail");
    super(list[0]!.message);
    this.name = "ApiError";
    this.details = list;
    this.headers = headers;
    this.meta = meta;
  }

  get status() {
    return statusForCode(this.details[0]!.code);
  }

  static of(code: ErrorCode, message: string, field?: string): ApiError {
    return new ApiError(field === undefined ? { code, message } : { code, field, message });
  }
}
