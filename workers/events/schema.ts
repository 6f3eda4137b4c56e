// The events area's public face: the event catalogue (every event type, its subject, Omneo's aliases) is
// pure, so the console and the other areas read it from here.
export * from "./catalogue";
