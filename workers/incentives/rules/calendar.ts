// shim: remove once incentives/definitions.service.ts, incentives/definitions.schema.ts and the rules
// barrel (rules/index.ts, which profile-ledger.do.ts reads) import platform/time (stop 17)
export * from "../../platform/time";
