/** Records per request from the import page: a transactions batch's limit, so one chunk is one job. */
export const IMPORT_CHUNK = 500;
/** The largest file the page reads (it streams it, but keeps the rows for the error report). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
