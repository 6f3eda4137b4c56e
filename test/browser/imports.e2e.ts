// Settings → Imports: a CSV of receipts with two bad rows is mapped, previewed and checked; the good
// rows import with a progress bar that finishes, and the error report holds exactly the two bad rows.
// Profiles → Export CSV downloads the list as filtered.
import { readFile } from "node:fs/promises";
import { DEMO, heading, open, signIn, unique } from "./support/console";
import { newProfile } from "./support/api";
import { describe, expect, test } from "./support/fixtures";

describe("CSV import and export", () => {
  test("an Admin imports receipts from a CSV, sees the progress and downloads the failed rows", async ({ page, api, consoleErrors }) => {
    const member = await api.createProfile(newProfile("Importer"));
    const id = unique();
    const csv = [
      "Receipt Number,Customer Email,Date,SKU,Item name,Qty,Unit Price",
      `IMP-${id}-1,${member.email},2026-10-01T10:00:00Z,SKU-${id}-A,Tee,1,19.95`,
      `IMP-${id}-1,${member.email},2026-10-01T10:00:00Z,SKU-${id}-B,Socks,2,5.00`,
      `IMP-${id}-2,${member.email},2026-10-02T10:00:00Z,SKU-${id}-A,Tee,one,19.95`,
      `IMP-${id}-3,${member.email},2026-10-03T10:00:00Z,SKU-${id}-C,Cap,1,12.50`,
      `IMP-${id}-4,${member.email},not a date,SKU-${id}-C,Cap,1,12.50`,
    ].join("\n");

    await signIn(page, DEMO.admin);
    await open(page, "/settings/imports");
    expect(await heading(page).textContent()).toBe("Imports");
    await page.getByTestId("import-file").setInputFiles({ name: "receipts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

    // columns guessed from the headers; the preview shows the first receipt with its two lines
    await expect.poll(() => page.getByTestId("map-external_id").inputValue()).toBe("Receipt Number");
    expect(await page.getByTestId("map-price_sell").inputValue()).toBe("Unit Price");
    const preview = JSON.parse((await page.getByTestId("import-preview").textContent()) ?? "[]");
    expect(preview[0]).toMatchObject({ external_id: `IMP-${id}-1`, total: "29.95", items: [{ sku: `SKU-${id}-A` }, { sku: `SKU-${id}-B`, quantity: 2 }] });

    await page.getByTestId("import-validate").click();
    await expect.poll(() => page.getByTestId("import-summary").textContent()).toContain("2 rows with errors");
    await page.getByTestId("import-run").click();
    await expect.poll(() => page.getByTestId("import-progress-text").textContent(), { timeout: 30_000 }).toBe("2 of 2 records");
    expect(await page.getByTestId("import-progress").getAttribute("aria-valuenow")).toBe("100");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("import-report").click()]);
    const report = (await readFile((await download.path())!, "utf8")).trim().split(/\r\n/);
    expect(report[0]).toBe("Receipt Number,Customer Email,Date,SKU,Item name,Qty,Unit Price,error");
    expect(report.slice(1).map((l) => l.split(",")[0])).toEqual([`IMP-${id}-2`, `IMP-${id}-4`]);
    expect(report[1]).toContain("quantity");
    expect(report[2]).toContain("transacted_at");

    // the good receipts are on the member, the bad ones nowhere
    const txs = await api.request<Array<{ external_id: string }>>("GET", `/profiles/${member.id}/transactions`);
    expect(txs.body.data!.map((t) => t.external_id).sort()).toEqual([`IMP-${id}-1`, `IMP-${id}-3`]);
    expect(consoleErrors).toEqual([]);
  });

  test("Export CSV on the profiles list downloads the filtered members", async ({ page, api }) => {
    const person = newProfile("Exported");
    const created = await api.createProfile(person);
    await signIn(page, DEMO.admin);
    await open(page, `/profiles?q=${encodeURIComponent(person.last_name)}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    expect(download.suggestedFilename()).toMatch(/^profiles-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "").trim().split(/\r\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1].startsWith(`${created.id},Exported,${person.last_name},${person.email}`)).toBe(true);
  });
});
