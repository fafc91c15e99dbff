// The DevTools page: its only job is to add the "Stratum" panel.
import browser from 'webextension-polyfill';

browser.devtools.panels.create('Stratum', 'icons/32.png', 'panel.html').catch((error: unknown) => {
  console.error('stratum: could not create the DevTools panel', error);
});
