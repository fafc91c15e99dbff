export { launch, defaultExtensionPath } from './launch.js';
export type { StratumLaunchOptions } from './launch.js';
export { resolveChrome } from './chrome.js';
