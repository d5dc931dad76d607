// The person's own self-inspection checklist (自己点検) of this fiscal
// year's plan: the questions for their roles, answered yes / no / not
// applicable, every item before the answers are accepted (the server
// checks it; the plan is the CISO line's).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type Text } from '../i18n';
import { Refusal, useApi, useRefusal } from './common';
import { fiscalYear } from './FormInputs';

const ANSWERS: [string, Text][] = [['yes', ['はい', 'yes']], ['no', ['いいえ', 'no']], ['na', ['該当なし', 'n/a']]];

export function SelfInspection() {
  const id = `SI${fiscalYear}`;
  const { data, problem, reload } = useApi<any>(`inspections/${id}/checklist`);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const { refused, attempt } = useRefusal();
  const [done, setDone] = useState('');
  async function answer(e: Event) {
    e.preventDefault();
    setDone('');
    if ((await attempt(() => api('POST', `inspections/${id}/answers`, { answers }))) !== undefined) {
      setDone(t(['回答しました', 'Answered']));
      reload();
    }
  }
  const items: any[] = data?.items ?? [];
  return (
    <form onSubmit={(e) => void answer(e)} aria-labelledby="self-inspection-title" data-testid="self-inspection">
      <h2 id="self-inspection-title">{t([`わたしの自己点検 (${fiscalYear}年度)`, `My self-inspection (fiscal ${fiscalYear})`])}</h2>
      {problem?.status === 404
        ? <p>{t(['今年度の自己点検はまだ計画されていません。', 'No self-inspection is planned for this fiscal year yet.'])}</p>
        : <Refusal problem={problem} />}
      {data?.answered && <p role="status" data-testid="self-inspection-answered">{t(['回答済みです。', 'Answered.'])}</p>}
      {items.map((i) => (
        <fieldset key={i.item}>
          <legend>{i.question} <span class="help">[{i.source} {i.clause}]</span></legend>
          {ANSWERS.map(([v, label]) => (
            <label key={v} class="inline-label">
              <input type="radio" class="inline" name={i.item} value={v} checked={answers[i.item] === v}
                onChange={() => setAnswers({ ...answers, [i.item]: v })} />{' '}{t(label)}
            </label>
          ))}
        </fieldset>
      ))}
      {items.length > 0 && <button type="submit">{t(['回答する', 'Answer'])}</button>}
      <Refusal problem={refused} />
      {done && <p role="status" data-testid="self-inspection-done">{done}</p>}
    </form>
  );
}
