import { describe, expect, it } from "vitest";
import apiDoc from "../../docs/api.md?raw";
import deployGuide from "../../docs/deploy.md?raw";
import errorsDoc from "../../docs/errors.md?raw";
import readme from "../../README.md?raw";
import { createApp } from "../../src/app";
import { PERMISSION_NOTES, PERMISSIONS } from "../../src/auth/permissions";
import { ERROR_CODES, type ErrorCodeInfo } from "../../src/errors";
import { inventoryRoutes } from "../../src/openapi/operations";

// The README's, the API guide's and the deploy guide's tables restate facts whose source is the
// code; these tests fail when they drift, and print the table to paste.

const cell = (text: string) => text.replaceAll("|", "\\|");

function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, info]: [string, ErrorCodeInfo]) => {
    const headers = Object.keys(info.headers ?? {}).map((name) => `\`${name}\``);
    const meaning = headers.length ? `${info.meaning} Header: ${headers.join(", ")}.` : info.meaning;
    return `| \`${code}\` | ${info.status} | ${cell(meaning)} |`;
  });
  return ["| code | HTTP | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The README's summary: each status with its codes, in the table's order. */
function errorsByStatus(): string {
  const byStatus = new Map<number, string[]>();
  for (const [code, info] of Object.entries(ERROR_CODES) as [string, ErrorCodeInfo][]) {
    byStatus.set(info.status, [...(byStatus.get(info.status) ?? []), `\`${code}\``]);
  }
  return ["| HTTP | codes |", "| --- | --- |", ...[...byStatus].map(([status, codes]) => `| ${status} | ${codes.join(", ")} |`)].join("\n");
}

function permissionTable(): string {
  const { operations } = inventoryRoutes(createApp().routes);
  const rows = PERMISSIONS.map((permission) => {
    const routes = operations.filter((op) => op.permissions.includes(permission))
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
      .map((op) => `\`${op.method.toUpperCase()} ${op.path}\``);
    const grants = [routes.join(", "), PERMISSION_NOTES[permission]].filter(Boolean).join("; ");
    return `| \`${permission}\` | ${grants} |`;
  });
  return ["| permission | grants |", "| --- | --- |", ...rows].join("\n");
}

describe("tables in the docs follow the code", () => {
  it("docs/errors.md's table and the README's summary are src/errors/codes.ts", () => {
    const table = errorTable();
    expect(errorsDoc.includes(table), `docs/errors.md should contain:\n\n${table}\n`).toBe(true);
    const summary = errorsByStatus();
    expect(readme.includes(summary), `README.md should contain, under "Errors":\n\n${summary}\n`).toBe(true);
  });

  it("docs/api.md's and docs/deploy.md's permission tables are src/auth/permissions.ts and the routes' requirePermission", () => {
    const table = permissionTable();
    expect(table).not.toMatch(/\| $/m); // every permission grants at least one route
    expect(apiDoc.includes(table), `docs/api.md should contain, under "Authentication":\n\n${table}\n`).toBe(true);
    expect(deployGuide.includes(table), `docs/deploy.md should contain:\n\n${table}\n`).toBe(true);
  });
});
