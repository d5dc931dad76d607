// Which datasets the records search offers a person. The API has no answer
// to "which datasets may I search, for which purpose": a person's grants
// are in the rights register, which handlers may not read. A grant reaches
// a person only within its department (policy/right.cc), and each dataset
// belongs to one department, so the console offers the datasets of the
// person's own department. This only narrows the picker: the API still
// decides every search, and its refusal is shown as it words it.

export interface DatasetSummary {
  name: string;
  department?: string;
}

export function searchableDatasets<T extends DatasetSummary>(datasets: readonly T[], department: string): T[] {
  if (!department) return [];
  return datasets.filter((d) => d.department === department);
}
