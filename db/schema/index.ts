export * from "./access";
export * from "./events";
