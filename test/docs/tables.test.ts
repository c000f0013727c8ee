import { describe, expect, it } from "vitest";
import deployGuide from "../../docs/deploy.md?raw";
import readme from "../../README.md?raw";
import { createApp } from "../../src/app";
import { PERMISSIONS } from "../../src/auth/permissions";
import { ERROR_CODES, type ErrorCodeInfo } from "../../src/errors";
import { inventoryRoutes } from "../../src/openapi/operations";

// The README's and the deploy guide's tables restate facts whose source is the code; these
// tests fail when they drift, and print the table to paste.

const cell = (text: string) => text.replaceAll("|", "\\|");

function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, info]: [string, ErrorCodeInfo]) => {
    const headers = Object.keys(info.headers ?? {}).map((name) => `\`${name}\``);
    const meaning = headers.length ? `${info.meaning} Header: ${headers.join(", ")}.` : info.meaning;
    return `| \`${code}\` | ${info.status} | ${cell(meaning)} |`;
  });
  return ["| code | HTTP | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

function permissionTable(): string {
  const { operations } = inventoryRoutes(createApp().routes);
  const rows = PERMISSIONS.map((permission) => {
    const routes = operations.filter((op) => op.permissions.includes(permission))
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
      .map((op) => `\`${op.method.toUpperCase()} ${op.path}\``);
    return `| \`${permission}\` | ${routes.join(", ")} |`;
  });
  return ["| permission | grants |", "| --- | --- |", ...rows].join("\n");
}

describe("tables in the docs follow the code", () => {
  it("README's error table is src/errors/codes.ts", () => {
    const table = errorTable();
    expect(readme.includes(table), `README.md should contain, under "Errors":\n\n${table}\n`).toBe(true);
  });

  it("README's and docs/deploy.md's permission tables are src/auth/permissions.ts and the routes' requirePermission", () => {
    const table = permissionTable();
    expect(table).not.toMatch(/\| $/m); // every permission grants at least one route
    expect(readme.includes(table), `README.md should contain:\n\n${table}\n`).toBe(true);
    expect(deployGuide.includes(table), `docs/deploy.md should contain:\n\n${table}\n`).toBe(true);
  });
});
