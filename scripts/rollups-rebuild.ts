// `npm run rollups:rebuild [-- --persist-to DIR]`: rebuilds the dashboard's daily rollups exactly from
// the source tables (transactions, profiles, the incentive ledger) in the local D1 that `wrangler dev` uses.
import { systemActor } from "../workers/access/actor";
import { withLocalServices } from "./lib/local-env";

await withLocalServices(async (services) => {
  const { rows, ms } = await services.reporting.rebuild(systemActor("rollups:rebuild"));
  console.log(`Rebuilt the daily rollups in the brand's time zone (${services.reporting.timezone}): ${rows} rows in ${ms} ms.`);
});
