// A JSON document a person pastes or edits (a signed head, a policy): the
// text area with its label, and the parse that says, in both languages,
// when the text is not JSON instead of sending it.
import { useState } from 'preact/hooks';
import { t, type Text } from '../i18n';

export function useJsonText(label: Text, rows = 8) {
  const [text, setText] = useState('');
  const [bad, setBad] = useState(false);
  // The parsed document, or null (and the message shown) when it is not JSON.
  function parse(): { value: unknown } | null {
    try {
      const value: unknown = JSON.parse(text);
      setBad(false);
      return { value };
    } catch {
      setBad(true);
      return null;
    }
  }
  const field = (
    <>
      <label>
        {t(label)}
        <textarea rows={rows} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {bad && <p class="error" role="alert">{t(['JSON として読めません。', 'This is not valid JSON.'])}</p>}
    </>
  );
  return { text, setText, parse, field };
}
