/** The State tab: the tree on the left, the selected state on the right. */
import { StateDetail } from './StateDetail.js';
import { StateTree } from './StateTree.js';

export function StateTab() {
  return (
    <div class="split" data-testid="panel-state">
      <StateTree />
      <StateDetail />
    </div>
  );
}
