/** Sign-in error codes next-auth hands to the form (which words them in the user's language). */
export const SIGN_IN_ERRORS = { wrongCredentials: "CredentialsSignin", throttled: "SignInThrottled" } as const;
