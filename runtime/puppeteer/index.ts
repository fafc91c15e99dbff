export { launch, defaultExtensionPath } from './launch.js';
export type { StratumLaunchOptions } from './launch.js';
export { resolveChrome } from './chrome.js';
export { openPanel } from './panel.js';
export type { PanelHandle } from './panel.js';
export { connect, StratumError } from './connect.js';
export type { QueryOptions, StateLocator, StateView, StratumClient } from './connect.js';
export { extensionId } from './extension.js';
