import { describe, expect, it } from "vitest";
import development from "../../docs/development.md?raw";
import packageJson from "../../package.json";
import readme from "../../README.md?raw";

// The README is what a newcomer reads first, in minutes: short, with detail in docs/. The npm
// scripts are the project's verbs: docs/development.md lists each one, and only those.

describe("README.md", () => {
  it("stays at most 10 KB (detail goes to docs/)", () => {
    const bytes = new TextEncoder().encode(readme).length;
    expect(bytes, `README.md is ${bytes} bytes; move detail to docs/api.md or docs/development.md`).toBeLessThanOrEqual(10 * 1024);
  });

  it("names only npm scripts that exist", () => {
    const named = new Set([...readme.matchAll(/npm run(?: -s)? ([\w:-]+)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(2);
    expect([...named].filter((script) => !(script in packageJson.scripts))).toEqual([]);
  });
});

describe("docs/development.md", () => {
  it("lists every npm script of package.json in its scripts table, and no other", () => {
    const listed = [...development.matchAll(/^\| `npm (?:run ([\w:-]+)|(test))[^`]*` \|/gm)].map((m) => m[1] ?? m[2]!);
    const scripts = Object.keys(packageJson.scripts);
    expect([...new Set(listed)].sort(), "the scripts table of docs/development.md").toEqual(scripts.sort());
  });
});
