export * from "./access";
export * from "./commerce";
export * from "./events";
export * from "./profiles";
export * from "./incentives";
export * from "./reactions";
export * from "./delivery";
export * from "./reporting";
