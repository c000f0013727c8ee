// Vite's `?raw` imports: the file's text (test/helpers/contract.ts reads the OpenAPI document so).
declare module "*?raw" {
  const text: string;
  export default text;
}
