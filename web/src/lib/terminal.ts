// A terminal's details changed (PATCH /v1/terminals/{terminal}): the body
// carries only the members the person changed, so that a change of the
// description does not send the fingerprint back (nor renew a certificate
// by accident), and nothing changed sends nothing.

export interface TerminalDetails {
  fingerprint: string;
  description: string;
  controlled_area: boolean;
}

// The terminal as the API answers it, as the form's first values.
export function terminalDetails(t: { fingerprint?: unknown; description?: unknown; controlled_area?: unknown }): TerminalDetails {
  return {
    fingerprint: typeof t.fingerprint === 'string' ? t.fingerprint : '',
    description: typeof t.description === 'string' ? t.description : '',
    controlled_area: t.controlled_area === true,
  };
}

// The members of `edited` that differ from `original`; a fingerprint is
// compared (and sent) in lower case without spaces or colons, as typed
// fingerprints often carry them.
export function terminalPatch(original: TerminalDetails, edited: TerminalDetails): Partial<TerminalDetails> {
  const body: Partial<TerminalDetails> = {};
  const fp = edited.fingerprint.replace(/[\s:]/g, '').toLowerCase();
  if (fp !== original.fingerprint.toLowerCase()) body.fingerprint = fp;
  if (edited.description.trim() !== original.description) body.description = edited.description.trim();
  if (edited.controlled_area !== original.controlled_area) body.controlled_area = edited.controlled_area;
  return body;
}
