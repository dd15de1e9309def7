// `npm run db:migrate`: apply committed migrations to DATABASE_URL, or to the
// embedded database under .data/ when it is unset (the server applies them
// itself at start, so a held embedded database is left to it).
import { getHandle } from "@/db/client";
import { DatabaseInUseError } from "@/lib/db-lock";

try {
  const handle = await getHandle();
  console.log(`Migrations applied (${handle.kind}).`);
  await handle.close();
} catch (e) {
  if (!(e instanceof DatabaseInUseError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
