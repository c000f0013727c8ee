import { describe, expect, it } from "vitest";

// Every route module's text, keyed by path (Vite reads them at build time).
const sources = import.meta.glob<string>("../../src/routes/*/**/*.ts", { query: "?raw", import: "default", eager: true });

/** The resource folder (`segments`, `segment-groups`, ...) a module under src/routes/ belongs to. */
const resourceOf = (path: string) => path.match(/src\/routes\/([^/]+)\//)?.[1];

describe("resource folders", () => {
  it("see route modules in more than one resource folder (the check below would pass vacuously otherwise)", () => {
    const folders = new Set(Object.keys(sources).map(resourceOf));
    expect(folders.size, [...folders].join(", ")).toBeGreaterThanOrEqual(2);
  });

  it("import nothing from another resource's folder: what two resources share lives in src/validation (or src/db, ...)", () => {
    const crossings: string[] = [];
    for (const [path, text] of Object.entries(sources)) {
      for (const [, specifier] of text.matchAll(/from\s+"(\.[^"]+)"/g)) {
        const target = new URL(specifier!, `file:///${path.replace(/^(\.\.\/)+/, "")}`).pathname;
        const targetResource = target.match(/^\/src\/routes\/([^/]+)\//)?.[1];
        if (targetResource && targetResource !== resourceOf(path)) crossings.push(`${path} imports "${specifier}"`);
      }
    }
    expect(crossings, crossings.join("\n")).toEqual([]);
  });
});
