// `npm run db:migrate`: apply committed migrations to DATABASE_URL, or to the
// embedded database under .data/ when it is unset.
import { getHandle } from "@/db/client";

const handle = await getHandle();
console.log(`Migrations applied (${handle.kind}).`);
await handle.close();
