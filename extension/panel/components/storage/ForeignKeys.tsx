/** Keys of localStorage/sessionStorage that no Stratum namespace owns: listed, marked, never edited. */
import { bytes } from '../../lib/format.js';
import { quote } from '../../lib/encoded.js';
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';

export function ForeignKeys() {
  const { facts } = usePanel();
  const list = facts.facts.value?.foreignKeys ?? [];
  if (list.length === 0) return null;
  return (
    <section class="foreign" data-testid="foreign-keys">
      <h3>
        Other keys of the origin <Badge>not Stratum — read-only</Badge>
      </h3>
      <table class="grid">
        <tbody>
          {list.map((key) => (
            <tr data-testid="foreign-key-row" data-key={key.key} data-area={key.area}>
              <td>{key.area}</td>
              <td class="key">{key.key}</td>
              <td class="value">{quote(key.preview, 200)}</td>
              <td class="num">{bytes(key.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
