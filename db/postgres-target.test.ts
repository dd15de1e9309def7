import { describe, expect, it } from "vitest";
import { postgresTarget } from "./client";

describe("postgresTarget", () => {
  it("keeps a TCP URL as it is", () => {
    expect(postgresTarget("postgres://app@127.0.0.1:5433/app")).toEqual({ url: "postgres://app@127.0.0.1:5433/app" });
  });

  it("reads a socket directory in `host` as libpq does, and drops it from the URL", () => {
    expect(postgresTarget("postgres://app@localhost:5433/app?host=/var/run/postgresql/&sslmode=disable")).toEqual({
      url: "postgres://app@localhost:5433/app?sslmode=disable",
      path: "/var/run/postgresql/.s.PGSQL.5433",
    });
    expect(postgresTarget("postgres://app@localhost/app?host=/tmp").path).toBe("/tmp/.s.PGSQL.5432");
  });

  it("leaves a `host` that is not a directory to the server", () => {
    expect(postgresTarget("postgres://app@localhost/app?host=db.internal")).toEqual({ url: "postgres://app@localhost/app?host=db.internal" });
  });
});
