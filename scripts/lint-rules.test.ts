// `npm run test:scripts`: the project's own lint rule (biome.jsonc) catches what it should and
// lets the allowed forms through.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIOME = fileURLToPath(new URL("../node_modules/@biomejs/biome/bin/biome", import.meta.url));

/**
 * Lints `source` as a file of the project; returns Biome's output and exit status. The file sits
 * in a scratch folder inside the repository: Biome's stdin mode prints no diagnostics, and it
 * cannot apply the project's ignore file to a path outside the repository.
 */
function lint(source: string) {
  const dir = mkdtempSync(join(ROOT, ".lint-probe-"));
  try {
    const file = join(dir, "example.ts");
    writeFileSync(file, source);
    const run = spawnSync(process.execPath, [BIOME, "lint", file], { cwd: ROOT, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const from of ["zod", "zod/mini", "zod/v4"]) {
  it(`refuses the named z import from "${from}", saying why`, () => {
    const { status, output } = lint(`import { z } from "${from}";\nexport const name = z.string();\n`);
    assert.notEqual(status, 0, output);
    assert.match(output, /noRestrictedImports/, output);
    assert.match(output, /keeps all of zod, locales included, in the Worker bundle/, output);
  });
}

it("accepts namespace imports of zod and zod/mini, and type imports", () => {
  const source = [
    'import * as z from "zod";',
    'import * as zm from "zod/mini";',
    'import type { ZodType } from "zod";',
    "export const schemas: ZodType[] = [z.string(), zm.string()];",
    "",
  ].join("\n");
  const { status, output } = lint(source);
  assert.equal(status, 0, output);
});
