export { cursorParam, encodeCursor, NOT_THIS_LISTING } from "./cursor";
export { assertIssuedFor, issuedForDigest, organizationSet } from "./issued-for";
export { budgetedPageSql, keptWithinBudget, type BudgetedPage } from "./page-budget";
export { DEFAULT_PAGE_SIZE, limitParam, limitParamOf, MAX_PAGE_SIZE, pageMetaSchema, pageFrom, pageOf, type Page } from "./page";
