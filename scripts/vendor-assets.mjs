// Copies the browser assets we serve ourselves (Swagger UI for /api/docs) into public/vendor, which
// the Remix build copies to build/client. Runs on npm install; safe to run again.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "node_modules", "swagger-ui-dist");
if (!existsSync(src)) process.exit(0); // production install without devDependencies
const dest = join(root, "public", "vendor", "swagger-ui");
mkdirSync(dest, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) copyFileSync(join(src, file), join(dest, file));
