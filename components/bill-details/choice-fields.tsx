"use client";
// The filter form's choice fields as client leaves: their options travel as a
// list of pairs instead of a server-rendered tree (a multi-select of 45
// instances is ~10 KB of RSC markup, ~2 KB as data). No state: the form is a
// plain GET form and works without JavaScript.

import { inputClass } from "./styles";

type Options = readonly (readonly [string, string])[];

export function SelectField({ name, label, value, options, allLabel }: { name: string; label: string; value: string; options: Options; allLabel?: string }) {
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs text-muted">
      {label}
      <select name={name} defaultValue={value} className={inputClass}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
}

/**
 * Several values of one filter: a disclosure of checkboxes inside the GET form,
 * so each ticked box becomes a repeated URL parameter (`?regionId=a&regionId=b`).
 * Works with the keyboard and without JavaScript.
 */
export function MultiSelectField({ name, label, summary, chosen, options }: { name: string; label: string; summary: string; chosen: string[]; options: Options }) {
  const known = new Set(options.map(([v]) => v));
  return (
    <div className="flex min-w-0 flex-col gap-1 text-xs text-muted">
      <span aria-hidden="true">{label}</span>
      <details className="group relative" data-testid={`filter-${name}`}>
        <summary aria-label={`${label}: ${summary}`} className={`${inputClass} flex cursor-pointer list-none items-center justify-between gap-2 sm:min-w-40`}>
          <span className="truncate">{summary}</span><span aria-hidden="true" className="text-muted">▾</span>
        </summary>
        <fieldset className="absolute left-0 z-20 mt-1 max-h-72 w-72 max-w-[calc(100vw-2rem)] overflow-y-auto rounded-lg border border-line bg-white p-2 text-sm text-ink shadow-lg">
          <legend className="sr-only">{label}</legend>
          {options.map(([v, l]) => (
            <label key={v} className="opt">
              <input type="checkbox" name={name} value={v} defaultChecked={chosen.includes(v)} />
              <span>{l}</span>
            </label>
          ))}
          {/* Values from a shared URL that are not in the list stay applied. */}
          {chosen.filter((v) => !known.has(v)).map((v) => <input key={v} type="hidden" name={name} value={v} />)}
        </fieldset>
      </details>
    </div>
  );
}
