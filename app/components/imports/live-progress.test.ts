import { describe, expect, it } from "vitest";
import { parseJobMessage } from "./live-progress";

describe("the import page's live-channel messages", () => {
  it("reads a job's progress and ignores everything else on the channel", () => {
    const item = { id: "j1", type: "transactions.batch", status: "processing", total: 500, done: 25, failed: 1 };
    expect(parseJobMessage(JSON.stringify({ type: "job", item }))).toEqual({ id: "j1", status: "processing", total: 500, done: 25, failed: 1 });
    expect(parseJobMessage(JSON.stringify({ type: "signup", item: { profile_id: "p", email: "a@b.c" } }))).toBeNull();
    expect(parseJobMessage(JSON.stringify({ type: "snapshot", items: [] }))).toBeNull();
    expect(parseJobMessage(JSON.stringify({ type: "job", item: { ...item, done: "25" } }))).toBeNull();
    expect(parseJobMessage("not json")).toBeNull();
    expect(parseJobMessage(new ArrayBuffer(2))).toBeNull();
  });
});
