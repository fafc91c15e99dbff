/** The panel: header, tabs, the conflict banner and toast, a snapshot import or comparison, and the current tab. */
import { ConflictBanner } from './common/ConflictBanner.js';
import { Toast } from './common/Toast.js';
import { usePanel } from './context.js';
import { DatabaseTab } from './database/DatabaseTab.js';
import { Header } from './Header.js';
import { StateTab } from './state/StateTab.js';
import { StorageTab } from './storage/StorageTab.js';
import { TabBar } from './TabBar.js';
import { CompareView } from './snapshot/CompareView.js';
import { ImportDialog } from './snapshot/ImportDialog.js';
import { TimelineTab } from './timeline/TimelineTab.js';
import { RecordTab } from './record/RecordTab.js';
import { SearchTab } from './search/SearchTab.js';
import { SimulationBanner } from './simulate/SimulationBanner.js';
import { SimulateTab } from './simulate/SimulateTab.js';
import { BudgetTab } from './budget/BudgetTab.js';

export function App() {
  const { ui } = usePanel();
  const tab = ui.tab.value;
  return (
    <div class="app" data-testid="panel">
      <Header />
      <TabBar />
      <SimulationBanner />
      <ConflictBanner />
      <Toast />
      <ImportDialog />
      <CompareView />
      <main class="content">
        {tab === 'state' && <StateTab />}
        {tab === 'storage' && <StorageTab />}
        {tab === 'database' && <DatabaseTab />}
        {tab === 'timeline' && <TimelineTab />}
        {tab === 'search' && <SearchTab />}
        {tab === 'simulate' && <SimulateTab />}
        {tab === 'budget' && <BudgetTab />}
        {tab === 'record' && <RecordTab />}
      </main>
    </div>
  );
}
