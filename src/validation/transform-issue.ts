import type { core } from "zod/mini";
import type { ErrorCode } from "../errors";

/**
 * Reports one problem from inside a `z.transform` (zod/mini's transforms get the bare parse
 * payload, without classic zod's `ctx.addIssue`): `code` and `message` reach the client as written.
 */
export function addTransformIssue(payload: core.ParsePayload, code: ErrorCode, message: string): void {
  payload.issues.push({ code: "custom", message, params: { code }, input: payload.value });
}
