export { cursorParam, encodeCursor, NOT_THIS_LISTING } from "./cursor";
export { DEFAULT_PAGE_SIZE, limitParam, limitParamOf, MAX_PAGE_SIZE, pageMetaSchema, pageFrom, pageOf, type Page } from "./page";
