import * as z from "zod/mini";
import { positiveIdParam } from "../../validation/integer-param";

export const organizationParamsSchema = z.strictObject({
  organization_id: positiveIdParam.register(z.globalRegistry, { description: "The organization." }),
});
