// Transactions: a sale posted through the API (two catalogue lines, one discounted) is found in the
// list by its receipt, and its page shows the receipt, the customer, each line and the total; the
// customer's profile lists it on its Transactions tab.
import { newProfile } from "./support/api";
import { DEMO, heading, open, signIn, unique, waitForHydration } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("transactions", () => {
  test("a sale posted through the API is found by receipt, inspected, and listed on the customer's profile", async ({ page, api, consoleErrors }) => {
    const person = newProfile("Shopper");
    const profile = await api.createProfile(person);
    const [first, second] = await api.products(2);
    expect(first && second, "the seed's catalogue has products").toBeTruthy();
    const receipt = `E2E-${unique().toUpperCase()}`;
    const lines = [
      { sku: first!.sku, name: first!.name, quantity: 2, price_original: 49.95, price_sell: 44.95, discounts: [{ name: "Member 10% off", amount: 10 }] },
      { sku: second!.sku, name: second!.name, quantity: 1, price_sell: 19.5 },
    ];
    const tx = await api.createTransaction({
      external_id: receipt,
      profile_id: profile.id,
      location_id: "S001",
      staff_id: "staff-e2e",
      channel: "pos",
      total: 109.4,
      payments: [{ method: "card", amount: 109.4 }],
      items: lines,
    });
    expect(tx.external_id).toBe(receipt);
    expect(tx.profile_id).toBe(profile.id);

    // The list, filtered by the receipt.
    await signIn(page, DEMO.admin);
    await open(page, "/transactions");
    expect(await heading(page).textContent()).toBe("Transactions");
    const filters = page.getByTestId("transaction-filters");
    await filters.getByLabel("Receipt").fill(receipt);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((url) => url.pathname === "/transactions" && url.searchParams.get("receipt") === receipt);
    await waitForHydration(page);
    const rows = page.getByTestId("transaction-row");
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-receipt"))), { timeout: 10_000 }).toEqual([receipt]);
    const row = rows.first();
    const rowText = (await row.textContent()) ?? "";
    expect(rowText).toContain(`${person.first_name} ${person.last_name}`);
    expect(rowText).toContain(person.email);
    expect(rowText).toContain("Sydney CBD");
    expect(await row.getByTestId("transaction-row-total").textContent()).toBe("$109.40");
    // three units over two lines
    const units = row.locator('td[title="2 lines"]');
    expect(await units.textContent()).toBe("3");

    // Its page.
    await row.getByTestId("transaction-link").click();
    await page.waitForURL((url) => url.pathname === `/transactions/${tx.id}`);
    await expect.poll(() => page.getByTestId("transaction-receipt").textContent(), { timeout: 10_000 }).toBe(`Receipt ${receipt}`);
    const customer = page.getByTestId("transaction-customer-card");
    expect(await customer.textContent()).toContain(`${person.first_name} ${person.last_name}`);
    expect(await customer.textContent()).toContain(person.email);
    expect(await page.getByTestId("transaction-facts").textContent()).toContain("Sydney CBD");

    const items = page.getByTestId("transaction-items").getByTestId("transaction-item");
    expect(await items.count()).toBe(2);
    // SKU, Item, Qty, Original, Current, Sell, Tax, Discounts, Line total, as rendered at this width
    const cells = async (n: number) => (await items.nth(n).locator("td").allInnerTexts()).map((t) => t.trim());
    const [a, b] = [await cells(0), await cells(1)];
    expect([a[0], a[1], a[2], a[3], a[5], a[8]]).toEqual([first!.sku, first!.name, "2", "$49.95", "$44.95", "$89.90"]);
    expect(a[7]).toContain("Member 10% off");
    expect(a[7]).toContain("$10.00");
    expect([b[0], b[1], b[2], b[5], b[8]]).toEqual([second!.sku, second!.name, "1", "$19.50", "$19.50"]);
    expect(await page.getByTestId("transaction-total").textContent()).toBe("$109.40");
    const breakdown = (await page.getByTestId("transaction-breakdown").textContent()) ?? "";
    expect(breakdown).toContain("-$10.00");
    expect(await page.getByTestId("transaction-payments").textContent()).toContain("$109.40");

    // The customer's profile lists it.
    await customer.getByRole("link", { name: "All of their transactions →" }).click();
    await page.waitForURL((url) => url.pathname === `/profiles/${profile.id}` && url.searchParams.get("tab") === "transactions");
    const panel = page.getByTestId("profile-panel-transactions");
    await panel.waitFor({ state: "visible" });
    const onProfile = panel.getByTestId("transaction-row");
    await expect.poll(() => onProfile.count(), { timeout: 10_000 }).toBe(1);
    const [, receiptCell, locationCell, , totalCell, statusCell] = (await onProfile.first().locator("td").allTextContents()).map((t) => t.trim());
    // Date, Receipt, Location, Items, Total, Status
    expect([receiptCell, locationCell, totalCell, statusCell]).toEqual([receipt, "Sydney CBD", "$109.40", "Sale"]);
    expect(consoleErrors).toEqual([]);
  });
});
