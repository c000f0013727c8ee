import { zValidator } from "@hono/zod-validator";
import type { ZodType } from "zod";
import { ApiError } from "../errors";
import { issuesToDetails } from "./issues-to-details";

/** zod validation of path parameters; every bad parameter is reported with its name as `field`. */
export function validateParams<T extends ZodType>(schema: T) {
  return zValidator("param", schema, function reportParamIssues(result) {
    if (!result.success) {
      const details = issuesToDetails(result.error.issues, result.data).map((d) => ({
        ...d,
        code: d.code === "invalid_body" ? ("invalid_parameter" as const) : d.code,
      }));
      throw new ApiError(details);
    }
  });
}
