import { onTestFinished, vi } from "vitest";

/** One JSON line the Worker logged (src/middleware/request-log.ts, withDatabase, ...). */
export type LoggedEvent = Record<string, unknown> & { event?: string };

/**
 * Declares that the running test expects the Worker to log errors: its `console.error` lines
 * stay out of the test output (a passing run prints no alarming noise) and are returned,
 * parsed, for the test to assert. Restored when the test ends. Errors a test does not expect
 * still print.
 *
 * @example const logs = expectErrorLogs(); ...; expect(logs.events()).toContain("database_error");
 */
export function expectErrorLogs() {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  onTestFinished(() => spy.mockRestore());
  const lines = (): LoggedEvent[] => spy.mock.calls.map(([line]) => parse(String(line)));
  return { lines, events: () => lines().map((line) => line.event) };
}

function parse(line: string): LoggedEvent {
  try {
    return JSON.parse(line) as LoggedEvent;
  } catch {
    return { raw: line };
  }
}
