// Unit tests for target templates: Twig rendering over an event context with Omneo's filters
// (number_format, date, currency), and errors that name their line.
import { describe, expect, it } from "vitest";
import { sampleContext } from "../events/context";
import { contentTypeOf, renderTemplate, TemplateError, templateError } from "./templates";

const ctx = sampleContext("transaction.created", { transaction: { total: 1234.5, transacted_at: "2026-02-03T04:05:06Z", items: [{ sku: "A" }, { sku: "B" }] } });

describe("renderTemplate", () => {
  it.each([
    ["{{ first_name }} {{ last_name }}", "Jane Citizen"],
    ["{{ transaction.total|number_format(2, '.', ',') }}", "1,234.50"],
    ["{{ transaction.transacted_at|date('Y-m-d') }}", "2026-02-03"],
    ["{{ transaction.total|currency }}", "$1,234.50"],
    ["{{ reward_balance|currency('USD', 'en-US') }}", "$10.00"],
    ["{% for i in transaction.items %}{{ i.sku }}{% endfor %}", "AB"],
    ['{"email": {{ email|json_encode|raw }}, "tier": "{{ tier.handle }}"}', '{"email": "jane.citizen@example.com", "tier": "gold"}'],
    ["{% if combined_balance_dollars > 10 %}rich{% else %}poor{% endif %}", "rich"],
  ])("%s", (tpl, want) => expect(renderTemplate(tpl, ctx)).toBe(want));

  it.each([
    ["{\n  \"a\": 1,\n  \"b\": {{ nope( }}\n}", 3, /nope/],
    ["line one\nline two\n{% if first_name %}\nunclosed", 3, /end tag/],
    ["ok\n{{ email|shout }}", 2, /shout/],
  ])("an error names its line: %j", (tpl, line, msg) => {
    const err = templateError(tpl, ctx);
    expect(err).toBeInstanceOf(TemplateError);
    expect(err!.line).toBe(line);
    expect(err!.message).toMatch(msg);
  });

  it("refuses includes", () => {
    expect(templateError("{% include 'secrets.twig' %}", ctx)).toBeInstanceOf(TemplateError);
  });

  it("knows JSON from text", () => {
    expect(contentTypeOf('{"a":1}')).toBe("application/json");
    expect(contentTypeOf("hello")).toMatch(/text\/plain/);
    expect(contentTypeOf("{broken")).toMatch(/text\/plain/);
  });
});
