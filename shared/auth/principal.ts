// Who is calling: logged by name (an API key's configured name, or a Google account's email).
export type Principal =
  | { kind: 'anonymous'; name: 'anonymous' }
  | { kind: 'api_key'; name: string }
  | { kind: 'google'; name: string };
