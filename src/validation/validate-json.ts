import { zValidator } from "@hono/zod-validator";
import type { ZodType } from "zod";
import { ApiError } from "../errors";
import { issuesToDetails } from "./issues-to-details";

/**
 * zod validation of the JSON body that reports every problem at once, each as
 * `{code, field, message}` in the API's error envelope.
 *
 * @example app.post("/things", requireJsonBody, validateJson(thingSchema), (c) => c.req.valid("json"))
 */
export function validateJson<T extends ZodType>(schema: T) {
  return zValidator("json", schema, function reportAllIssues(result) {
    if (!result.success) {
      throw new ApiError(issuesToDetails(result.error.issues, result.data));
    }
  });
}
