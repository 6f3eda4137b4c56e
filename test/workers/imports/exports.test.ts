// CSV exports from the console: what the page shows with its filters, streamed, role-checked, audited.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, fetchWorker, makeToken, signedInAs } from "../helpers";
import { makeProfile, simpleReceipt, uid } from "../commerce/support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

/** Parse our CSV (quoted cells, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

async function csv(path: string, cookie: string): Promise<{ res: Response; rows: string[][] }> {
  const res = await fetchWorker(path, { cookie });
  return { res, rows: res.status === 200 ? parseCsv(await res.text()) : [] };
}

describe("CSV exports", () => {
  it("exports the profiles the search matches, with a formula defused, and audits it", async () => {
    const { cookie, user } = await signedInAs("manager");
    const surname = uid("Exportson");
    const a = await makeProfile(token, { last_name: surname, first_name: "=cmd|' /C calc'!A0" });
    const b = await makeProfile(token, { last_name: surname });
    await makeProfile(token, { last_name: uid("Other") });
    const { res, rows } = await csv(`/profiles/export.csv?q=${encodeURIComponent(surname)}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="profiles-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...data] = rows;
    expect(header.slice(0, 4)).toEqual(["id", "first_name", "last_name", "email"]);
    expect(data.map((r) => r[0]).sort()).toEqual([a.id, b.id].sort());
    expect(data.find((r) => r[0] === a.id)![1]).toBe("'=cmd|' /C calc'!A0");
    const entry = await env.DB.prepare("SELECT actor_id, new_values FROM audit_log WHERE action = 'profiles.exported' ORDER BY at DESC LIMIT 1").first<{ actor_id: string; new_values: string }>();
    expect(entry?.actor_id).toBe(user.id);
    expect(JSON.parse(entry!.new_values)).toMatchObject({ rows: 2, filter: { search: surname } });
  });

  it("exports the filtered transactions in exact decimals", async () => {
    const { cookie } = await signedInAs("admin");
    const profile = await makeProfile(token);
    for (const price of [19.99, 0.05]) {
      const res = await api("/transactions", { method: "POST", token, json: simpleReceipt(price, { profile_id: profile.id }) });
      expect(res.status).toBe(201);
    }
    const { res, rows } = await csv(`/transactions/export.csv?profile=${profile.id}`, cookie);
    expect(res.status).toBe(200);
    const [header, ...data] = rows;
    const total = header.indexOf("total");
    expect(data.map((r) => r[total]).sort()).toEqual(["0.05", "19.99"]);
    expect(data.every((r) => r[header.indexOf("profile_id")] === profile.id)).toBe(true);
  });

  it("refuses roles without the export permission, and signed-out visitors", async () => {
    const { cookie } = await signedInAs("reporting");
    expect((await fetchWorker("/profiles/export.csv", { cookie })).status).toBe(403);
    expect((await fetchWorker("/transactions/export.csv", { cookie })).status).toBe(403);
    const manager = await signedInAs("manager");
    // the audit log is an Admin page; so is its export
    expect((await fetchWorker("/settings/audit/export.csv", { cookie: manager.cookie })).status).toBe(403);
    const anonymous = await fetchWorker("/profiles/export.csv");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toContain("/login");
  });

  it("exports the audit log for an Admin", async () => {
    const { cookie } = await signedInAs("admin");
    const { res, rows } = await csv("/settings/audit/export.csv?action=profile.", cookie);
    expect(res.status).toBe(200);
    expect(rows[0]).toEqual(["at", "actor_type", "actor", "action", "entity_type", "entity_id", "ip", "request_id", "old_values", "new_values"]);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((r) => r[3].startsWith("profile."))).toBe(true);
  });
});
