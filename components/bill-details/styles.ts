// Class names shared by server and client pieces of the Bill Details filters.
export const inputClass = "rounded border border-line bg-white px-2 py-1.5 text-sm text-ink min-w-0 max-w-full";
