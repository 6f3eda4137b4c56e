import { Badge } from "~/components/ui/badge";

const TONE = { active: "success", pending: "warning", deleted: "danger", system: "neutral" } as const;
const LABEL = { active: "Active", pending: "Pending", deleted: "Deleted", system: "System" } as const;

/** A profile's lifecycle type as a coloured badge. */
export function ProfileTypeBadge({ type }: { type: string }) {
  const known = type in TONE ? (type as keyof typeof TONE) : null;
  return (
    <Badge tone={known ? TONE[known] : "neutral"} className="capitalize">
      {known ? LABEL[known] : type}
    </Badge>
  );
}
