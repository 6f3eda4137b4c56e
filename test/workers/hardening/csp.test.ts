// Issue 14: the console's Content-Security-Policy allows no inline script without this response's
// nonce ('unsafe-inline' is gone from script-src), and every inline script Remix writes carries it.
import { describe, expect, it } from "vitest";
import { fetchWorker, signedInAs } from "../helpers";

function nonceOf(res: Response): string {
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  const scripts = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
  expect(scripts).not.toContain("'unsafe-inline'");
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scripts)?.[1];
  expect(nonce, csp).toBeTruthy();
  return nonce!;
}

/** Every <script> in a page: whether it is inline, and its nonce attribute. */
function scriptsOf(html: string): Array<{ inline: boolean; nonce: string | null }> {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ inline: !/\bsrc=/.test(m[1]!) && m[2]!.trim() !== "", nonce: /\bnonce="([^"]*)"/.exec(m[1]!)?.[1] ?? null }));
}

describe("the console's CSP nonce", () => {
  it("a console page's inline scripts all carry the response's nonce, a fresh one per response", async () => {
    const { cookie } = await signedInAs("manager");
    const res = await fetchWorker("/profiles", { cookie });
    expect(res.status).toBe(200);
    const nonce = nonceOf(res);
    const scripts = scriptsOf(await res.text());
    expect(scripts.filter((s) => s.inline).length).toBeGreaterThan(0);
    expect(scripts.filter((s) => s.inline && s.nonce !== nonce)).toEqual([]);

    const again = await fetchWorker("/profiles", { cookie });
    expect(nonceOf(again)).not.toBe(nonce);
    await again.body?.cancel();
  });

  it("the sign-in page and the API docs page too (the docs may also eval, for Swagger UI)", async () => {
    const login = await fetchWorker("/login");
    const nonce = nonceOf(login);
    expect(scriptsOf(await login.text()).filter((s) => s.inline && s.nonce !== nonce)).toEqual([]);

    const docs = await fetchWorker("/api/docs");
    const docsNonce = nonceOf(docs);
    expect(docs.headers.get("Content-Security-Policy")).toContain("'unsafe-eval'");
    const scripts = scriptsOf(await docs.text());
    expect(scripts.filter((s) => s.inline)).toEqual([{ inline: true, nonce: docsNonce }]);
  });
});

describe("the console's style policy", () => {
  it("allows <style> elements only from this origin or with the nonce, inline style attributes, and no inline styles elsewhere", async () => {
    const { cookie } = await signedInAs("manager");
    const res = await fetchWorker("/profiles", { cookie });
    await res.body?.cancel();
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    const directive = (name: string) => new RegExp(`(?:^|; )${name} ([^;]+)`).exec(csp)?.[1];
    expect(directive("style-src")).toBe(`'self' 'nonce-${nonce}'`);
    expect(directive("style-src-elem")).toBe(`'self' 'nonce-${nonce}'`);
    expect(directive("style-src-attr")).toBe("'unsafe-inline'");
    // Swagger UI writes its own <style> elements: the docs page alone keeps inline styles
    const docs = await fetchWorker("/api/docs");
    await docs.body?.cancel();
    expect(docs.headers.get("Content-Security-Policy")).toContain("style-src 'self' 'unsafe-inline'");
  });
});
