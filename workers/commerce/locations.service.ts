// Locations: stores, online channels, pop-ups and warehouses. CRUD with audit, lookup by id or
// external id, and the placeholder a transaction creates for a location we do not know yet.
import { and, asc, count, eq, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { locations, transactions, type OpeningHours, type PostalAddress } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { deriveHandle, uniqueHandle } from "../platform/handles";
import { placeholderLocation } from "./rules";
import { isUniqueViolation, runBatch, textMatch, type Statement } from "../platform/sql";
import type { LocationInput, LocationType, UpdateLocationInput } from "./schema";
import { serializeLocation, type Location } from "./views";

/** the row type's home is views.ts; re-exported for the services that take a location */
export type { Location };


export interface LocationFilter {
  type?: LocationType;
  /** a fragment of the name (case-insensitive) */
  search?: string;
}


/** Of the rows matching a value as id or external id, the one whose id it is wins. */
function pickByIdOrExternalId(rows: Location[], value: string): Location | undefined {
  return rows.find((r) => r.id === value) ?? rows[0];
}

export class LocationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async find(id: string): Promise<Location | undefined> {
    return this.db.query.locations.findFirst({ where: eq(locations.id, id) });
  }

  async get(id: string): Promise<Location> {
    const l = await this.find(id);
    if (!l) throw new DomainError("not_found", `No location with id ${id}`);
    return l;
  }

  /** Match a value by our id first, then by external id. */
  /** findByIdOrExternalId as an unexecuted query for a caller's batch; its rows go to pickByIdOrExternalId. */
  byIdOrExternalIdQuery(value: string) {
    return this.db.select().from(locations).where(or(eq(locations.id, value), eq(locations.externalId, value))).limit(2);
  }

  async findByIdOrExternalId(value: string): Promise<Location | undefined> {
    return pickByIdOrExternalId(await this.byIdOrExternalIdQuery(value), value);
  }

  async list(filter: LocationFilter, page: PageRequest): Promise<{ rows: Location[]; total: number }> {
    const conds: SQL[] = [];
    if (filter.type) conds.push(eq(locations.type, filter.type));
    const q = filter.search?.trim();
    if (q) conds.push(textMatch(locations.name, q, "contains"));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(locations).where(where).orderBy(asc(locations.name), asc(locations.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(locations).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────────

  /** A handle not yet used by another location: the requested one must be free, a derived one is made free. */
  private async freeHandle(requested: string | undefined, name: string, self: string | null, errors: FieldErrors): Promise<string> {
    if (requested) {
      const other = await this.db.query.locations.findFirst({ where: eq(locations.handle, requested) });
      if (other && other.id !== self) (errors.handle ??= []).push(`The handle "${requested}" is already used by location ${other.id}`);
      return requested;
    }
    const base = deriveHandle(name);
    const taken = await this.db
      .select({ handle: locations.handle, id: locations.id })
      .from(locations)
      .where(textMatch(locations.handle, base, "prefix"));
    return uniqueHandle(base, new Set(taken.filter((t) => t.id !== self).map((t) => t.handle)));
  }

  private async checkExternalId(externalId: string | null | undefined, self: string | null, errors: FieldErrors): Promise<void> {
    if (!externalId) return;
    const other = await this.db.query.locations.findFirst({ where: eq(locations.externalId, externalId) });
    if (other && other.id !== self) (errors.external_id ??= []).push(`The external id "${externalId}" is already used by location ${other.id}`);
  }

  private async commit(statements: Statement[]): Promise<void> {
    try {
      await runBatch(this.db, statements);
    } catch (err) {
      if (isUniqueViolation(err)) {
        const field = String((err as Error).message).includes("external") ? "external_id" : "handle";
        throw DomainError.field(field, `This ${field.replace("_", " ")} is already used by another location`);
      }
      throw err;
    }
  }

  async create(input: LocationInput, actor: Actor): Promise<Location> {
    const errors: FieldErrors = {};
    const handle = await this.freeHandle(input.handle, input.name, null, errors);
    await this.checkExternalId(input.external_id, null, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid location: ${Object.keys(errors).join(", ")}`, { errors });
    const now = this.clock.now();
    const row: Location = {
      id: newId(),
      name: input.name,
      handle,
      type: input.type ?? "store",
      externalId: input.external_id ?? null,
      timezone: input.timezone ?? "UTC",
      address: (input.address ?? null) as PostalAddress | null,
      openingHours: (input.opening_hours ?? null) as OpeningHours | null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      isPublished: input.is_published ?? true,
      isPlaceholder: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.commit([
      this.db.insert(locations).values(row),
      this.audit.entry(actor, { action: "location.created", entityType: "location", entityId: row.id, newValues: serializeLocation(row) }),
    ]);
    return row;
  }

  /** Only the fields given change. Editing a placeholder completes it (it stops being a placeholder). */
  async update(id: string, input: UpdateLocationInput, actor: Actor): Promise<Location> {
    const current = await this.get(id);
    const errors: FieldErrors = {};
    const change: Partial<Location> = {};
    const set = <K extends keyof Location>(key: K, value: Location[K] | undefined) => {
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) change[key] = value;
    };
    set("name", input.name);
    if (input.handle !== undefined) set("handle", await this.freeHandle(input.handle, input.name ?? current.name, id, errors));
    set("type", input.type);
    if (input.external_id !== undefined) {
      await this.checkExternalId(input.external_id, id, errors);
      set("externalId", input.external_id ?? null);
    }
    set("timezone", input.timezone);
    if (input.address !== undefined) set("address", (input.address ?? null) as PostalAddress | null);
    if (input.opening_hours !== undefined) set("openingHours", (input.opening_hours ?? null) as OpeningHours | null);
    if (input.phone !== undefined) set("phone", input.phone ?? null);
    if (input.email !== undefined) set("email", input.email ?? null);
    set("isPublished", input.is_published);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid location: ${Object.keys(errors).join(", ")}`, { errors });
    if (current.isPlaceholder && Object.keys(change).length) change.isPlaceholder = false;
    if (!Object.keys(change).length) return current;
    const now = this.clock.now();
    const keys = Object.keys(change) as Array<keyof Location>;
    await this.commit([
      this.db.update(locations).set({ ...change, updatedAt: now }).where(eq(locations.id, id)),
      this.audit.entry(actor, {
        action: "location.updated",
        entityType: "location",
        entityId: id,
        oldValues: Object.fromEntries(keys.map((k) => [k, current[k]])),
        newValues: change as Record<string, unknown>,
      }),
    ]);
    return { ...current, ...change, updatedAt: now };
  }

  /** Delete a location nothing refers to; one that transactions name is kept (409) so history stays whole. */
  async delete(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    const [used] = await this.db.select({ n: count() }).from(transactions).where(eq(transactions.locationId, id));
    if ((used?.n ?? 0) > 0) {
      throw new DomainError("conflict", `Location ${current.name} is named by ${used!.n} transaction${used!.n === 1 ? "" : "s"} and cannot be deleted; unpublish it instead`);
    }
    await this.db.batch([
      this.db.delete(locations).where(eq(locations.id, id)),
      this.audit.entry(actor, { action: "location.deleted", entityType: "location", entityId: id, oldValues: serializeLocation(current) }),
    ]);
  }

  /**
   * The location a transaction names: matched by id, then by external id. An unknown value yields a
   * placeholder row for the caller to insert in the same batch as the transaction (`created: true`).
   */
  async resolveForTransaction(value: string, prefetched?: Location[]): Promise<{ location: Location; created: boolean }> {
    const found = prefetched ? pickByIdOrExternalId(prefetched, value) : await this.findByIdOrExternalId(value);
    if (found) return { location: found, created: false };
    const p = placeholderLocation(value);
    const taken = await this.db.select({ handle: locations.handle }).from(locations).where(textMatch(locations.handle, p.handle, "prefix"));
    const now = this.clock.now();
    return {
      created: true,
      location: {
        id: newId(),
        name: p.name,
        handle: uniqueHandle(p.handle, new Set(taken.map((t) => t.handle))),
        type: "store",
        externalId: p.externalId,
        timezone: "UTC",
        address: null,
        openingHours: null,
        phone: null,
        email: null,
        isPublished: false,
        isPlaceholder: true,
        createdAt: now,
        updatedAt: now,
      },
    };
  }

  /** The statements that create a placeholder (the row and its audit entry), for the caller's batch. */
  placeholderStatements(row: Location, actor: Actor) {
    return [
      this.db.insert(locations).values(row),
      this.audit.entry(actor, { action: "location.placeholder_created", entityType: "location", entityId: row.id, newValues: { name: row.name, external_id: row.externalId, handle: row.handle } }),
    ] as const;
  }
}
