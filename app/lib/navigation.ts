// The console's sections, each with the permission it needs: drives the navigation and the route guards.
import type { Permission } from "../../workers/access/rules";

export interface NavItem {
  to: string;
  label: string;
  permission: Permission;
}
export interface NavGroup {
  label: string | null;
  items: NavItem[];
}

export const CONFIG_SECTIONS = {
  rewards: { label: "Rewards", blurb: "Dollar-off rewards with an expiry, stacked into a reward balance." },
  points: { label: "Points", blurb: "Point definitions (reward, tier and action points) and the earn rates that turn spend into points." },
  benefits: { label: "Benefits", blurb: "Non-monetary entitlements such as a free alteration or early access, with a redemption limit." },
  tiers: { label: "Tiers", blurb: "Tier ladders fed by tier points over a rolling 12 months, with attain and maintain rules." },
  achievements: { label: "Achievements", blurb: "Counts that rise with qualifying events, with levels that can unlock benefits." },
  locations: { label: "Locations", blurb: "Stores, online channels and pop-ups, with time zones, addresses and opening hours." },
  products: { label: "Products", blurb: "The product catalogue with variants, and SKUs seen in transactions that it lacks." },
} as const;
export type ConfigSection = keyof typeof CONFIG_SECTIONS;

export const SETTINGS_SECTIONS = {
  webhooks: { label: "Webhooks", blurb: "Signed, retried HTTP callbacks on events, with a log of every attempt." },
  reactions: { label: "Reactions", blurb: "Triggers on events and scheduled automations that issue incentives, tag profiles and send to targets." },
  targets: { label: "Targets", blurb: "Formatted payloads for comms platforms such as Klaviyo, Braze or SendGrid." },
} as const;
export type SettingsSection = keyof typeof SETTINGS_SECTIONS;

export const NAVIGATION: NavGroup[] = [
  {
    label: null,
    items: [
      { to: "/dashboard", label: "Dashboard", permission: "dashboard:view" },
      { to: "/profiles", label: "Profiles", permission: "profiles:view" },
      { to: "/transactions", label: "Transactions", permission: "transactions:view" },
      { to: "/incentives", label: "Incentives", permission: "incentives:view" },
      { to: "/incentives/redemptions", label: "Redemptions", permission: "incentives:view" },
    ],
  },
  {
    label: "Configuration",
    items: Object.entries(CONFIG_SECTIONS).map(([key, s]) => ({ to: `/configuration/${key}`, label: s.label, permission: "config:view" as const })),
  },
  {
    label: "Settings",
    items: [
      { to: "/settings/api-tokens", label: "API Tokens", permission: "tokens:manage" },
      ...Object.entries(SETTINGS_SECTIONS).map(([key, s]) => ({ to: `/settings/${key}`, label: s.label, permission: "settings:view" as const })),
      { to: "/settings/imports", label: "Imports", permission: "settings:view" },
      { to: "/settings/users", label: "Users", permission: "users:manage" },
      { to: "/settings/audit", label: "Audit log", permission: "audit:view" },
    ],
  },
];

/** Every console page and the permission it needs (the table the role × route test walks). */
export const CONSOLE_PAGES: NavItem[] = NAVIGATION.flatMap((g) => g.items);
