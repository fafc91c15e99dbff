/** The root model, handed to every component without threading it through props. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Panel } from '../models/panel.js';

export const PanelContext = createContext<Panel | null>(null);

export function usePanel(): Panel {
  const panel = useContext(PanelContext);
  if (!panel) throw new Error('a panel component rendered outside mount(): no PanelContext');
  return panel;
}
