import { describe, expect, it } from "vitest";
import { budgetReport, bytesByPackage, GZIP_BUDGET_BYTES, moduleOutputs, type Metafile } from "../../scripts/bundle-size-report.ts";

// `npm run bundle:check` builds with wrangler (in Node) and then applies these rules.
const metafile: Metafile = {
  outputs: {
    "../tmp/x/dist/index.js.map": { bytes: 9_000, inputs: {} },
    "../tmp/x/dist/index.js": {
      bytes: 6_000,
      inputs: {
        "node_modules/zod/v4/core/schemas.js": { bytesInOutput: 1_500 },
        "node_modules/zod/v4/mini/schemas.js": { bytesInOutput: 500 },
        "node_modules/@hono/zod-validator/dist/index.mjs": { bytesInOutput: 100 },
        "node_modules/hono/dist/hono.js": { bytesInOutput: 1_000 },
        "src/app.ts": { bytesInOutput: 2_000 },
        "src/errors/index.ts": { bytesInOutput: 0 },
        "<runtime>": { bytesInOutput: 900 },
      },
    },
  },
};

describe("npm run bundle:check", () => {
  it("counts the uploaded modules, never their source maps", () => {
    expect(moduleOutputs(metafile)).toEqual(["../tmp/x/dist/index.js"]);
  });

  it("breaks the bundle down by package, scoped packages whole, largest first", () => {
    expect(bytesByPackage(metafile)).toEqual([
      ["src", 2_000],
      ["zod", 2_000],
      ["hono", 1_000],
      ["other", 900],
      ["@hono/zod-validator", 100],
    ]);
  });

  it("passes at the budget and fails one byte over it, printing the size either way", () => {
    const at = budgetReport("production", { bytes: 200_000, gzipBytes: GZIP_BUDGET_BYTES }, []);
    expect(at.ok).toBe(true);
    expect(at.lines).toEqual(["bundle: production: 195.31 KiB / gzip: 80.00 KiB, within the budget of 80.00 KiB gzip"]);
    const over = budgetReport("production", { bytes: 200_000, gzipBytes: GZIP_BUDGET_BYTES + 1 }, [["src", 3], ["zod", 1]]);
    expect(over.ok).toBe(false);
    expect(over.lines[0]).toBe("bundle: production: 195.31 KiB / gzip: 80.00 KiB, OVER the budget of 80.00 KiB gzip by 0.00 KiB");
    expect(over.lines.slice(1)).toEqual([expect.stringMatching(/^bundle: {3}src +0\.00 KiB minified \(75\.0 %\)$/), expect.stringMatching(/zod .*\(25\.0 %\)$/)]);
  });

  it("has a budget of 80 KiB gzip", () => {
    expect(GZIP_BUDGET_BYTES).toBe(81_920);
  });
});
