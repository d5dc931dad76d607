// Which datasets, and purposes, the records search offers a person: the
// server's own answer (GET /v1/datasets?searchable=true), computed by the
// policy code that decides the search itself. Each purpose a dataset
// registers is shown with the person's standing under it; the console
// never decides: a search under a purpose marked "none" is still sent, and
// the server's refusal is shown as it words it.

export interface SearchableDataset {
  name: string;
  purposes?: { id: string; title?: string }[];
  searchable_purposes?: string[];
  listable_purposes?: string[];
}

// 'find': by name or reading; 'list': a page without a name; 'none': the
// server answered that no grant allows either.
export type Standing = 'find' | 'list' | 'none';

export function standing(ds: SearchableDataset | undefined, purpose: string): Standing {
  if (!ds || !purpose) return 'none';
  if (ds.searchable_purposes?.includes(purpose)) return 'find';
  if (ds.listable_purposes?.includes(purpose)) return 'list';
  return 'none';
}

// The registered purposes, those the person may use first.
export function purposesByStanding(ds: SearchableDataset | undefined): { id: string; title?: string; standing: Standing }[] {
  const order: Record<Standing, number> = { find: 0, list: 1, none: 2 };
  return (ds?.purposes ?? [])
    .map((p) => ({ ...p, standing: standing(ds, p.id) }))
    .sort((a, b) => order[a.standing] - order[b.standing]);
}
