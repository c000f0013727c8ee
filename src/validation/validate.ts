import { zValidator } from "@hono/zod-validator";
import { ApiError } from "../errors";
import { tagMiddleware, type RequestSchema } from "../openapi/describe-route";
import { issuesToDetails } from "./issues-to-details";
import { withProblemsInsideLongArrays } from "./long-arrays";

/**
 * zod validation of one part of the request (`json` body, path `param`s or `query`) that
 * reports every problem at once, each as `{code, field, message}` in the error envelope.
 *
 * @example app.post("/things", requireJsonBody, validate("json", thingSchema), (c) => c.req.valid("json"))
 */
export function validate<Target extends "json" | "param" | "query", T extends RequestSchema>(target: Target, schema: T) {
  const middleware = zValidator(target, schema, async function reportAllIssues(result) {
    if (result.success) return;
    const issues = await withProblemsInsideLongArrays(schema, result.data, result.error.issues);
    throw new ApiError(issuesToDetails(issues, result.data));
  });
  return tagMiddleware(middleware, { kind: "validate", target, schema });
}
