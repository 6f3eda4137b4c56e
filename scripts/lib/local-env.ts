// Opens the local D1 (and the other bindings) that `wrangler dev` uses, from Node, so scripts run the
// same services as the worker. `--persist-to DIR` matches wrangler's flag of the same name.
import { getPlatformProxy } from "wrangler";
import { createServices, type Services } from "../../workers/services";

export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const v = process.argv[i + 1];
  return v && !v.startsWith("--") ? v : "";
}

export function hasFlag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export async function withLocalServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const persistTo = argValue("persist-to");
  const proxy = await getPlatformProxy<Env>({
    configPath: "wrangler.toml",
    persist: persistTo ? { path: `${persistTo}/v3` } : true,
    remoteBindings: false,
  });
  try {
    return await fn(createServices(proxy.env));
  } finally {
    await proxy.dispose();
  }
}
