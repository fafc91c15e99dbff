// The same static server `npm start` uses, so a spec sees pages exactly as a newcomer does.
export { serveRepo, type Served } from '../../../scripts/serve.js';
