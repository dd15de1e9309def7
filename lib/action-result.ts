// The one shape every server action answers with (app/(console)/action.ts makes
// it). `error` is already worded for the user; `field` names the input a 400 is
// about, so a form can put its own sentence next to that input.
export type ActionResult<T = string> =
  | { ok: T; error?: undefined; field?: undefined }
  | { error: string; field?: string; ok?: undefined };

/** A form's state under useActionState: null until the first answer. */
export type ActionState<T = string> = ActionResult<T> | null;
