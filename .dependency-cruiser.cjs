// The import layers (docs/architecture.md), checked by `npm run lint:layers`.
// Imports point down only: a module may import its own tier or a lower one,
// never a higher one. Tests sit outside the layers (they may import anything).

/** Top to bottom. A path belongs to the first tier whose pattern it matches. */
const TIERS = [
  { name: "app", path: "^(app/|proxy\\.ts$|i18n/request\\.ts$|lib/api/)" },
  { name: "ops", path: "^(lib/ops/|db/seed/|scripts/|bench/|instrumentation\\.ts$)" },
  { name: "data", path: "^lib/data/" },
  { name: "jobs", path: "^lib/jobs/" },
  { name: "alerts", path: "^lib/alerts/" },
  { name: "lifecycle/overdue", path: "^lib/(lifecycle|overdue)/" },
  { name: "billing", path: "^lib/billing/" },
  { name: "webhooks", path: "^lib/webhooks/" },
];
const union = (tiers) => tiers.map((t) => `(${t.path})`).join("|");
const TEST = "(\\.test\\.tsx?$|^tests/|^e2e/)";

/** Leaves and pure libraries: anything may import them; they import only each other. */
const LEAVES = "^(db/(client|schema|citus)\\.ts$|lib/[^/]+\\.ts$|lib/(auth|exports|i18n)/|messages/)";
/** What presentational code (components/, i18n/ helpers) may import besides itself and packages. */
const PRESENTATION = "^(components/|i18n/(?!request\\.ts$))";
const PRESENTATION_MAY_USE = "^(components/|i18n/|messages/|lib/(money|format|text|clock|errors|action-result|tags)\\.ts$|lib/i18n/|lib/auth/codes\\.ts$|lib/overdue/(machine|policies)\\.ts$|node_modules/)";

const upward = TIERS.slice(1).map((tier, i) => ({
  name: `${tier.name}-points-down`,
  severity: "error",
  comment: `${tier.name} may not import a higher layer (${TIERS.slice(0, i + 1).map((t) => t.name).join(", ")}).`,
  from: { path: tier.path, pathNot: TEST },
  to: { path: union(TIERS.slice(0, i + 1)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "leaves-import-leaves",
      severity: "error",
      comment: "db/, the leaf modules and the pure libraries (lib/auth, lib/exports, lib/i18n) import no layer and no UI.",
      from: { path: LEAVES, pathNot: TEST },
      to: { path: `${union(TIERS)}|^(components|i18n)/` },
    },
    {
      name: "lifecycle-overdue-siblings",
      severity: "error",
      comment: "lib/lifecycle and lib/overdue share a tier and do not import each other; what needs both sits above them.",
      from: { path: "^lib/(lifecycle|overdue)/", pathNot: TEST },
      to: { path: "^lib/(lifecycle|overdue)/", pathNot: "^lib/$1/" },
    },
    {
      name: "presentation-is-presentational",
      severity: "error",
      comment: "components/ and the i18n/ helpers never import app/ or the server layers; only leaves, lib/i18n and pure state machines.",
      from: { path: PRESENTATION, pathNot: TEST },
      to: { pathNot: PRESENTATION_MAY_USE, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "presentation-types-from-below",
      severity: "error",
      comment: "A component may name a type from lib/data or db/schema, never anything from app/ or the other server layers.",
      from: { path: PRESENTATION, pathNot: TEST },
      to: { pathNot: `${PRESENTATION_MAY_USE}|^(lib/data/|db/schema\\.ts$)`, dependencyTypes: ["type-only"] },
    },
    {
      name: "lib-is-framework-free",
      severity: "error",
      comment: "No React or Next imports in lib/ (next-auth's session API is the one framework door, in lib/data).",
      from: { path: "^lib/", pathNot: TEST },
      to: { path: "^node_modules/(react|react-dom|next)/" },
    },
    {
      name: "db-only-below-app",
      severity: "error",
      comment: "lib/data is the only door to the database: app/, lib/api and components never open db/client.",
      from: { path: `${TIERS[0].path}|${PRESENTATION}`, pathNot: TEST },
      to: { path: "^db/client\\.ts$" },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "A runtime cycle hides which module is the lower one (a cycle of type imports only is harmless).",
      from: { pathNot: TEST },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    includeOnly: "^(app|components|lib|db|i18n|messages|scripts|bench|tests|e2e|instrumentation\\.ts|proxy\\.ts)",
    exclude: { path: "^(db/migrations|e2e/artifacts)/" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
    },
  },
};
