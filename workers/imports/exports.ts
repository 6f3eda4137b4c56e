// CSV exports of what a staff member is looking at: the profiles list (its search and type filter),
// the transactions list (its filters), the audit log (its filters). Each pages through the same service
// the page reads, a page at a time, and is audited with what was asked and how many rows left.
import type { Actor } from "../access/actor";
import type { AuditFilter } from "../access/audit";
import type { TransactionFilter } from "../commerce/transactions.service";
import { csvResponse, type CsvValue } from "../platform/csv";
import { centsToDecimal } from "../platform/money";
import type { ProfileType } from "../profiles/schema";
import type { CoreServices } from "../services";

const PAGE = 100;

const decimal = (cents: number | null | undefined): string => (cents === null || cents === undefined ? "" : centsToDecimal(cents));

export const PROFILE_COLUMNS = ["id", "first_name", "last_name", "email", "mobile_phone", "type", "gender", "birth_day", "birth_month", "birth_year", "company", "tags", "joined_at", "joined_location_id", "identities"] as const;
export const TRANSACTION_COLUMNS = ["id", "external_id", "transacted_at", "timezone", "profile_id", "location_id", "staff_id", "channel", "currency", "subtotal", "discount", "tax", "total", "items", "is_void", "void_reason"] as const;
export const AUDIT_COLUMNS = ["at", "actor_type", "actor", "action", "entity_type", "entity_id", "ip", "request_id", "old_values", "new_values"] as const;

function today(services: CoreServices): string {
  return services.clock.now().toISOString().slice(0, 10);
}

async function audited(services: CoreServices, actor: Actor, what: string, filter: object, rows: number) {
  await services.audit.record(actor, { action: `${what}.exported`, entityType: what, entityId: null, newValues: { filter: JSON.parse(JSON.stringify(filter)), rows } });
}

export function exportProfiles(services: CoreServices, filter: { search?: string; type?: ProfileType | "all" }, actor: Actor): Response {
  async function* pages(): AsyncGenerator<CsvValue[][]> {
    // a search ranks at most 100 matches (one page); the full list pages through everyone
    for (let number = 1; ; number++) {
      const { rows } = await services.profiles.list(filter, { number, size: PAGE });
      yield rows.map((p) => [
        p.id,
        p.firstName,
        p.lastName,
        p.email,
        p.mobilePhone,
        p.type,
        p.gender,
        p.birthDay,
        p.birthMonth,
        p.birthYear,
        p.company,
        (p.tags ?? []).join(";"),
        p.joinedAt,
        p.joinedLocationId,
        p.identities.map((i) => `${i.handle}:${i.identifier}`).join(";"),
      ]);
      if (rows.length < PAGE || filter.search) return;
    }
  }
  return csvResponse(`profiles-${today(services)}.csv`, PROFILE_COLUMNS, pages(), (rows) => audited(services, actor, "profiles", filter, rows));
}

export function exportTransactions(services: CoreServices, filter: TransactionFilter, actor: Actor): Response {
  async function* pages(): AsyncGenerator<CsvValue[][]> {
    let after = null;
    do {
      const page = await services.transactions.listByCursor(filter, { after, size: PAGE });
      yield page.rows.map((t) => [
        t.id,
        t.externalId,
        t.transactedAt,
        t.timezone,
        t.profileId,
        t.locationId,
        t.staffId,
        t.channel,
        t.currency,
        decimal(t.subtotal),
        decimal(t.discount),
        decimal(t.tax),
        decimal(t.total),
        t.items.reduce((n, i) => n + i.quantity, 0),
        t.isVoid,
        t.voidReason,
      ]);
      after = page.next;
    } while (after);
  }
  return csvResponse(`transactions-${today(services)}.csv`, TRANSACTION_COLUMNS, pages(), (rows) => audited(services, actor, "transactions", filter, rows));
}

export function exportAudit(services: CoreServices, filter: AuditFilter, actor: Actor): Response {
  async function* pages(): AsyncGenerator<CsvValue[][]> {
    for (let number = 1; ; number++) {
      const { rows } = await services.audit.list(filter, { number, size: PAGE });
      yield rows.map((e) => [e.at, e.actorType, e.actorLabel, e.action, e.entityType, e.entityId, e.ip, e.requestId, e.oldValues ? JSON.stringify(e.oldValues) : null, e.newValues ? JSON.stringify(e.newValues) : null]);
      if (rows.length < PAGE) return;
    }
  }
  return csvResponse(`audit-log-${today(services)}.csv`, AUDIT_COLUMNS, pages(), (rows) => audited(services, actor, "audit", filter, rows));
}
