// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import { ApiError } from "./api-error";

/** The `meta` of a 403 quota_exceeded, for the routes' OpenAPI descriptions. */
export const quotaExceededMetaSchema = z.object({
  limit: z.int().check(z.minimum(1)).register(z.globalRegistry, { description: "The organization's quota that the write would pass (GET /usage shows where it stands).", example: 10000 }),
});

/** 403 quota_exceeded: the write would take `organizationId` past its quota of `what`; `field` is the part of the request that would. */
export function quotaExceeded(what: "groups" | "private segments", organizationId: number, limit: number, field: string): ApiError {
  return new ApiError(
    { code: "quota_exceeded", field, message: `Organization ${organizationId} may hold at most ${limit} ${what}; nothing was written. Delete some, or ask for a higher quota.` },
    {},
    { limit },
  );
}
